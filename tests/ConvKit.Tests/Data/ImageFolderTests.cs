using ConvKit.Filters;
using ConvKit.Imaging;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Data;

/// <summary>The folder-of-class-folders dataset on MNIST digits and photo crops written as real PNG and JPEG files.</summary>
public class ImageFolderTests
{
    [SharedDataFact]
    public void LoadsDigitsWithSortedClassesAndExactPixels()
    {
        using var dir = new TempDirectory();
        // Folder names chosen so that ordinal order differs from the digits' order.
        var root = ImageFolderFixture.WriteDigits(dir, [7, 2, 1], [3, 4, 2], ["seven", "Two", "one"]);
        var set = ImageFolder.Load(root);
        Assert.Equal(["Two", "one", "seven"], set.ClassNames);
        Assert.Equal((1, 28, 28), (set.Channels, set.Height, set.Width));
        Assert.Equal([0, 0, 0, 0, 1, 1, 2, 2, 2], set.Labels);
        // PNG is lossless: the first "seven" image is the first 7 of the MNIST test set, byte for byte.
        var seven = ImageFolderFixture.Digits([7], [1])[0].Pixels;
        var loaded = set.Image(6);
        for (var p = 0; p < 784; p++)
        {
            Assert.Equal(seven[p] / 255f, loaded[p]);
        }
    }

    [SharedDataFact]
    public void ResizesAndExpandsGreyToColour()
    {
        using var dir = new TempDirectory();
        var root = ImageFolderFixture.WriteDigits(dir, [0, 1], [2, 2]);
        var set = ImageFolder.Load(root, new ImageFolderOptions { Height = 14, Width = 20, Channels = 3 });
        Assert.Equal((3, 14, 20), (set.Channels, set.Height, set.Width));
        var plane = 14 * 20;
        var first = set.Image(0);
        Assert.True(first[..plane].SequenceEqual(first.Slice(plane, plane)));
        Assert.True(first[..plane].SequenceEqual(first.Slice(2 * plane, plane)));
        Assert.All(set.Images, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void ReadsColourPhotosAsRgbOrLumaGreyWithEachCropMode()
    {
        using var dir = new TempDirectory();
        var root = ImageFolderFixture.WritePhotos(dir, perClass: 3, size: 40);
        var colour = ImageFolder.Load(root);
        Assert.Equal(["cat", "coffee"], colour.ClassNames);
        Assert.Equal((3, 40, 40, 6), (colour.Channels, colour.Height, colour.Width, colour.Count));
        Assert.Equal([0, 0, 0, 1, 1, 1], colour.Labels);

        var grey = ImageFolder.Load(root, new ImageFolderOptions { Channels = 1 });
        var c = colour.Image(0);
        var g = grey.Image(0);
        var plane = 40 * 40;
        for (var i = 0; i < plane; i += 37)
        {
            Assert.Equal(0.299f * c[i] + 0.587f * c[plane + i] + 0.114f * c[2 * plane + i], g[i], 1e-6f);
        }

        // Centre crop of a square image to a square target is a plain resize; to a wide target it crops rows.
        var center = ImageFolder.Load(root, new ImageFolderOptions { Height = 10, Width = 20, Resize = ImageFolderResize.CenterCrop });
        var photo = ImageFile.Load(Path.Combine(root, "cat", "0.png"));
        var expected = ImageResize.Crop(ImageResize.Resize(photo, 20, 20), 5, 0, 10, 20);
        Assert.Equal(expected.Data, center.Image(0).ToArray());

        var random = ImageFolder.Load(root, new ImageFolderOptions { Height = 10, Width = 20, Resize = ImageFolderResize.RandomCrop, Seed = 3 });
        var again = ImageFolder.Load(root, new ImageFolderOptions { Height = 10, Width = 20, Resize = ImageFolderResize.RandomCrop, Seed = 3 });
        Assert.Equal(random.Images, again.Images);
        var stretched = ImageFolder.Load(root, new ImageFolderOptions { Height = 10, Width = 20 });
        Assert.Equal(ImageResize.Resize(photo, 10, 20).Data, stretched.Image(0).ToArray());
    }

    [Fact]
    public void LayoutMistakesNameTheFolder()
    {
        using var dir = new TempDirectory();
        var missing = Assert.Throws<ConvKitException>(() => ImageFolder.Load(dir.File("nope")));
        Assert.Contains("nope' does not exist", missing.Message);

        var empty = Directory.CreateDirectory(dir.File("empty")).FullName;
        Assert.Contains("no class folders", Assert.Throws<ConvKitException>(() => ImageFolder.Load(empty)).Message);

        var one = Directory.CreateDirectory(dir.File("one/cat")).Parent!.FullName;
        File.WriteAllBytes(Path.Combine(one, "cat", "a.png"), [1]);
        Assert.Contains("only one class folder ('cat')", Assert.Throws<ConvKitException>(() => ImageFolder.Load(one)).Message);

        var root = ImageFolderFixture.WritePhotos(dir, perClass: 1, size: 8);
        Directory.CreateDirectory(Path.Combine(root, "dog"));
        File.WriteAllText(Path.Combine(root, "dog", "notes.txt"), "not an image, and ignored");
        var e = Assert.Throws<ConvKitException>(() => ImageFolder.Load(root));
        Assert.Contains("class 'dog'", e.Message);
        Assert.Contains("holds no .png, .jpg or .jpeg images", e.Message);
    }

    [Fact]
    public void BadFilesAndMixedSizesAreNamed()
    {
        using var dir = new TempDirectory();
        var root = ImageFolderFixture.WritePhotos(dir, perClass: 2, size: 12);
        File.WriteAllText(Path.Combine(root, "coffee", "broken.jpeg"), "hello");
        var bad = Assert.Throws<ConvKitException>(() => ImageFolder.Load(root));
        Assert.Contains("broken.jpeg", bad.Message);
        File.Delete(Path.Combine(root, "coffee", "broken.jpeg"));

        ImageFile.Save(Path.Combine(root, "coffee", "big.png"), new ImagePlanes(3, 15, 9));
        var mixed = Assert.Throws<ConvKitException>(() => ImageFolder.Load(root));
        Assert.Contains("0.png' is 12x12", mixed.Message);
        Assert.Contains("big.png' is 15x9", mixed.Message);
        Assert.Contains("--image-size", mixed.Message);
        Assert.Equal(5, ImageFolder.Load(root, new ImageFolderOptions { Height = 12, Width = 12 }).Count);

        Assert.Throws<ConvKitException>(() => ImageFolder.Load(root, new ImageFolderOptions { Channels = 2 }));
        Assert.Throws<ConvKitException>(() => ImageFolder.Load(root, new ImageFolderOptions { Height = 12 }));
    }
}
