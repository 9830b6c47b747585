using SkiaSharp;

namespace ConvKit.Plotting.Tests;

public class FilterGridTests
{
    /// <summary>K filters of one input channel, 3x3, filter k filled with <paramref name="values"/>[k].</summary>
    private static float[] Constant(params float[] values) => values.SelectMany(v => Enumerable.Repeat(v, 9)).ToArray();

    [Fact]
    public void AllFiltersShareOneScaleSymmetricAroundZero()
    {
        var weights = Constant(2f, -2f, 0f, 1f);
        using var bitmap = Png.DecodeValid(FilterGrid.Render(weights, 4, 1, 3, 3, perInputChannel: false, "filters", columns: 4));
        var layout = GridRenderer.Measure(Png.Tiles(4, 3, 3), 4, "filters", ColorBarSpec.ForRange(Heatmaps.BlueWhiteRed, -2, 2), 0);
        Assert.Equal(layout.CanvasWidth, bitmap.Width);
        Assert.Equal(layout.CanvasHeight, bitmap.Height);
        Assert.True(Png.Near(Png.ToSk(Heatmaps.BlueWhiteRed(1f)), Png.BoxCentre(bitmap, layout, 0), 1));
        Assert.True(Png.Near(Png.ToSk(Heatmaps.BlueWhiteRed(0f)), Png.BoxCentre(bitmap, layout, 1), 1));
        Assert.True(Png.Near(SKColors.White, Png.BoxCentre(bitmap, layout, 2), 1));
        // Half the largest weight: three quarters up the shared scale, not the full red a per-tile scale would give.
        Assert.True(Png.Near(Png.ToSk(Heatmaps.BlueWhiteRed(0.75f)), Png.BoxCentre(bitmap, layout, 3), 1), $"got {Png.BoxCentre(bitmap, layout, 3)}");
    }

    [Fact]
    public void GreyDrawsZeroAsMidGrey()
    {
        var weights = Constant(-0.5f, 0f, 0.5f);
        using var bitmap = Png.DecodeValid(FilterGrid.Render(weights, 3, 1, 3, 3, false, null, FilterColors.Grey, columns: 3));
        var layout = GridRenderer.Measure(Png.Tiles(3, 3, 3), 3, null, ColorBarSpec.ForRange(Heatmaps.Grey, -1, 1), 0);
        Assert.True(Png.Brightness(Png.BoxCentre(bitmap, layout, 0)) < 2);
        Assert.InRange(Png.Brightness(Png.BoxCentre(bitmap, layout, 1)), 126, 129);
        Assert.True(Png.Brightness(Png.BoxCentre(bitmap, layout, 2)) > 253);
    }

    [Fact]
    public void RgbDrawsThreeInputChannelsAsColour()
    {
        // One filter, (C=3, 2, 2): red channel +1, green 0, blue -1.
        float[] weights = [1, 1, 1, 1, 0, 0, 0, 0, -1, -1, -1, -1];
        using var bitmap = Png.DecodeValid(FilterGrid.Render(weights, 1, 3, 2, 2, false, null, FilterColors.Rgb));
        var layout = GridRenderer.Measure(Png.Tiles(1, 2, 2), 1, null, null, 0);
        Assert.True(Png.Near(new SKColor(255, 128, 0), Png.BoxCentre(bitmap, layout, 0), 1), $"got {Png.BoxCentre(bitmap, layout, 0)}");
    }

    [Fact]
    public void PerInputChannelDrawsOneTilePerFilterAndChannel()
    {
        // K=2, C=3: only (filter 1, channel 2) is non-zero.
        var weights = new float[2 * 3 * 3 * 3];
        Array.Fill(weights, 0.7f, (1 * 3 + 2) * 9, 9);
        using var bitmap = Png.DecodeValid(FilterGrid.Render(weights, 2, 3, 3, 3, perInputChannel: true, "per channel"));
        var layout = GridRenderer.Measure(Png.Tiles(6, 3, 3), 3, "per channel", ColorBarSpec.ForRange(Heatmaps.BlueWhiteRed, -1, 1), 0);
        Assert.Equal(layout.CanvasWidth, bitmap.Width);
        Assert.Equal(layout.CanvasHeight, bitmap.Height);
        for (var i = 0; i < 6; i++)
        {
            var expected = i == 5 ? Png.ToSk(Heatmaps.BlueWhiteRed(1f)) : SKColors.White;
            Assert.True(Png.Near(expected, Png.BoxCentre(bitmap, layout, i), 1), $"tile {i}: {Png.BoxCentre(bitmap, layout, i)}");
        }
    }

    [Fact]
    public void ManyInputChannelsWithoutPerChannelTilesShowTheirMean()
    {
        // One filter over 4 channels: the mean is 0.25 of the maximum drawn value, which is the mean itself.
        float[] weights = [.. Enumerable.Repeat(1f, 9), .. new float[27]];
        using var bitmap = Png.DecodeValid(FilterGrid.Render(weights, 1, 4, 3, 3, false, null));
        var layout = GridRenderer.Measure(Png.Tiles(1, 3, 3), 1, null, ColorBarSpec.ForRange(Heatmaps.BlueWhiteRed, -1, 1), 0);
        Assert.True(Png.Near(Png.ToSk(Heatmaps.BlueWhiteRed(1f)), Png.BoxCentre(bitmap, layout, 0), 1));
    }

    [Fact]
    public void SaveHonoursTheRequestedWidth()
    {
        using var folder = new TempFolder();
        var weights = Enumerable.Range(0, 6 * 25).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        FilterGrid.Save(folder.File("f.png"), weights, 6, 1, 5, 5, false, "conv1", pictureWidth: 700);
        using var bitmap = Png.DecodeValid(File.ReadAllBytes(folder.File("f.png")));
        Assert.Equal(700, bitmap.Width);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var e = Assert.Throws<ArgumentException>(() => FilterGrid.Render(new float[6 * 25 - 1], 6, 1, 5, 5, false, null));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("149", e.Message);
        Assert.Contains("150", e.Message);

        e = Assert.Throws<ArgumentException>(() => FilterGrid.Render(new float[2 * 2 * 9], 2, 2, 3, 3, false, null, FilterColors.Rgb));
        Assert.Equal("colors", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => FilterGrid.Render(new float[2 * 3 * 9], 2, 3, 3, 3, true, null, FilterColors.Rgb));
        Assert.Equal("colors", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => FilterGrid.Render([], 0, 1, 3, 3, false, null));
        Assert.Equal("filters", e.ParamName);
    }
}
