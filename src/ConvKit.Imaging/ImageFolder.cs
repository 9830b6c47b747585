using ConvKit.Data;
using ConvKit.Filters;

namespace ConvKit.Imaging;

/// <summary>
/// A dataset stored as one folder per class, as torchvision's <c>ImageFolder</c> and Keras'
/// <c>image_dataset_from_directory</c> read it: <c>root/&lt;class name&gt;/*.png|*.jpg|*.jpeg</c> (extensions in any
/// case). Classes are the sub-folders sorted by ordinal name, so label c is the c-th folder; files are read in
/// ordinal order too, so loading is deterministic. Files with other extensions and hidden entries are ignored.
/// </summary>
/// <example>
/// <code>
/// // pets/cat/*.jpg, pets/dog/*.jpg
/// var pets = ImageFolder.Load("pets", new ImageFolderOptions { Height = 64, Width = 64, Resize = ImageFolderResize.CenterCrop });
/// var (train, test) = pets.StratifiedSplit(0.2, seed: 1);
/// Console.Write(train.ClassBalance().ToText());
/// </code>
/// </example>
public static class ImageFolder
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// Lists the classes and image files under <paramref name="root"/> without decoding them, and checks the
    /// layout: the root exists, there are at least two class folders, none is empty.
    /// </summary>
    /// <exception cref="ConvKitException">The root is missing, has fewer than two class folders, or a class folder holds no image.</exception>
    public static ImageFolderListing Scan(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
        {
            throw new ConvKitException(File.Exists(root)
                ? $"Image folder '{root}' is a file; give the folder that holds one sub-folder per class."
                : $"Image folder '{root}' does not exist.");
        }
        var full = Path.GetFullPath(root);
        var classDirs = Directory.GetDirectories(full)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (classDirs.Length == 0)
        {
            throw new ConvKitException($"Image folder '{root}' has no class folders; expected {root}/<class name>/*.png|*.jpg|*.jpeg.");
        }
        if (classDirs.Length < 2)
        {
            throw new ConvKitException($"Image folder '{root}' has only one class folder ('{Path.GetFileName(classDirs[0])}'); a classifier needs at least two.");
        }
        var names = new string[classDirs.Length];
        var files = new string[classDirs.Length][];
        for (var c = 0; c < classDirs.Length; c++)
        {
            names[c] = Path.GetFileName(classDirs[c]);
            files[c] = Directory.GetFiles(classDirs[c])
                .Where(f => !Path.GetFileName(f).StartsWith('.') && Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (files[c].Length == 0)
            {
                throw new ConvKitException($"Class folder '{classDirs[c]}' (class '{names[c]}') holds no .png, .jpg or .jpeg images.");
            }
        }
        return new ImageFolderListing(full, names, files);
    }

    /// <summary>
    /// Reads every image under <paramref name="root"/> into one <see cref="ImageSet"/>, shape (N, C, H, W), pixels in
    /// [0, 1], label = class folder index, class names = folder names. Images are in class order, then file order.
    /// </summary>
    /// <exception cref="ConvKitException">
    /// The layout is wrong (see <see cref="Scan"/>), a file is not a readable image (the message names it), the
    /// options are invalid, or the images differ in size and no target size is given (the message names two files,
    /// their sizes, and the option that resizes them).
    /// </exception>
    public static ImageSet Load(string root, ImageFolderOptions? options = null) => Load(Scan(root), options);

    /// <summary>Reads the images of <paramref name="listing"/> (see <see cref="Load(string, ImageFolderOptions?)"/>).</summary>
    /// <exception cref="ConvKitException">A file is not a readable image, the options are invalid, or sizes differ without a target size.</exception>
    public static ImageSet Load(ImageFolderListing listing, ImageFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(listing);
        options ??= new ImageFolderOptions();
        if (options.Channels is { } ch && ch is not (1 or 3))
        {
            throw new ConvKitException($"Images can be read with 1 (grey) or 3 (RGB) channels, not {ch}.");
        }
        if (options.Height is null != options.Width is null)
        {
            throw new ConvKitException("Give both a target height and a target width, or neither.");
        }
        if (options.Height is < 1 || options.Width is < 1)
        {
            throw new ConvKitException($"The target size must be at least 1x1, got {options.Height}x{options.Width}.");
        }

        var files = listing.Files.SelectMany((f, c) => f.Select(path => (Path: path, Label: c))).ToArray();
        var decoded = new ImagePlanes[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            decoded[i] = ImageFile.Load(files[i].Path);
        }
        var channels = options.Channels ?? (decoded.Any(d => d.Channels == 3) ? 3 : 1);
        int height, width;
        if (options.Height is { } th && options.Width is { } tw)
        {
            (height, width) = (th, tw);
        }
        else
        {
            (height, width) = (decoded[0].Height, decoded[0].Width);
            for (var i = 1; i < decoded.Length; i++)
            {
                if (decoded[i].Height != height || decoded[i].Width != width)
                {
                    throw new ConvKitException(
                        $"Images differ in size: '{files[0].Path}' is {height}x{width} (height x width) but '{files[i].Path}' is {decoded[i].Height}x{decoded[i].Width}; " +
                        "give a target size to resize them (ImageFolderOptions.Height/Width, or --image-size HxW on the command line).");
                }
            }
        }

        var sample = channels * height * width;
        var pixels = new float[(long)files.Length * sample];
        var labels = new int[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            var image = ImageResize.ToChannels(decoded[i], channels);
            image = Fit(image, height, width, options, i);
            image.Data.CopyTo(pixels.AsSpan(i * sample, sample));
            labels[i] = files[i].Label;
            decoded[i] = null!;
        }
        return new ImageSet(pixels, labels, channels, height, width, listing.ClassNames);
    }

    private static ImagePlanes Fit(ImagePlanes image, int height, int width, ImageFolderOptions options, int index)
    {
        if (image.Height == height && image.Width == width)
        {
            return image;
        }
        switch (options.Resize)
        {
            case ImageFolderResize.Resize:
                return ImageResize.Resize(image, height, width);
            case ImageFolderResize.CenterCrop:
                return ImageResize.CenterCrop(image, height, width);
            case ImageFolderResize.RandomCrop:
                var (h, w) = ImageResize.CoverSize(image.Height, image.Width, height, width);
                var scaled = ImageResize.Resize(image, h, w);
                return ImageResize.Crop(scaled, RandomOffset(options.Seed, index, 0, h - height), RandomOffset(options.Seed, index, 1, w - width), height, width);
            default:
                throw new ConvKitException($"Unknown resize mode {options.Resize}.");
        }
    }

    /// <summary>A uniform offset in 0..<paramref name="max"/> from (seed, image, axis) alone, so it is the same on every run and platform.</summary>
    private static int RandomOffset(int seed, int index, int axis, int max) =>
        max <= 0 ? 0 : (int)(Mix(((ulong)(uint)seed << 32) ^ ((ulong)(uint)index << 1) ^ (uint)axis) % (ulong)(max + 1));

    /// <summary>The SplitMix64 finaliser: a well-mixed 64-bit hash of <paramref name="z"/>.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
