namespace ConvKit.Data;

/// <summary>
/// Cuts an <see cref="ImageSet"/> into mini-batches, in order or shuffled, and copies each batch into buffers
/// the caller owns. After construction it allocates nothing: <see cref="StartEpoch"/> reshuffles an index array
/// in place and <see cref="Fill"/> copies pixels and labels.
/// </summary>
/// <remarks>
/// The order of epoch <c>e</c> depends only on (<see cref="Seed"/>, <c>e</c>), not on earlier epochs, on the
/// platform or on the thread count, so a run can be resumed at any epoch and reproduced exactly. As in Keras, the
/// last batch is smaller when the batch size does not divide the set, unless <see cref="DropLast"/> is set.
/// </remarks>
/// <example>
/// <code>
/// var batches = new BatchIterator(train, batchSize: 64, shuffle: true, seed: 42);
/// var x = new float[64 * train.SampleSize];   // (64, 1, 28, 28)
/// var y = new int[64];
/// for (var epoch = 0; epoch &lt; epochs; epoch++)
/// {
///     batches.StartEpoch(epoch);
///     for (var b = 0; b &lt; batches.BatchCount; b++)
///     {
///         var n = batches.Fill(b, x, y);   // x[..n * SampleSize], y[..n]
///     }
/// }
/// </code>
/// </example>
public sealed class BatchIterator
{
    private readonly int[] _order;

    /// <summary>Prepares batches of <paramref name="batchSize"/> over <paramref name="set"/>, starting at epoch 0.</summary>
    /// <param name="set">The images to iterate over.</param>
    /// <param name="batchSize">Images per batch (at least 1).</param>
    /// <param name="shuffle">Whether each epoch visits the images in a fresh random order.</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <param name="dropLast">Whether to skip a final batch smaller than <paramref name="batchSize"/>.</param>
    public BatchIterator(ImageSet set, int batchSize, bool shuffle, int seed, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Set = set;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        _order = new int[set.Count];
        BatchCount = dropLast ? set.Count / batchSize : (set.Count + batchSize - 1) / batchSize;
        StartEpoch(0);
    }

    /// <summary>The images iterated over.</summary>
    public ImageSet Set { get; }

    /// <summary>Images per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the shuffles.</summary>
    public int Seed { get; }

    /// <summary>Whether a final partial batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount { get; }

    /// <summary>The epoch whose order is current.</summary>
    public int Epoch { get; private set; }

    /// <summary>The current visiting order: a permutation of 0..Count-1 (the identity when not shuffling).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>
    /// Sets the order for <paramref name="epoch"/>: the identity, or a Fisher-Yates shuffle seeded by
    /// (<see cref="Seed"/>, <paramref name="epoch"/>). Allocates nothing.
    /// </summary>
    public void StartEpoch(int epoch)
    {
        Epoch = epoch;
        for (var i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
        if (Shuffle)
        {
            SplitMix64.For(Seed, epoch).Shuffle(_order);
        }
    }

    /// <summary>The positions <c>[Start, Start + Count)</c> of batch <paramref name="batch"/> in <see cref="Order"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is not in 0..BatchCount-1.</exception>
    public (int Start, int Count) BatchRange(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)batch, (uint)BatchCount, nameof(batch));
        var start = batch * BatchSize;
        return (start, Math.Min(BatchSize, Set.Count - start));
    }

    /// <summary>The image indices of batch <paramref name="batch"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is not in 0..BatchCount-1.</exception>
    public ReadOnlySpan<int> BatchIndices(int batch)
    {
        var (start, count) = BatchRange(batch);
        return _order.AsSpan(start, count);
    }

    /// <summary>
    /// Copies batch <paramref name="batch"/> into <paramref name="x"/>, shape (n, channels, height, width), and
    /// <paramref name="y"/>, shape (n), and returns n, the number of images in the batch (BatchSize except
    /// perhaps for the last). Elements of the buffers past n are left as they were.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too small for the batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is not in 0..BatchCount-1.</exception>
    public int Fill(int batch, Span<float> x, Span<int> y)
    {
        var indices = BatchIndices(batch);
        var n = indices.Length;
        var s = Set.SampleSize;
        if (x.Length < n * s)
        {
            throw new ArgumentException($"The image buffer holds {x.Length} floats; batch {batch} needs {n} x {s} = {n * s}.", nameof(x));
        }
        if (y.Length < n)
        {
            throw new ArgumentException($"The label buffer holds {y.Length} ints; batch {batch} needs {n}.", nameof(y));
        }
        Set.CopyImages(indices, x);
        var labels = Set.Labels;
        for (var k = 0; k < n; k++)
        {
            y[k] = labels[indices[k]];
        }
        return n;
    }
}
