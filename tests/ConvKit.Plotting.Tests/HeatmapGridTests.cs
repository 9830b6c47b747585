using SkiaSharp;

namespace ConvKit.Plotting.Tests;

public class HeatmapGridTests
{
    /// <summary>A 9x9 map whose centre holds <paramref name="centre"/> and whose corners hold 0 and <paramref name="corner"/>.</summary>
    private static float[] Map(float centre, float corner)
    {
        var heat = new float[81];
        heat[40] = centre;
        heat[80] = corner;
        return heat;
    }

    [Fact]
    public void PerTileScaleNormalisesEachTileOnItsOwn()
    {
        // Tile 1 is tile 0 times 10: on per-tile scales they look identical.
        HeatmapTile[] tiles = [new(Map(0.5f, 1f), 9, 9, "a"), new(Map(5f, 10f), 9, 9, "b")];
        using var bitmap = Png.DecodeValid(Heatmaps.RenderHeatmapGrid(tiles, 2, "per tile"));
        var layout = GridRenderer.Measure(Png.Tiles(2, 9, 9), 2, "per tile", null, 0);
        var expected = Png.ToSk(Heatmaps.Jet(0.5f));
        Assert.True(Png.Near(expected, Png.BoxCentre(bitmap, layout, 0), 1), $"got {Png.BoxCentre(bitmap, layout, 0)}");
        Assert.True(Png.Near(expected, Png.BoxCentre(bitmap, layout, 1), 1), $"got {Png.BoxCentre(bitmap, layout, 1)}");
    }

    [Fact]
    public void SharedScaleComparesTiles()
    {
        HeatmapTile[] tiles = [new(Map(0.5f, 1f), 9, 9, "a"), new(Map(5f, 10f), 9, 9, "b")];
        using var bitmap = Png.DecodeValid(Heatmaps.RenderHeatmapGrid(tiles, 2, null, scale: HeatmapScale.Shared, colorMap: ColorMap.Viridis));
        var layout = GridRenderer.Measure(Png.Tiles(2, 9, 9), 2, null, null, 0);
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Viridis(0.05f)), Png.BoxCentre(bitmap, layout, 0), 1), $"got {Png.BoxCentre(bitmap, layout, 0)}");
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Viridis(0.5f)), Png.BoxCentre(bitmap, layout, 1), 1), $"got {Png.BoxCentre(bitmap, layout, 1)}");
    }

    [Fact]
    public void SharedSymmetricScaleDrawsZeroAsTheMiddleColour()
    {
        HeatmapTile[] tiles = [new(Map(0f, 2f), 9, 9, "zero centre"), new(Map(-4f, 1f), 9, 9, "negative centre")];
        using var bitmap = Png.DecodeValid(Heatmaps.RenderHeatmapGrid(tiles, 2, null, colorBar: true, scale: HeatmapScale.SharedSymmetric, colorMap: ColorMap.BlueWhiteRed));
        var bar = ColorBarSpec.ForRange(Heatmaps.BlueWhiteRed, -4, 4);
        var layout = GridRenderer.Measure(Png.Tiles(2, 9, 9), 2, null, bar, 0);
        Assert.Equal(layout.CanvasWidth, bitmap.Width);
        Assert.True(Png.Near(SKColors.White, Png.BoxCentre(bitmap, layout, 0), 1), $"got {Png.BoxCentre(bitmap, layout, 0)}");
        Assert.True(Png.Near(Png.ToSk(Heatmaps.BlueWhiteRed(0f)), Png.BoxCentre(bitmap, layout, 1), 1), $"got {Png.BoxCentre(bitmap, layout, 1)}");
    }

    [Fact]
    public void ColorBarShowsTheMapFromHighAtTheTopToLowAtTheBottom()
    {
        HeatmapTile[] tiles = [new(Map(1f, 2f), 9, 9, "a")];
        using var bitmap = Png.DecodeValid(Heatmaps.RenderHeatmapGrid(tiles, 1, "bar", colorBar: true));
        var bar = new ColorBarSpec(Heatmaps.Jet, "high", "", "low");
        var layout = GridRenderer.Measure(Png.Tiles(1, 9, 9), 1, "bar", bar, 0);
        var x = layout.CanvasWidth - GridRenderer.Margin - GridRenderer.ColorBarLabelWidth - GridRenderer.ColorBarWidth / 2;
        var top = GridRenderer.Margin + layout.TitleHeight;
        var bottom = GridRenderer.Margin + layout.TitleHeight + layout.ColorBarHeight - 1;
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Jet(1f)), bitmap.GetPixel(x, top), 1), $"top {bitmap.GetPixel(x, top)}");
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Jet(0f)), bitmap.GetPixel(x, bottom), 1), $"bottom {bitmap.GetPixel(x, bottom)}");
    }

    [Fact]
    public void OverlayTilesBlendTheHeatOverTheImage()
    {
        var white = Enumerable.Repeat(1f, 81).ToArray();
        HeatmapTile[] tiles =
        [
            new(Map(1f, 1f), 9, 9, "alpha 0") { Image = white, Alpha = 0f },
            new(Map(1f, 1f), 9, 9, "alpha 1") { Image = white, Alpha = 1f },
        ];
        using var bitmap = Png.DecodeValid(Heatmaps.RenderHeatmapGrid(tiles, 2, null));
        var layout = GridRenderer.Measure(Png.Tiles(2, 9, 9), 2, null, null, 0);
        Assert.True(Png.Near(SKColors.White, Png.BoxCentre(bitmap, layout, 0), 1), $"got {Png.BoxCentre(bitmap, layout, 0)}");
        Assert.True(Png.Near(Png.ToSk(Heatmaps.Jet(1f)), Png.BoxCentre(bitmap, layout, 1), 1), $"got {Png.BoxCentre(bitmap, layout, 1)}");
    }

    [Fact]
    public void SaveWritesAPngOfTheRequestedWidth()
    {
        using var folder = new TempFolder();
        var path = folder.File("heat.png");
        HeatmapTile[] tiles = [new(Map(1f, 2f), 9, 9, "saliency"), new(Map(3f, 2f), 9, 9, "Grad-CAM"), new(Map(1f, 0f), 9, 9, "occlusion")];
        Heatmaps.SaveHeatmapGrid(path, tiles, 2, "explanations", colorBar: true, pictureWidth: 640);
        using var bitmap = Png.DecodeValid(File.ReadAllBytes(path));
        Assert.Equal(640, bitmap.Width);
    }

    [Fact]
    public void RejectsBadTiles()
    {
        var e = Assert.Throws<ArgumentException>(() => Heatmaps.RenderHeatmapGrid([new HeatmapTile(new float[80], 9, 9, "short")], 1, null));
        Assert.Equal("tiles", e.ParamName);
        Assert.Contains("tiles[0].Heat", e.Message);
        Assert.Contains("81", e.Message);

        e = Assert.Throws<ArgumentException>(() => Heatmaps.RenderHeatmapGrid([new HeatmapTile(new float[81], 9, 9, "x") { Image = new float[81], ImageChannels = 3 }], 1, null));
        Assert.Contains("tiles[0].Image", e.Message);
        Assert.Contains("243", e.Message);

        e = Assert.Throws<ArgumentException>(() => Heatmaps.RenderHeatmapGrid([], 1, null));
        Assert.Contains("tiles.Count", e.Message);

        e = Assert.Throws<ArgumentException>(() => Heatmaps.RenderHeatmapGrid([new HeatmapTile(new float[81], 9, 9, "x")], -1, null));
        Assert.Equal("columns", e.ParamName);
    }
}
