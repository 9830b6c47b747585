using ConvKit.Data;
using ConvKit.Filters;
using ConvKit.Imaging;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Data;

/// <summary>
/// Builds small image-folder datasets from real data in a temp folder: MNIST test digits as PNG files, one folder per
/// digit, and colour crops of the shared photographs as PNG and JPEG files.
/// </summary>
public static class ImageFolderFixture
{
    private static readonly Lazy<(IdxImages Images, IdxLabels Labels)> MnistTest = new(() =>
        Idx.ReadPair(SharedData.DataFile("mnist", "t10k-images-idx3-ubyte.gz"), SharedData.DataFile("mnist", "t10k-labels-idx1-ubyte.gz")));

    /// <summary>The shared photographs folder.</summary>
    public static string ImagesRoot => Path.GetFullPath(Path.Combine(SharedData.RepositoryRoot, "..", "shared", "images"));

    /// <summary>The first MNIST test digit of each of <paramref name="digits"/>, <paramref name="perClass"/>[k] of them, 28x28 grey.</summary>
    public static List<(int Digit, byte[] Pixels)> Digits(int[] digits, int[] perClass)
    {
        var (images, labels) = MnistTest.Value;
        var result = new List<(int, byte[])>();
        for (var k = 0; k < digits.Length; k++)
        {
            var found = 0;
            for (var i = 0; i < labels.Count && found < perClass[k]; i++)
            {
                if (labels.Labels[i] != digits[k])
                {
                    continue;
                }
                var bytes = new byte[28 * 28];
                for (var p = 0; p < bytes.Length; p++)
                {
                    bytes[p] = (byte)MathF.Round(images.Pixels[i * 784 + p] * 255);
                }
                result.Add((digits[k], bytes));
                found++;
            }
        }
        return result;
    }

    /// <summary>Writes MNIST digits as <c>root/&lt;name&gt;/NNN.png</c>; returns the root.</summary>
    public static string WriteDigits(TempDirectory dir, int[] digits, int[] perClass, string[]? names = null, string subfolder = "digits")
    {
        var root = Path.Combine(dir.Path, subfolder);
        var counter = new Dictionary<int, int>();
        foreach (var (digit, pixels) in Digits(digits, perClass))
        {
            var name = names?[Array.IndexOf(digits, digit)] ?? digit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            var n = counter[digit] = counter.GetValueOrDefault(digit) + 1;
            ImageFile.Save(Path.Combine(folder, $"{n:000}.png"), new ByteImage(pixels, 1, 28, 28));
        }
        return root;
    }

    /// <summary>
    /// Writes colour crops of two photographs (class <c>cat</c> from chelsea.png, class <c>coffee</c> from coffee.png),
    /// <paramref name="perClass"/> each, <paramref name="size"/> x <paramref name="size"/>, alternately PNG and
    /// upper-case <c>.JPG</c>; returns the root.
    /// </summary>
    public static string WritePhotos(TempDirectory dir, int perClass, int size, string subfolder = "photos")
    {
        var root = Path.Combine(dir.Path, subfolder);
        foreach (var (name, file) in new[] { ("cat", "chelsea.png"), ("coffee", "coffee.png") })
        {
            var photo = ImageFile.Load(Path.Combine(ImagesRoot, file));
            var folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            for (var k = 0; k < perClass; k++)
            {
                var crop = ImageResize.Crop(photo, 20 + 17 * k, 30 + 23 * k, size, size);
                ImageFile.Save(Path.Combine(folder, k % 2 == 0 ? $"{k}.png" : $"{k}.JPG"), crop);
            }
        }
        return root;
    }
}
