namespace ConvKit.Data;

/// <summary>
/// A labelled set of images in memory: <see cref="Images"/> of shape (count, channels, height, width) with values
/// in [0, 1], and one class label per image in 0..<see cref="ClassCount"/>-1.
/// </summary>
/// <remarks>
/// A set loaded from 8-bit files (<see cref="Dataset.Load(string, string?, bool)"/>) keeps the bytes
/// (<see cref="Bytes"/>, a quarter of the memory of floats) and gives each image as <c>byte / 255f</c>:
/// <see cref="CopyImages(ReadOnlySpan{int}, Span{float})"/> and <c>Model.Fit(ImageSet)</c> convert batch by
/// batch, while <see cref="Images"/> converts the whole set once, on first use, and from then on is the set's
/// data (changes made to it are what the set holds).
/// </remarks>
/// <example>
/// <code>
/// var data = Dataset.Load("mnist", dataDir: null, allowDownload: true);
/// var (train, validation) = data.Train.Split(0.1);   // the last 10% for validation, as Keras does
/// ReadOnlySpan&lt;float&gt; first = train.Image(0);   // 784 floats, (1, 28, 28)
/// </code>
/// </example>
public sealed class ImageSet
{
    private readonly byte[]? _bytes;
    private float[]? _images;

    /// <summary>Wraps <paramref name="images"/> and <paramref name="labels"/> (not copied).</summary>
    /// <param name="images">Pixels, shape (count, channels, height, width), row-major.</param>
    /// <param name="labels">One label per image, each in 0..classNames.Count-1.</param>
    /// <param name="channels">Channels per image.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="classNames">Name of each class.</param>
    /// <exception cref="ArgumentException">The array lengths do not match the shape, or a label is out of range.</exception>
    public ImageSet(float[] images, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
        : this(images?.LongLength ?? throw new ArgumentNullException(nameof(images)), labels, channels, height, width, classNames)
    {
        _images = images;
    }

    /// <summary>
    /// Wraps 8-bit <paramref name="pixels"/> (0..255, read as <c>pixel / 255f</c>) and <paramref name="labels"/>
    /// (not copied).
    /// </summary>
    /// <param name="pixels">Pixels 0..255, shape (count, channels, height, width), row-major.</param>
    /// <param name="labels">One label per image, each in 0..classNames.Count-1.</param>
    /// <param name="channels">Channels per image.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="classNames">Name of each class.</param>
    /// <exception cref="ArgumentException">The array lengths do not match the shape, or a label is out of range.</exception>
    public ImageSet(byte[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
        : this(pixels?.LongLength ?? throw new ArgumentNullException(nameof(pixels)), labels, channels, height, width, classNames)
    {
        _bytes = pixels;
    }

    private ImageSet(long pixelCount, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classNames.Count, 1, nameof(classNames));
        var sample = (long)channels * height * width;
        if (pixelCount != labels.LongLength * sample)
        {
            throw new ArgumentException(
                $"{labels.Length} labels need {labels.LongLength * sample} pixels of shape ({channels}, {height}, {width}), got {pixelCount}.",
                "images");
        }
        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside 0..{classNames.Count - 1}.", nameof(labels));
            }
        }
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
    }

    /// <summary>
    /// Pixels in [0, 1], shape (count, channels, height, width). For a set of bytes, converted on first use and
    /// kept; from then on this array is the set's data.
    /// </summary>
    public float[] Images => _images ?? ConvertAll();

    private float[] ConvertAll()
    {
        Interlocked.CompareExchange(ref _images, PixelScale.ToUnit(_bytes!), null);
        return _images;
    }

    /// <summary>
    /// The 8-bit pixels (0..255) of a set made from bytes, or null for a set made from floats. Once
    /// <see cref="Images"/> has been read, it holds the set's data instead and this is null.
    /// </summary>
    public byte[]? Bytes => _images is null ? _bytes : null;

