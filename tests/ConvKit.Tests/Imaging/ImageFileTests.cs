using ConvKit.Filters;
using ConvKit.Imaging;

namespace ConvKit.Tests.Imaging;

public sealed class ImageFileTests : IDisposable
{
    private static readonly string Inputs = Path.Combine(AppContext.BaseDirectory, "fixtures", "opencv", "inputs");
    private readonly string _dir = Directory.CreateTempSubdirectory("convkit-imaging-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GreyPngStaysOneChannelAndColourPngIsRgb()
    {
        var grey = ImageFile.LoadBytes(Path.Combine(Inputs, "photo-grey.png"));
        Assert.Equal((1, 24, 32), (grey.Channels, grey.Height, grey.Width));
        var colour = ImageFile.Load(Path.Combine(Inputs, "photo-colour.png"));
        Assert.Equal((3, 24, 32), (colour.Channels, colour.Height, colour.Width));
        Assert.All(colour.Data, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void PngRoundTripsExactly()
    {
        // (That decoding agrees with OpenCV is covered by the OpenCV parity tests, whose exact 8-bit cases start from
        // these PNGs.)
        var png = ImageFile.LoadBytes(Path.Combine(Inputs, "photo-colour.png"));
        var path = Path.Combine(_dir, "copy.png");
        ImageFile.Save(path, png);
        Assert.Equal(png.Data, ImageFile.LoadBytes(path).Data);
    }

    [Fact]
    public void JpegDecodesCloseToOpenCv()
    {
        var ours = ImageFile.LoadBytes(Path.Combine(Inputs, "photo-colour.jpg"));
        var theirs = NpyFile.Read(Path.Combine(Inputs, "photo-colour.jpg.decoded.npy"));
        Assert.Equal(new[] { ours.Height, ours.Width, 3 }, theirs.Shape);
        double total = 0;
        var worst = 0f;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < ours.Height; y++)
            {
                for (var x = 0; x < ours.Width; x++)
                {
                    var d = Math.Abs(ours[c, y, x] - theirs.Data[(y * ours.Width + x) * 3 + c]);
                    total += d;
                    worst = Math.Max(worst, d);
                }
            }
        }
        var mean = total / theirs.Data.Length;
        Assert.True(mean < 1.5 && worst <= 12, $"mean difference {mean}, worst {worst}");
    }

    [Fact]
    public void FloatImagesRoundTripThroughPng()
    {
        var image = new ImagePlanes(3, 5, 7);
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (i * 37 % 256) / 255f;
        }
        var path = Path.Combine(_dir, "rgb.png");
        ImageFile.Save(path, image);
        var back = ImageFile.Load(path);
        Assert.Equal(image.Data, back.Data);

        var grey = new ImagePlanes([0f, 0.5f, 1f, 2f, -1f, 0.25f], 1, 2, 3);
        ImageFile.Save(Path.Combine(_dir, "grey.png"), grey);
        var greyBack = ImageFile.LoadBytes(Path.Combine(_dir, "grey.png"));
        Assert.Equal(1, greyBack.Channels);
        Assert.Equal(new byte[] { 0, 128, 255, 255, 0, 64 }, greyBack.Data);
    }

    [Fact]
    public void NormalizeStretchesSignedOutputWhenSaving()
    {
        var path = Path.Combine(_dir, "edges.png");
        ImageFile.Save(path, new ImagePlanes([-2f, 0f, 2f], 1, 1, 3), ByteConversionMode.Normalize);
        Assert.Equal(new byte[] { 0, 128, 255 }, ImageFile.LoadBytes(path).Data);
    }

    [Fact]
    public void JpegIsWrittenAndReadBack()
    {
        var source = ImageFile.LoadBytes(Path.Combine(Inputs, "photo-colour.png"));
        var path = Path.Combine(_dir, "out.jpg");
        ImageFile.Save(path, source, jpegQuality: 95);
        var back = ImageFile.LoadBytes(path);
        Assert.Equal((3, 24, 32), (back.Channels, back.Height, back.Width));
        var mean = source.Data.Zip(back.Data, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(mean < 4, $"mean difference {mean}");
    }

    [Fact]
    public void MissingFileIsAClearError()
    {
        var path = Path.Combine(_dir, "nope.png");
        var e = Assert.Throws<ConvKitException>(() => ImageFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData("text.png", "this is not an image")]
    [InlineData("empty.jpg", "")]
    public void NonImageFileIsAClearError(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        var e = Assert.Throws<ConvKitException>(() => ImageFile.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedPngIsAClearError()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Inputs, "photo-colour.png"));
        var path = Path.Combine(_dir, "cut.png");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ConvKitException>(() => ImageFile.LoadBytes(path));
        Assert.Contains("cut.png", e.Message);
    }

    [Fact]
    public void UnknownOutputFormatIsAClearError()
    {
        var e = Assert.Throws<ConvKitException>(() => ImageFile.Save(Path.Combine(_dir, "x.gif"), new ImagePlanes(1, 2, 2)));
        Assert.Contains(".gif", e.Message);
        Assert.Throws<ConvKitException>(() => ImageFile.Save(Path.Combine(_dir, "missing-dir", "x.png"), new ImagePlanes(1, 2, 2)));
    }
}
