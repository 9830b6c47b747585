using SkiaSharp;

namespace ConvKit.Plotting.Tests;

public class LabelledImageGridTests
{
    private static float[] Filled(int length, float value) => Enumerable.Repeat(value, length).ToArray();

    private static LabelledImage Digit(float value, string caption = "true 7 / pred 7", bool highlight = false) =>
        new(Filled(28 * 28, value), 1, 28, 28, caption, highlight);

    [Fact]
    public void WhiteDigitIsLightAndBlackDigitIsDark()
    {
        LabelledImage[] images = [Digit(1f), Digit(0f), Digit(1f), Digit(0f), Digit(0f)];
        using var bitmap = Png.DecodeValid(LabelledImageGrid.Render(images, 3, "digits"));
        var layout = GridRenderer.Measure(Png.Tiles(5, 28, 28), 3, "digits", null, 0);
        Assert.Equal(layout.CanvasWidth, bitmap.Width);
        Assert.Equal(layout.CanvasHeight, bitmap.Height);
        for (var i = 0; i < images.Length; i++)
        {
            var brightness = Png.Brightness(Png.BoxCentre(bitmap, layout, i));
            if (images[i].Pixels[0] == 1f)
            {
                Assert.True(brightness > 240, $"tile {i} should be white, brightness {brightness}.");
            }
            else
            {
                Assert.True(brightness < 15, $"tile {i} should be black, brightness {brightness}.");
            }
        }
    }

    [Fact]
    public void RowZeroIsAtTheTopAndColumnZeroAtTheLeft()
    {
        // Top-left quadrant white, the rest black.
        var pixels = new float[20 * 30];
        for (var y = 0; y < 10; y++)
        {
            for (var x = 0; x < 15; x++)
            {
                pixels[y * 30 + x] = 1f;
            }
        }
        using var bitmap = Png.DecodeValid(LabelledImageGrid.Render([new LabelledImage(pixels, 1, 20, 30, "quadrant")], 1, null));
        var layout = GridRenderer.Measure(Png.Tiles(1, 30, 20), 1, null, null, 0);
        var (x0, y0) = layout.BoxOrigin(0);
        int qx = layout.BoxWidth / 4, qy = layout.BoxHeight / 4;
        Assert.True(Png.Brightness(bitmap.GetPixel(x0 + qx, y0 + qy)) > 240, "top-left should be white");
        Assert.True(Png.Brightness(bitmap.GetPixel(x0 + 3 * qx, y0 + qy)) < 15, "top-right should be black");
        Assert.True(Png.Brightness(bitmap.GetPixel(x0 + qx, y0 + 3 * qy)) < 15, "bottom-left should be black");
    }

