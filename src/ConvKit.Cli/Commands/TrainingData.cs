using System.Globalization;
using ConvKit.Data;
using ConvKit.Imaging;

namespace ConvKit.Cli.Commands;

/// <summary>The training and test images <c>convkit train</c> uses: a named dataset, or an image folder with a held-out test part.</summary>
internal sealed record TrainingData(string Name, string Directory, ImageSet Train, ImageSet Test)
{
    /// <summary>The dataset name that selects an image folder.</summary>
    public const string FolderName = "folder";

    public IReadOnlyList<string> ClassNames => Train.ClassNames;

    /// <summary>Loads <paramref name="dataset"/>; for <c>folder</c>, reads <paramref name="data"/> and prints its class balance to <paramref name="log"/>.</summary>
    public static TrainingData Load(string dataset, string? data, bool allowDownload, FolderDatasetSettings folder, int seed, TextWriter log)
    {
        if (!string.Equals(dataset.Trim(), FolderName, StringComparison.OrdinalIgnoreCase))
        {
            if (folder.AnyFolderOption)
            {
                throw new UserErrorException("--holdout, --image-size, --channels and --crop apply to --dataset folder only.");
            }
            var ds = Dataset.Load(dataset, data, allowDownload);
            return new TrainingData(ds.Name, ds.Directory, ds.Train, ds.Test);
        }
        if (data is null)
        {
            throw new UserErrorException("--dataset folder needs --data DIR, the folder holding one sub-folder of images per class.");
        }
        if (!(folder.HoldoutFraction is > 0 and < 1))
        {
            throw new UserErrorException($"--holdout must be strictly between 0 and 1, got {folder.HoldoutFraction.ToString(CultureInfo.InvariantCulture)}.");
        }
        var options = folder.ToLoaderOptions(seed);
        var listing = ImageFolder.Scan(data);
        var random = options.Resize == ImageFolderResize.RandomCrop;
        // The test images are never randomly cropped: with --crop random they are read again, centred.
        var all = ImageFolder.Load(listing, random ? options with { Resize = ImageFolderResize.CenterCrop } : options);
        var (trainIndices, testIndices) = all.StratifiedSplitIndices(folder.HoldoutFraction, seed);
        var test = all.Select(testIndices);
        var train = random ? ImageFolder.Load(listing, options).Select(trainIndices) : all.Select(trainIndices);
        log.Write(all.ClassBalance().ToText());
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Held out {test.Count:N0} of {all.Count:N0} images ({folder.HoldoutFraction:0.##} of each class, seed {seed}) as the test set"));
        return new TrainingData(FolderName, listing.Root, train, test);
    }
}
