namespace ConvKit.Data;

/// <summary>
/// Everything needed to find, download, verify and decode an image-classification dataset stored as four IDX
/// files (train/test images and labels): its name, class names, image size, mirrors and file checksums.
/// <see cref="DatasetCatalog"/> holds the known ones.
/// </summary>
public sealed class DatasetInfo
{
    /// <summary>Describes a dataset of grey or multi-channel IDX images.</summary>
    /// <param name="name">Short name, also the folder name (<c>mnist</c>).</param>
    /// <param name="classNames">Name of each class; labels index into it.</param>
    /// <param name="mirrors">Base URLs tried in turn; a file's URL is the base followed by its file name.</param>
    /// <param name="trainImages">The training images file.</param>
    /// <param name="trainLabels">The training labels file.</param>
    /// <param name="testImages">The test images file.</param>
    /// <param name="testLabels">The test labels file.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="channels">Channels per image (1 for IDX images).</param>
    public DatasetInfo(
        string name,
        IReadOnlyList<string> classNames,
        IReadOnlyList<string> mirrors,
        DatasetFile trainImages,
        DatasetFile trainLabels,
        DatasetFile testImages,
        DatasetFile testLabels,
        int height,
        int width,
        int channels = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(mirrors);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Name = name;
        ClassNames = classNames.ToArray();
        Mirrors = mirrors.ToArray();
        TrainImages = trainImages ?? throw new ArgumentNullException(nameof(trainImages));
        TrainLabels = trainLabels ?? throw new ArgumentNullException(nameof(trainLabels));
        TestImages = testImages ?? throw new ArgumentNullException(nameof(testImages));
        TestLabels = testLabels ?? throw new ArgumentNullException(nameof(testLabels));
        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>Short name, also the folder name under a data root or the cache (<c>mnist</c>, <c>fashion-mnist</c>).</summary>
    public string Name { get; }

    /// <summary>Name of each class; label <c>k</c> means <c>ClassNames[k]</c>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Base URLs of the mirrors, tried in this order.</summary>
    public IReadOnlyList<string> Mirrors { get; }

    /// <summary>The training images file.</summary>
    public DatasetFile TrainImages { get; }

    /// <summary>The training labels file.</summary>
    public DatasetFile TrainLabels { get; }

    /// <summary>The test images file.</summary>
    public DatasetFile TestImages { get; }

    /// <summary>The test labels file.</summary>
    public DatasetFile TestLabels { get; }

    /// <summary>The four files: train images, train labels, test images, test labels.</summary>
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
