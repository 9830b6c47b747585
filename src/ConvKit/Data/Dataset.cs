namespace ConvKit.Data;

/// <summary>
/// A dataset loaded into memory: its training and test sets, as published (MNIST: 60,000 training and 10,000
/// test images of (1, 28, 28) in [0, 1]).
/// </summary>
/// <example>
/// <code>
/// var mnist = Dataset.Load("mnist", dataDir: null, allowDownload: true);
/// Console.WriteLine(mnist.Train);   // 60000 images (1, 28, 28), 10 classes
/// </code>
/// </example>
public sealed class Dataset
{
    private Dataset(DatasetInfo info, string directory, ImageSet train, ImageSet test)
    {
        Info = info;
        Directory = directory;
        Train = train;
        Test = test;
    }

    /// <summary>What the dataset is: name, class names, files.</summary>
    public DatasetInfo Info { get; }

    /// <summary>The dataset's name.</summary>
    public string Name => Info.Name;

    /// <summary>The directory the files were read from.</summary>
    public string Directory { get; }

    /// <summary>The training set.</summary>
    public ImageSet Train { get; }

    /// <summary>The test set.</summary>
    public ImageSet Test { get; }

    /// <summary>Name of each class.</summary>
    public IReadOnlyList<string> ClassNames => Info.ClassNames;

    /// <summary>
    /// Finds the dataset <paramref name="name"/> (see <see cref="DatasetResolver"/> for where, with locations from
    /// the environment) and loads it.
    /// </summary>
    /// <param name="name">A name known to <see cref="DatasetCatalog"/>: <c>mnist</c> or <c>fashion-mnist</c>.</param>
    /// <param name="dataDir">A directory holding the dataset or its parent (the CLI's <c>--data</c>), or null.</param>
    /// <param name="allowDownload">Whether to download it into the user cache when it is found nowhere.</param>
    /// <exception cref="ConvKitException">Unknown name, dataset not found, or a file is invalid.</exception>
    public static Dataset Load(string name, string? dataDir, bool allowDownload) =>
        Load(name, dataDir, allowDownload, DatasetResolver.FromEnvironment());

    /// <summary>Like <see cref="Load(string, string?, bool)"/> with the locations of <paramref name="resolver"/>.</summary>
    /// <exception cref="ConvKitException">Unknown name, dataset not found, or a file is invalid.</exception>
    public static Dataset Load(string name, string? dataDir, bool allowDownload, DatasetResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var info = DatasetCatalog.Get(name);
        return LoadDirectory(info, resolver.Resolve(info, dataDir, allowDownload));
    }

    /// <summary>
    /// Loads the four files of <paramref name="info"/> from <paramref name="directory"/> and checks them against
    /// it: images of the declared size, matching image and label counts, labels within the classes.
    /// </summary>
    /// <exception cref="ConvKitException">A file is missing or invalid.</exception>
    public static Dataset LoadDirectory(DatasetInfo info, string directory)
    {
        ArgumentNullException.ThrowIfNull(info);
        var train = LoadSplit(info, directory, info.TrainImages, info.TrainLabels);
        var test = LoadSplit(info, directory, info.TestImages, info.TestLabels);
        return new Dataset(info, Path.GetFullPath(directory), train, test);
    }

    private static ImageSet LoadSplit(DatasetInfo info, string directory, DatasetFile imagesFile, DatasetFile labelsFile)
    {
        var imagesPath = DatasetResolver.FindFile(directory, imagesFile)
            ?? throw new ConvKitException($"{Path.Combine(directory, imagesFile.FileName)}: file not found (nor without .gz).");
        var labelsPath = DatasetResolver.FindFile(directory, labelsFile)
            ?? throw new ConvKitException($"{Path.Combine(directory, labelsFile.FileName)}: file not found (nor without .gz).");
        var (images, labels) = Idx.ReadPair(imagesPath, labelsPath);
        if (images.Rows != info.Height || images.Cols != info.Width || info.Channels != 1)
        {
            throw new ConvKitException(
                $"{imagesPath}: images are {images.Rows}x{images.Cols}, expected {info.Height}x{info.Width} for {info.Name}.");
        }
        var classes = info.ClassNames.Count;
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels.Labels[i] >= classes)
            {
                throw new ConvKitException($"{labelsPath}: label {labels.Labels[i]} of item {i} is outside 0..{classes - 1} ({info.Name} has {classes} classes).");
            }
        }
        return new ImageSet(images.Bytes, labels.Labels, 1, images.Rows, images.Cols, info.ClassNames);
    }
}