    [Fact]
    public void SmallImagesAreEnlargedWithCrispPixels()
    {
        // A checkerboard: any interpolation would create grey pixels inside the tile.
        var pixels = new float[28 * 28];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (i / 28 + i % 28) % 2;
        }
        using var bitmap = Png.DecodeValid(LabelledImageGrid.Render([new LabelledImage(pixels, 1, 28, 28, "checker")], 1, null));
        var layout = GridRenderer.Measure(Png.Tiles(1, 28, 28), 1, null, null, 0);
        Assert.True(layout.BoxWidth >= 56 && layout.BoxWidth % 28 == 0, $"box width {layout.BoxWidth} should be a whole multiple of 28");
        var scale = layout.BoxWidth / 28;
        var (x0, y0) = layout.BoxOrigin(0);
        for (var y = 0; y < layout.BoxHeight; y++)
        {
            for (var x = 0; x < layout.BoxWidth; x++)
            {
                var expected = ((y / scale) + (x / scale)) % 2 == 1 ? 255 : 0;
                var actual = bitmap.GetPixel(x0 + x, y0 + y);
                Assert.True(actual.Red == expected && actual.Green == expected && actual.Blue == expected, $"pixel ({x}, {y}) is {actual}, expected grey level {expected}.");
            }
        }
    }

    [Fact]
    public void LargeImagesKeepTheirAspectRatio()
    {
        var wide = new LabelledImage(Filled(400 * 600, 0f), 1, 400, 600, "600x400");
        var tall = new LabelledImage(Filled(400 * 200, 0f), 1, 400, 200, "200x400");
        using var bitmap = Png.DecodeValid(LabelledImageGrid.Render([wide, tall], 2, "photos"));
        var layout = GridRenderer.Measure([new GridTile([], 600, 400, "a", false), new GridTile([], 200, 400, "b", false)], 2, "photos", null, 0);
        Assert.True(layout.BoxWidth <= 300, $"a 600 px image should be reduced, box width {layout.BoxWidth}");

        var (w0, h0) = DarkExtent(bitmap, layout, 0);
        var (w1, h1) = DarkExtent(bitmap, layout, 1);
        Assert.Equal(1.5, w0 / (double)h0, 2);
        Assert.Equal(0.5, w1 / (double)h1, 2);
        Assert.Equal(h0, h1);
    }

    [Fact]
    public void RgbImagesKeepTheirColours()
    {
        var pixels = new float[3 * 4 * 4];
        Array.Fill(pixels, 1f, 0, 16);      // red channel full
        Array.Fill(pixels, 0.5f, 32, 16);   // blue channel half
        using var bitmap = Png.DecodeValid(LabelledImageGrid.Render([new LabelledImage(pixels, 3, 4, 4, "rgb"), Digit(1f)], 2, null));
        var layout = GridRenderer.Measure([new GridTile([], 4, 4, "rgb", false), new GridTile([], 28, 28, "d", false)], 2, null, null, 0);
        Assert.True(Png.Near(new SKColor(255, 0, 128), Png.BoxCentre(bitmap, layout, 0), 1), $"got {Png.BoxCentre(bitmap, layout, 0)}");
    }

    [Fact]
    public void HighlightedCaptionsAreRed()
    {
        using var bitmap = Png.DecodeValid(LabelledImageGrid.Render([Digit(1f, "true 3 / pred 3"), Digit(1f, "true 3 / pred 8", highlight: true)], 2, null));
        var layout = GridRenderer.Measure(Png.Tiles(2, 28, 28), 2, null, null, 0);
        Assert.Equal(0, RedPixelsInCaption(bitmap, layout, 0));
        Assert.True(RedPixelsInCaption(bitmap, layout, 1) > 20, "the highlighted caption should be drawn in red");
    }

    [Fact]
    public void HonoursTheRequestedWidth()
    {
        var images = Enumerable.Range(0, 7).Select(i => Digit(i / 6f)).ToArray();
        using var bitmap = Png.DecodeValid(LabelledImageGrid.Render(images, 4, "seven digits", pictureWidth: 500));
        Assert.Equal(500, bitmap.Width);
        var layout = GridRenderer.Measure(Png.Tiles(7, 28, 28), 4, "seven digits", null, 500);
        Assert.Equal(layout.CanvasHeight, bitmap.Height);
        Assert.True(Png.Brightness(Png.BoxCentre(bitmap, layout, 6)) > 240);
    }

    [Fact]
    public void SaveWritesTheSamePictureAtomically()
    {
        using var folder = new TempFolder();
        var path = folder.File("sub/grid.png");
        LabelledImage[] images = [Digit(0f), Digit(1f)];
        LabelledImageGrid.Save(path, images, 2, "two");
        Assert.Equal(LabelledImageGrid.Render(images, 2, "two"), File.ReadAllBytes(path));

        // Overwrites, and leaves no temporary files behind.
        LabelledImageGrid.Save(path, [Digit(0.5f)], 1, null);
        using var bitmap = Png.DecodeValid(File.ReadAllBytes(path));
        Assert.Equal(["grid.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void RejectsBadArgumentsNamingThem()
    {
        var e = Assert.Throws<ArgumentException>(() => LabelledImageGrid.Render([Digit(1f)], 0, null));
        Assert.Equal("columns", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => LabelledImageGrid.Render([], 3, null));
        Assert.Contains("images.Count", e.Message);

        e = Assert.Throws<ArgumentException>(() => LabelledImageGrid.Render([Digit(1f), new LabelledImage(new float[783], 1, 28, 28, "short")], 3, null));
        Assert.Equal("images", e.ParamName);
        Assert.Contains("images[1].Pixels", e.Message);
        Assert.Contains("783", e.Message);
        Assert.Contains("784", e.Message);

        e = Assert.Throws<ArgumentException>(() => LabelledImageGrid.Render([new LabelledImage(new float[8], 2, 2, 2, "two channels")], 1, null));
        Assert.Contains("Channels", e.Message);

        e = Assert.Throws<ArgumentException>(() => LabelledImageGrid.Render([Digit(1f)], 1, null, pictureWidth: 10));
        Assert.Equal("pictureWidth", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => LabelledImageGrid.Save("  ", [Digit(1f)], 1, null));
        Assert.Equal("path", e.ParamName);
    }

    /// <summary>Width and height of the dark (drawn) pixels inside tile <paramref name="index"/>'s box.</summary>
    private static (int Width, int Height) DarkExtent(SKBitmap bitmap, GridLayout layout, int index)
    {
        var (x0, y0) = layout.BoxOrigin(index);
        int minX = int.MaxValue, maxX = -1, minY = int.MaxValue, maxY = -1;
        for (var y = 0; y < layout.BoxHeight; y++)
        {
            for (var x = 0; x < layout.BoxWidth; x++)
            {
                if (Png.Brightness(bitmap.GetPixel(x0 + x, y0 + y)) < 20)
                {
                    minX = Math.Min(minX, x);
                    maxX = Math.Max(maxX, x);
                    minY = Math.Min(minY, y);
                    maxY = Math.Max(maxY, y);
                }
            }
        }
        Assert.True(maxX >= 0, $"tile {index} has no dark pixels");
        return (maxX - minX + 1, maxY - minY + 1);
    }

    private static int RedPixelsInCaption(SKBitmap bitmap, GridLayout layout, int index)
    {
        var (x0, y0) = layout.BoxOrigin(index);
        var count = 0;
        for (var y = y0 + layout.BoxHeight; y < y0 + layout.BoxHeight + layout.CaptionHeight; y++)
        {
            for (var x = Math.Max(0, x0 - GridRenderer.GapX / 2); x < Math.Min(bitmap.Width, x0 + layout.BoxWidth + GridRenderer.GapX / 2); x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red > 150 && c.Green < 110 && c.Blue < 110)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
