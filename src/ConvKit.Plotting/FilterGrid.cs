namespace ConvKit.Plotting;

/// <summary>
/// A grid of convolution filters (the weights of a Conv2D layer), all drawn on one colour scale symmetric around 0,
/// so tiles compare and 0 always looks the same.
/// </summary>
/// <remarks>
/// With <c>perInputChannel</c> each (filter, input channel) slice is a tile captioned "f3 c1", one row per filter
/// and one column per input channel. Otherwise each filter is one tile captioned "f3": its input channels as RGB
/// with <see cref="FilterColors.Rgb"/> (3 channels only), else their mean. The scale is
/// <c>t = 0.5 + w / (2m)</c> where m is the largest |w| drawn (1 when all are 0); the colour bar shows -m..m.
/// </remarks>
/// <example>
/// <code>
/// // conv1 of a LeNet: 6 filters over 1 input channel, 5x5.
/// FilterGrid.Save("conv1.png", conv1Weights, 6, 1, 5, 5, perInputChannel: false, title: "conv1 filters");
/// </code>
/// </example>
public static class FilterGrid
{
    /// <summary>Draws the filters and writes them as a PNG file, atomically (see <see cref="Render"/>).</summary>
    /// <param name="path">The PNG file; its folder is created when missing and an existing file is replaced.</param>
    /// <param name="weights">The weights, (K, C, KH, KW), index <c>((k * C + c) * KH + y) * KW + x</c>.</param>
    /// <param name="filters">K, output channels, at least 1.</param>
    /// <param name="channels">C, input channels, at least 1.</param>
    /// <param name="kernelHeight">KH, at least 1.</param>
    /// <param name="kernelWidth">KW, at least 1.</param>
    /// <param name="perInputChannel">One tile per (filter, input channel) instead of one per filter.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="colors">The colour style; <see cref="FilterColors.Rgb"/> needs C = 3 and not <paramref name="perInputChannel"/>.</param>
    /// <param name="columns">Tiles per row, or 0 for C columns with <paramref name="perInputChannel"/> and otherwise max(8, ceil(sqrt(K))).</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <exception cref="ArgumentException">An argument is out of range, or <paramref name="weights"/> does not hold K*C*KH*KW values.</exception>
    public static void Save(
        string path,
        float[] weights,
        int filters,
        int channels,
        int kernelHeight,
        int kernelWidth,
        bool perInputChannel,
        string? title,
        FilterColors colors = FilterColors.Diverging,
        int columns = 0,
        int pictureWidth = 0)
    {
        ArgumentChecks.FilePath(path, nameof(path));
        PngFile.WriteAtomic(path, Render(weights, filters, channels, kernelHeight, kernelWidth, perInputChannel, title, colors, columns, pictureWidth));
    }

    /// <summary>Draws the filters and returns the PNG bytes.</summary>
    /// <param name="weights">The weights, (K, C, KH, KW), index <c>((k * C + c) * KH + y) * KW + x</c>.</param>
    /// <param name="filters">K, output channels, at least 1.</param>
    /// <param name="channels">C, input channels, at least 1.</param>
    /// <param name="kernelHeight">KH, at least 1.</param>
    /// <param name="kernelWidth">KW, at least 1.</param>
    /// <param name="perInputChannel">One tile per (filter, input channel) instead of one per filter.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="colors">The colour style; <see cref="FilterColors.Rgb"/> needs C = 3 and not <paramref name="perInputChannel"/>.</param>
    /// <param name="columns">Tiles per row, or 0 for C columns with <paramref name="perInputChannel"/> and otherwise max(8, ceil(sqrt(K))).</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <returns>A PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">An argument is out of range, or <paramref name="weights"/> does not hold K*C*KH*KW values.</exception>
    public static byte[] Render(
        float[] weights,
        int filters,
        int channels,
        int kernelHeight,
        int kernelWidth,
        bool perInputChannel,
        string? title,
        FilterColors colors = FilterColors.Diverging,
        int columns = 0,
        int pictureWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentChecks.AtLeast(filters, 1, nameof(filters));
        ArgumentChecks.AtLeast(channels, 1, nameof(channels));
        ArgumentChecks.AtLeast(kernelHeight, 1, nameof(kernelHeight));
        ArgumentChecks.AtLeast(kernelWidth, 1, nameof(kernelWidth));
        ArgumentChecks.Length(weights.Length, [filters, channels, kernelHeight, kernelWidth], "K*C*KH*KW", nameof(weights));
        ArgumentChecks.AtLeast(columns, 0, nameof(columns));
        ArgumentChecks.Width(pictureWidth, 64, nameof(pictureWidth));
        if (!Enum.IsDefined(colors))
        {
            throw new ArgumentException($"Argument 'colors' is not a FilterColors value; got {(int)colors}.", nameof(colors));
        }
        var rgb = colors == FilterColors.Rgb;
        if (rgb && (channels != 3 || perInputChannel))
        {
            throw new ArgumentException(
                $"Argument 'colors' is Rgb, which needs 3 input channels drawn together; got C = {channels}, perInputChannel = {perInputChannel}.",
                nameof(colors));
        }

        var plane = kernelHeight * kernelWidth;
        var tileCount = perInputChannel ? filters * channels : filters;
        var tileChannels = rgb ? 3 : 1;

        // The values each tile shows, (tileChannels, KH, KW) per tile.
        var values = new float[tileCount][];
        for (var k = 0; k < filters; k++)
        {
            var filter = weights.AsSpan(k * channels * plane, channels * plane);
            if (perInputChannel)
            {
                for (var c = 0; c < channels; c++)
                {
                    values[k * channels + c] = filter.Slice(c * plane, plane).ToArray();
                }
            }
            else if (rgb || channels == 1)
            {
                values[k] = filter.ToArray();
            }
            else
            {
                var mean = new float[plane];
                for (var c = 0; c < channels; c++)
                {
                    for (var i = 0; i < plane; i++)
                    {
                        mean[i] += filter[c * plane + i];
                    }
                }
                for (var i = 0; i < plane; i++)
                {
                    mean[i] /= channels;
                }
                values[k] = mean;
            }
        }

        var m = 0f;
        foreach (var tile in values)
        {
            var (lo, hi) = PixelConvert.FiniteRange(tile);
            m = Math.Max(m, Math.Max(Math.Abs(lo), Math.Abs(hi)));
        }
        if (m == 0f)
        {
            m = 1f;
        }

        var map = Heatmaps.MapFunction(colors == FilterColors.Diverging ? ColorMap.BlueWhiteRed : ColorMap.Grey);
        var grid = new GridTile[tileCount];
        for (var i = 0; i < tileCount; i++)
        {
            var unit = new float[values[i].Length];
            PixelConvert.ToUnit(values[i], -m, m, unit);
            var rgba = rgb
                ? PixelConvert.ChwToRgba(unit, tileChannels, kernelHeight, kernelWidth)
                : PixelConvert.MapToRgba(unit, map);
            var caption = perInputChannel ? $"f{i / channels} c{i % channels}" : $"f{i}";
            grid[i] = new GridTile(rgba, kernelWidth, kernelHeight, caption, Highlight: false);
        }

        if (columns == 0)
        {
            columns = perInputChannel && channels > 1
                ? channels
                : Math.Min(tileCount, Math.Max(8, (int)Math.Ceiling(Math.Sqrt(tileCount))));
        }
        var bar = rgb ? null : ColorBarSpec.ForRange(map, -m, m);
        return GridRenderer.Render(grid, columns, title, bar, pictureWidth, nameof(pictureWidth));
    }
}
