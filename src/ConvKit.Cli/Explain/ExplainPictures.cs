using System.Globalization;
using ConvKit.Explain;
using ConvKit.IO;
using ConvKit.Plotting;

namespace ConvKit.Cli.Explain;

/// <summary>
/// Draws the explainers' raw arrays as PNG bytes through ConvKit.Plotting, so the same pictures go to files and
/// into the HTML report.
/// </summary>
internal static class ExplainPictures
{
    /// <summary>Writes PNG bytes to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, byte[] png) => AtomicFile.Write(path, s => s.Write(png));

    /// <summary>
    /// A layer's filters (the first <paramref name="maxFilters"/>) on one colour scale symmetric around 0: a first
    /// layer as images (grey, or RGB for three channels), a deeper layer as one diverging tile per (filter, input channel).
    /// </summary>
    public static byte[] Filters(FilterBank bank, int maxFilters = int.MaxValue, int pictureWidth = 0)
    {
        var colors = !bank.TakesImages ? FilterColors.Diverging : bank.Channels == 3 ? FilterColors.Rgb : FilterColors.Grey;
        var what = bank.TakesImages ? "one image per filter" : "rows: filters, columns: input channels";
        var shown = Math.Min(bank.Filters, maxFilters);
        var count = shown < bank.Filters ? $"the first {shown} of {bank.Filters} filters" : $"{bank.Filters} filters";
        var title = string.Create(CultureInfo.InvariantCulture, $"{bank.LayerName}: {count} of {bank.Channels}x{bank.Height}x{bank.Width} ({what})");
        var weights = bank.Weights.AsSpan(0, shown * bank.Channels * bank.Height * bank.Width).ToArray();
        return FilterGrid.Render(weights, shown, bank.Channels, bank.Height, bank.Width, perInputChannel: !bank.TakesImages, title, colors, pictureWidth: pictureWidth);
    }

    /// <summary>The feature maps of image <paramref name="index"/> for one layer, one tile per channel.</summary>
    public static byte[] FeatureMaps(ImageBatch maps, int index, string title, int pictureWidth = 0)
    {
        var columns = maps.Channels <= 8 ? maps.Channels : maps.Channels <= 32 ? 8 : 16;
        if (maps.Height == 1 && (maps.Channels == 1 || maps.Width == 1))
        {
            // A vector layer, or maps of 1x1 (LeNet-5's C5): one strip (1 x units) per image, drawn as a single tile.
            return FeatureMapGrid.Render(maps.Image(index).ToArray(), 1, 1, maps.ImageSize, 1, title, pictureWidth: pictureWidth == 0 ? 800 : pictureWidth);
        }
        return FeatureMapGrid.Render(maps.Image(index).ToArray(), maps.Channels, maps.Height, maps.Width, columns, title, pictureWidth: pictureWidth);
    }

    /// <summary>Images with captions, e.g. class visualisations or dreams.</summary>
    public static byte[] Images(ImageBatch images, IReadOnlyList<string> captions, int columns, string title, int pictureWidth = 0)
    {
        var tiles = new List<LabelledImage>();
        for (var i = 0; i < images.Count; i++)
        {
            tiles.Add(new LabelledImage(images.Image(i).ToArray(), images.Channels, images.Height, images.Width, captions[i]));
        }
        return LabelledImageGrid.Render(tiles, Math.Min(columns, tiles.Count), title, pictureWidth);
    }

    /// <summary>
    /// One row per image: the image, then each heat map alone and laid over the image. <paramref name="maps"/>
    /// holds one (N, 1, H, W) batch per kind of map, named by <paramref name="names"/>.
    /// </summary>
    public static byte[] HeatmapRows(ExplainInputs inputs, IReadOnlyList<ImageBatch> maps, IReadOnlyList<string> names, IReadOnlyList<string> rowCaptions,
        string title, ColorMap colorMap, bool overlay = true, int pictureWidth = 0)
    {
        var tiles = new List<HeatmapTile>();
        var (c, h, w) = (inputs.Channels, inputs.Height, inputs.Width);
        for (var i = 0; i < inputs.Count; i++)
        {
            var image = inputs.Image(i);
            // The image alone: an overlay with no heat showing.
            tiles.Add(new HeatmapTile(new float[h * w], h, w, rowCaptions[i]) { Image = image, ImageChannels = c, Alpha = 0f });
            for (var m = 0; m < maps.Count; m++)
            {
                var heat = maps[m].Image(i).ToArray();
                tiles.Add(new HeatmapTile(heat, h, w, names[m]));
                if (overlay)
                {
                    tiles.Add(new HeatmapTile(heat, h, w, "overlay") { Image = image, ImageChannels = c, Alpha = 0.5f });
                }
            }
        }
        var columns = 1 + maps.Count * (overlay ? 2 : 1);
        return Heatmaps.RenderHeatmapGrid(tiles, columns, title, colorBar: true, scale: HeatmapScale.PerTile, colorMap: colorMap, pictureWidth: pictureWidth);
    }
}
