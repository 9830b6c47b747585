namespace ConvKit.Plotting.Tests;

public class FeatureMapGridTests
{
    [Fact]
    public void EachChannelIsNormalisedToItsOwnRange()
    {
        // Channel 1 is channel 0 times 1000 plus 5: per-channel scaling draws them identically.
        const int h = 6, w = 10;
        var activations = new float[3 * h * w];
        for (var i = 0; i < h * w; i++)
        {
            activations[i] = i;
            activations[h * w + i] = 1000f * i + 5f;
            activations[2 * h * w + i] = 3f;
        }
        using var bitmap = Png.DecodeValid(FeatureMapGrid.Render(activations, 3, h, w, 3, "activations"));
        var layout = GridRenderer.Measure(Png.Tiles(3, w, h), 3, "activations", null, 0);
        Assert.Equal(layout.CanvasWidth, bitmap.Width);
        Assert.Equal(layout.CanvasHeight, bitmap.Height);

        var (x0, y0) = layout.BoxOrigin(0);
        var (x1, y1) = layout.BoxOrigin(1);
        for (var y = 0; y < layout.BoxHeight; y += 3)
        {
            for (var x = 0; x < layout.BoxWidth; x += 3)
            {
                Assert.Equal(bitmap.GetPixel(x0 + x, y0 + y), bitmap.GetPixel(x1 + x, y1 + y));
            }
        }
        // The first pixel is the channel's minimum, the last its maximum.
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Viridis(0f)), bitmap.GetPixel(x0 + 1, y0 + 1), 1));
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Viridis(1f)), bitmap.GetPixel(x0 + layout.BoxWidth - 2, y0 + layout.BoxHeight - 2), 1));
        // A constant channel is drawn at the low end.
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Viridis(0f)), Png.BoxCentre(bitmap, layout, 2), 1));
    }

    [Fact]
    public void SaveHonoursTheRequestedWidth()
    {
        using var folder = new TempFolder();
        var activations = Enumerable.Range(0, 8 * 12 * 12).Select(i => MathF.Cos(i * 0.1f)).ToArray();
        FeatureMapGrid.Save(folder.File("maps.png"), activations, 8, 12, 12, 4, "conv2", ColorMap.Grey, pictureWidth: 480);
        using var bitmap = Png.DecodeValid(File.ReadAllBytes(folder.File("maps.png")));
        Assert.Equal(480, bitmap.Width);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var e = Assert.Throws<ArgumentException>(() => FeatureMapGrid.Render(new float[100], 2, 7, 7, 2, null));
        Assert.Equal("activations", e.ParamName);
        Assert.Contains("98", e.Message);

        e = Assert.Throws<ArgumentException>(() => FeatureMapGrid.Render(new float[98], 2, 7, 7, 0, null));
        Assert.Equal("columns", e.ParamName);
    }
}
