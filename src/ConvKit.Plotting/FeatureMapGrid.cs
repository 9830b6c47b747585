namespace ConvKit.Plotting;

/// <summary>
/// The activations of one layer for one input, (C, H, W), as one tile per channel captioned "ch 0", "ch 1", ...
/// Each channel is scaled to its own range (its minimum at the low end of the colour map, its maximum at the high
/// end; a constant channel is drawn all low), since channels differ widely in magnitude.
/// </summary>
/// <example>
/// <code>
/// FeatureMapGrid.Save("conv1-activations.png", activations, 6, 24, 24, columns: 6, title: "conv1, test digit 0");
/// </code>
/// </example>
public static class FeatureMapGrid
{
    /// <summary>Draws the feature maps and writes them as a PNG file, atomically (see <see cref="Render"/>).</summary>
    /// <param name="path">The PNG file; its folder is created when missing and an existing file is replaced.</param>
    /// <param name="activations">The activations, (C, H, W), index <c>(c * H + y) * W + x</c>.</param>
    /// <param name="channels">C, at least 1.</param>
    /// <param name="height">H, at least 1.</param>
    /// <param name="width">W, at least 1.</param>
    /// <param name="columns">Tiles per row, at least 1.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="colorMap">The colour map; viridis by default.</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <exception cref="ArgumentException">An argument is out of range, or <paramref name="activations"/> does not hold C*H*W values.</exception>
    public static void Save(
        string path,
        float[] activations,
        int channels,
        int height,
        int width,
        int columns,
        string? title,
        ColorMap colorMap = ColorMap.Viridis,
        int pictureWidth = 0)
    {
        ArgumentChecks.FilePath(path, nameof(path));
        PngFile.WriteAtomic(path, Render(activations, channels, height, width, columns, title, colorMap, pictureWidth));
    }

    /// <summary>Draws the feature maps and returns the PNG bytes.</summary>
    /// <param name="activations">The activations, (C, H, W), index <c>(c * H + y) * W + x</c>.</param>
    /// <param name="channels">C, at least 1.</param>
    /// <param name="height">H, at least 1.</param>
    /// <param name="width">W, at least 1.</param>
    /// <param name="columns">Tiles per row, at least 1.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="colorMap">The colour map; viridis by default.</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <returns>A PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">An argument is out of range, or <paramref name="activations"/> does not hold C*H*W values.</exception>
    public static byte[] Render(
        float[] activations,
        int channels,
        int height,
        int width,
        int columns,
        string? title,
        ColorMap colorMap = ColorMap.Viridis,
        int pictureWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentChecks.AtLeast(channels, 1, nameof(channels));
        ArgumentChecks.AtLeast(height, 1, nameof(height));
        ArgumentChecks.AtLeast(width, 1, nameof(width));
        ArgumentChecks.Length(activations.Length, [channels, height, width], "C*H*W", nameof(activations));
        ArgumentChecks.AtLeast(columns, 1, nameof(columns));
        ArgumentChecks.Width(pictureWidth, 64, nameof(pictureWidth));
        var map = Heatmaps.MapFunction(colorMap);

        var plane = height * width;
        var unit = new float[plane];
        var grid = new GridTile[channels];
        for (var c = 0; c < channels; c++)
        {
            var channel = activations.AsSpan(c * plane, plane);
            var (low, high) = PixelConvert.FiniteRange(channel);
            PixelConvert.ToUnit(channel, low, high, unit);
            grid[c] = new GridTile(PixelConvert.MapToRgba(unit, map), width, height, $"ch {c}", Highlight: false);
        }
        return GridRenderer.Render(grid, columns, title, colorBar: null, pictureWidth, nameof(pictureWidth));
    }
}