    /// <summary>Class label of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Floats per image: channels x height x width.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>Name of each class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>
    /// The pixels of image <paramref name="index"/>, shape (channels, height, width): a view of <see cref="Images"/>,
    /// or for a set of bytes a converted copy of that one image.
    /// </summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Bytes is { } bytes
            ? PixelScale.ToUnit(bytes.AsSpan(index * SampleSize, SampleSize))
            : Images.AsSpan(index * SampleSize, SampleSize);
    }

    /// <summary>
    /// Copies (converting bytes) images <c>[start, start + count)</c> into <paramref name="destination"/>, shape
    /// (count, channels, height, width).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the set.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public void CopyImages(int start, int count, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)start + count, Count, nameof(count));
        var s = SampleSize;
        RequireRoom(destination, count);
        if (Bytes is { } bytes)
        {
            PixelScale.ToUnit(bytes.AsSpan(start * s, count * s), destination);
        }
        else
        {
            Images.AsSpan(start * s, count * s).CopyTo(destination);
        }
    }

    /// <summary>
    /// Copies (converting bytes) the images at <paramref name="indices"/>, in that order, into
    /// <paramref name="destination"/>, shape (indices.Length, channels, height, width).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the set.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public void CopyImages(ReadOnlySpan<int> indices, Span<float> destination)
    {
        var s = SampleSize;
        RequireRoom(destination, indices.Length);
        var bytes = Bytes;
        for (var k = 0; k < indices.Length; k++)
        {
            var i = indices[k];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(indices));
            if (bytes is not null)
            {
                PixelScale.ToUnit(bytes.AsSpan(i * s, s), destination.Slice(k * s, s));
            }
            else
            {
                Images.AsSpan(i * s, s).CopyTo(destination.Slice(k * s, s));
            }
        }
    }

    private void RequireRoom(Span<float> destination, int count)
    {
        if (destination.Length < (long)count * SampleSize)
        {
            throw new ArgumentException($"The buffer holds {destination.Length} floats; {count} images of ({Channels}, {Height}, {Width}) need {(long)count * SampleSize}.", nameof(destination));
        }
    }

    /// <summary>
    /// The images <c>[start, start + count)</c> as a new set. The pixels are copied (one block copy, bytes stay
    /// bytes), so the subset owns plain arrays like every other set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the set.</exception>
    public ImageSet Subset(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)start + count, Count, nameof(count));
        var s = SampleSize;
        var labels = Labels.AsSpan(start, count).ToArray();
        return Bytes is { } bytes
            ? new ImageSet(bytes.AsSpan(start * s, count * s).ToArray(), labels, Channels, Height, Width, ClassNames)
            : new ImageSet(Images.AsSpan(start * s, count * s).ToArray(), labels, Channels, Height, Width, ClassNames);
    }

    /// <summary>The images at <paramref name="indices"/>, in that order, as a new set (copied; bytes stay bytes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the set.</exception>
    public ImageSet Select(ReadOnlySpan<int> indices)
    {
        var s = SampleSize;
        var labels = new int[indices.Length];
        for (var k = 0; k < indices.Length; k++)
        {
            var i = indices[k];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(indices));
            labels[k] = Labels[i];
        }
        if (Bytes is { } bytes)
        {
            var pixels = new byte[(long)indices.Length * s];
            for (var k = 0; k < indices.Length; k++)
            {
                bytes.AsSpan(indices[k] * s, s).CopyTo(pixels.AsSpan(k * s, s));
            }
            return new ImageSet(pixels, labels, Channels, Height, Width, ClassNames);
        }
        var images = new float[(long)indices.Length * s];
        CopyImages(indices, images);
        return new ImageSet(images, labels, Channels, Height, Width, ClassNames);
    }

    /// <summary>
    /// Splits off the last <paramref name="validationFraction"/> of the images for validation, before any
    /// shuffling, exactly as Keras' <c>validation_split</c>: the training part is the first
    /// <c>floor(count * (1 - validationFraction))</c> images.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ConvKitException">The set is too small for either part to be non-empty.</exception>
    public (ImageSet Train, ImageSet Validation) Split(double validationFraction)
    {
        var at = SplitPoint(validationFraction);
        return (Subset(0, at), Subset(at, Count - at));
    }

    /// <summary>
    /// Like <see cref="Split(double)"/>, but on a copy shuffled with <paramref name="seed"/> first, for data
    /// sorted by class. The same seed gives the same split on every platform.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ConvKitException">The set is too small for either part to be non-empty.</exception>
    public (ImageSet Train, ImageSet Validation) Split(double validationFraction, int seed)
    {
        var at = SplitPoint(validationFraction);
        var order = new int[Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        SplitMix64.For(seed, stream: -1).Shuffle(order);
        return (Select(order.AsSpan(0, at)), Select(order.AsSpan(at)));
    }

    /// <summary>
    /// Holds out <paramref name="holdoutFraction"/> of each class, so both parts keep the class proportions
    /// (scikit-learn's <c>train_test_split(stratify=y)</c>): class c with n_c images gives
    /// <c>round(n_c · fraction)</c> to the held-out part, at least one when n_c ≥ 2 and never all of them, chosen by
    /// a shuffle seeded with (<paramref name="seed"/>, c). Both parts keep the original order of the images. The
    /// same seed gives the same split on every platform.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdoutFraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ConvKitException">The set is too small for either part to be non-empty.</exception>
    public (ImageSet Train, ImageSet Holdout) StratifiedSplit(double holdoutFraction, int seed)
    {
        var (train, holdout) = StratifiedSplitIndices(holdoutFraction, seed);
        return (Select(train), Select(holdout));
    }

    /// <summary>The image indices of <see cref="StratifiedSplit"/>'s two parts, each in increasing order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdoutFraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ConvKitException">The set is too small for either part to be non-empty.</exception>
    public (int[] Train, int[] Holdout) StratifiedSplitIndices(double holdoutFraction, int seed)
    {
        if (!(holdoutFraction > 0 && holdoutFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction, "The held-out fraction must be strictly between 0 and 1.");
        }
        var held = new bool[Count];
        var byClass = new List<int>[ClassCount];
        for (var c = 0; c < ClassCount; c++)
        {
            byClass[c] = [];
        }
        for (var i = 0; i < Count; i++)
        {
            byClass[Labels[i]].Add(i);
        }
        var heldCount = 0;
        for (var c = 0; c < ClassCount; c++)
        {
            var members = byClass[c].ToArray();
            var n = members.Length;
            if (n < 2)
            {
                continue;
            }
            var take = Math.Clamp((int)Math.Round(n * holdoutFraction, MidpointRounding.AwayFromZero), 1, n - 1);
            SplitMix64.For(seed, stream: c).Shuffle(members);
            for (var k = 0; k < take; k++)
            {
                held[members[k]] = true;
            }
            heldCount += take;
        }
        if (heldCount == 0 || heldCount == Count)
        {
            throw new ConvKitException(
                $"A set of {Count} images is too small to hold out {holdoutFraction} of each class: one part would be empty.");
        }
        var train = new int[Count - heldCount];
        var holdout = new int[heldCount];
        int t = 0, h = 0;
        for (var i = 0; i < Count; i++)
        {
            if (held[i])
            {
                holdout[h++] = i;
            }
            else
            {
                train[t++] = i;
            }
        }
        return (train, holdout);
    }

    /// <summary>How many images each class has, their shares and the imbalance ratio (see <see cref="Data.ClassBalance"/>).</summary>
    /// <param name="warnAbove">The imbalance ratio (largest / smallest class) above which the report warns.</param>
    public ClassBalance ClassBalance(double warnAbove = Data.ClassBalance.DefaultWarnAbove)
    {
        var counts = new int[ClassCount];
        foreach (var label in Labels)
        {
            counts[label]++;
        }
        return Data.ClassBalance.FromCounts(ClassNames, counts, warnAbove);
    }

    private int SplitPoint(double validationFraction)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1.");
        }
        var at = (int)Math.Floor(Count * (1.0 - validationFraction));
        if (at == 0 || at == Count)
        {
            throw new ConvKitException(
                $"A set of {Count} images is too small to split with validation fraction {validationFraction}: one part would be empty.");
        }
        return at;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Count} images ({Channels}, {Height}, {Width}), {ClassCount} classes";
}
