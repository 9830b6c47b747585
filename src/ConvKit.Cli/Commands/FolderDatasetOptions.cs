using System.CommandLine;
using System.Globalization;
using ConvKit.Data.Augmentation;
using ConvKit.Imaging;

namespace ConvKit.Cli.Commands;

/// <summary>The options of <c>convkit train</c> and <c>convkit dataset</c> for image-folder datasets and augmentation.</summary>
internal sealed class FolderDatasetOptions
{
    public Option<double?> Holdout { get; } = new("--holdout")
    {
        Description = "For --dataset folder: fraction of each class held out as the test set (stratified, seeded with --seed). Default 0.2.",
    };

    public Option<string?> ImageSize { get; } = new("--image-size")
    {
        Description = "For folder datasets: resize every image to HxW pixels (or NxN for a single number), e.g. 64x64.",
    };

    public Option<int?> Channels { get; } = new("--channels")
    {
        Description = "For folder datasets: 1 (grey, colour becomes luma) or 3 (RGB, grey is repeated). Default: what the files hold.",
    };

    public Option<string> Crop { get; } = new("--crop")
    {
        Description = "For folder datasets with --image-size: resize (stretch the whole image), center (shorter side to size, centre crop) or random (training images cropped at a seeded random place, test images centred).",
        DefaultValueFactory = _ => "resize",
    };

    public Option<string?> Augment { get; } = new("--augment")
    {
        Description = "On-the-fly augmentation of the training batches, e.g. flip,crop:4,shift:2,rotate:10,scale:0.1,pca:0.1 (pca needs colour images).",
    };

    public void AddTo(Command command, bool training)
    {
        if (training)
        {
            command.Options.Add(Holdout);
        }
        command.Options.Add(ImageSize);
        command.Options.Add(Channels);
        command.Options.Add(Crop);
        if (training)
        {
            command.Options.Add(Augment);
        }
    }

    public FolderDatasetSettings Read(ParseResult r) =>
        new(r.GetValue(Holdout), r.GetValue(ImageSize), r.GetValue(Channels), r.GetValue(Crop) ?? "resize", r.GetValue(Augment),
            r.GetResult(Crop) is { Implicit: false });
}

/// <summary>What the user asked of a folder dataset and of augmentation, before checking.</summary>
internal sealed record FolderDatasetSettings(double? Holdout, string? ImageSize, int? Channels, string Crop, string? Augment, bool CropGiven)
{
    /// <summary>The held-out fraction, 0.2 by default.</summary>
    public double HoldoutFraction => Holdout ?? 0.2;

    /// <summary>Whether any folder-only option was given.</summary>
    public bool AnyFolderOption => Holdout is not null || ImageSize is not null || Channels is not null || CropGiven;

    /// <summary>The loader options these settings ask for (the training-set variant: random crops when --crop random).</summary>
    public ImageFolderOptions ToLoaderOptions(int seed)
    {
        int? height = null, width = null;
        if (ImageSize is { } text)
        {
            (height, width) = ParseSize(text);
        }
        else if (CropGiven)
        {
            throw new UserErrorException("--crop needs --image-size: it says how images are brought to that size.");
        }
        if (Channels is { } c && c is not (1 or 3))
        {
            throw new UserErrorException($"--channels must be 1 (grey) or 3 (RGB), got {c}.");
        }
        var mode = Crop.ToLowerInvariant() switch
        {
            "resize" => ImageFolderResize.Resize,
            "center" or "centre" => ImageFolderResize.CenterCrop,
            "random" => ImageFolderResize.RandomCrop,
            _ => throw new UserErrorException($"Unknown --crop '{Crop}'. Known: resize, center, random."),
        };
        return new ImageFolderOptions { Height = height, Width = width, Channels = Channels, Resize = mode, Seed = seed };
    }

    /// <summary>The augmenter of --augment, or null; checked against the image channels.</summary>
    public Augmenter? ToAugmenter(int seed, int channels)
    {
        if (Augment is null)
        {
            return null;
        }
        var augmenter = Augmenter.Parse(Augment, seed);
        if (channels != 3 && augmenter.Steps.Any(s => s is PcaColorJitter))
        {
            throw new UserErrorException($"--augment pca needs colour (3-channel) images; this dataset has {channels} channel{(channels == 1 ? "" : "s")}. Leave pca out, or pass --channels 3 for a folder dataset.");
        }
        return augmenter;
    }

    private static (int Height, int Width) ParseSize(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && h is >= 1 and <= 4096 && w is >= 1 and <= 4096)
        {
            return (h, w);
        }
        throw new UserErrorException($"--image-size must be HxW or a single number of pixels (1 to 4096), e.g. 64x48 or 64; got '{text}'.");
    }
}
