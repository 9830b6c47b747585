namespace ConvKit.Plotting;

/// <summary>
/// Colour maps, heat-over-image overlays and grids of heat maps for explanation pictures (saliency, Grad-CAM,
/// occlusion). The colour maps and <see cref="Overlay(float[], int, int, int, float[], float, ColorMap, bool)"/>
/// are plain arithmetic on floats and need no drawing library.
/// </summary>
/// <example>
/// <code>
/// Rgb hot = Heatmaps.Jet(1f);                                    // dark red
/// float[] rgb = Heatmaps.Overlay(digit, 1, 28, 28, saliency, alpha: 0.5f);  // (3, 28, 28)
/// Heatmaps.SaveHeatmapGrid("gradcam.png",
///     [new HeatmapTile(cam, 28, 28, "Grad-CAM") { Image = digit }, new HeatmapTile(saliency, 28, 28, "saliency")],
///     columns: 2, title: "why 7?", colorBar: true);
/// </code>
/// </example>
public static class Heatmaps
{
    // matplotlib's viridis (CC0, van der Walt and Smith), sampled at t = i / 32, as 8-bit RGB.
    private static readonly byte[] ViridisTable =
    [
        68, 1, 84, 70, 11, 94, 71, 22, 105, 72, 33, 114,
        71, 43, 122, 69, 53, 128, 66, 62, 133, 62, 72, 136,
        59, 81, 138, 55, 89, 140, 51, 97, 141, 47, 105, 141,
        44, 113, 142, 41, 121, 142, 38, 128, 142, 35, 136, 141,
        32, 143, 140, 30, 151, 138, 30, 158, 136, 33, 166, 133,
        39, 173, 128, 48, 180, 122, 61, 187, 116, 75, 194, 108,
        91, 200, 98, 109, 206, 88, 129, 211, 76, 149, 215, 63,
        170, 219, 50, 191, 223, 36, 212, 225, 26, 233, 228, 25,
        253, 231, 36,
    ];

    // ColorBrewer RdBu, 7 classes (Apache 2.0, Cynthia Brewer), reversed to run blue to red, with a pure white centre.
    private static readonly byte[] BlueWhiteRedTable =
    [
        33, 102, 172, 103, 169, 207, 209, 229, 240, 255, 255, 255,
        253, 219, 199, 239, 138, 98, 178, 24, 43,
    ];

    /// <summary>
    /// MATLAB's jet: <c>r = clamp(1.5 - |4t - 3|)</c>, <c>g = clamp(1.5 - |4t - 2|)</c>, <c>b = clamp(1.5 - |4t - 1|)</c>,
    /// so 0 is dark blue (0, 0, 0.5), 0.5 is light green and 1 is dark red (0.5, 0, 0).
    /// </summary>
    /// <param name="t">The value, clamped to [0, 1]; NaN maps as 0.</param>
    public static Rgb Jet(float t)
    {
        t = Unit(t);
        return new Rgb(
            Math.Clamp(1.5f - Math.Abs(4f * t - 3f), 0f, 1f),
            Math.Clamp(1.5f - Math.Abs(4f * t - 2f), 0f, 1f),
            Math.Clamp(1.5f - Math.Abs(4f * t - 1f), 0f, 1f));
    }

    /// <summary>
    /// matplotlib's viridis, linearly interpolated between 33 samples: 0 is dark purple (#440154), 0.5 teal
    /// (#218f8c), 1 yellow (#fde724).
    /// </summary>
    /// <param name="t">The value, clamped to [0, 1]; NaN maps as 0.</param>
    public static Rgb Viridis(float t) => Interpolate(ViridisTable, Unit(t));

    /// <summary>A diverging map (ColorBrewer RdBu): 0 is blue (#2166ac), 0.5 white, 1 red (#b2182b).</summary>
    /// <param name="t">The value, clamped to [0, 1]; NaN maps as 0.</param>
    public static Rgb BlueWhiteRed(float t) => Interpolate(BlueWhiteRedTable, Unit(t));

    /// <summary>Grey levels: 0 is black, 1 white.</summary>
    /// <param name="t">The value, clamped to [0, 1]; NaN maps as 0.</param>
    public static Rgb Grey(float t)
    {
        t = Unit(t);
        return new Rgb(t, t, t);
    }

    /// <summary>Applies the chosen colour map to <paramref name="t"/> in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="map"/> is not a defined <see cref="ColorMap"/>.</exception>
    public static Rgb Map(ColorMap map, float t) => MapFunction(map)(t);

    /// <summary>
    /// Blends a colour-mapped heat map over an image: <c>out[c, y, x] = (1 - alpha) * image[c, y, x] + alpha * map(h[y, x])[c]</c>,
    /// where a grey image is repeated over the three channels and <c>h</c> is the heat scaled to [0, 1]: by
    /// <c>(heat - min) / (max - min)</c> over the finite values when <paramref name="normalize"/> is true (a constant
    /// map gives 0), otherwise clamped. Non-finite heat counts as 0. Alpha 0 returns the image as RGB.
    /// </summary>
    /// <param name="image">The image, (C, H, W) in [0, 1].</param>
    /// <param name="channels">C: 1 or 3.</param>
    /// <param name="height">H, at least 1.</param>
    /// <param name="width">W, at least 1.</param>
    /// <param name="heat">The heat map, (H, W).</param>
    /// <param name="alpha">Heat opacity in [0, 1].</param>
    /// <param name="colorMap">The colour map for the heat.</param>
    /// <param name="normalize">Scale the heat by its own minimum and maximum; false expects it in [0, 1] already.</param>
    /// <returns>A new RGB image, (3, H, W).</returns>
    /// <exception cref="ArgumentException">A length does not match the dimensions, or a dimension or alpha is out of range.</exception>
    public static float[] Overlay(float[] image, int channels, int height, int width, float[] heat, float alpha, ColorMap colorMap = ColorMap.Jet, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(heat);
        ArgumentChecks.AtLeast(height, 1, nameof(height));
        ArgumentChecks.AtLeast(width, 1, nameof(width));
        var destination = new float[3 * height * width];
        Overlay(image, channels, height, width, heat, alpha, destination, colorMap, normalize);
        return destination;
    }

    /// <summary>
    /// The allocation-free form of <see cref="Overlay(float[], int, int, int, float[], float, ColorMap, bool)"/>,
    /// writing (3, H, W) into <paramref name="destination"/>, which must not overlap the inputs.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match the dimensions, or a dimension or alpha is out of range.</exception>
    public static void Overlay(
        ReadOnlySpan<float> image,
        int channels,
        int height,
        int width,
        ReadOnlySpan<float> heat,
        float alpha,
        Span<float> destination,
        ColorMap colorMap = ColorMap.Jet,
        bool normalize = true)
    {
        ArgumentChecks.Channels(channels, nameof(channels));
        ArgumentChecks.AtLeast(height, 1, nameof(height));
        ArgumentChecks.AtLeast(width, 1, nameof(width));
        ArgumentChecks.Length(image.Length, [channels, height, width], "C*H*W", nameof(image));
        ArgumentChecks.Length(heat.Length, [height, width], "H*W", nameof(heat));
        ArgumentChecks.Length(destination.Length, [3, height, width], "3*H*W", nameof(destination));
        ArgumentChecks.Finite(alpha, nameof(alpha));
        if (alpha is < 0f or > 1f)
        {
            throw new ArgumentException($"Argument 'alpha' must be in [0, 1]; got {alpha}.", nameof(alpha));
        }

        var map = MapFunction(colorMap);
        var (low, high) = normalize ? PixelConvert.FiniteRange(heat) : (0f, 1f);
        var range = high - low;
        var scale = range > 0 && float.IsFinite(range) ? 1f / range : 0f;
        var plane = height * width;
        for (var i = 0; i < plane; i++)
        {
            var v = heat[i];
            var t = float.IsFinite(v) ? Math.Clamp((v - low) * scale, 0f, 1f) : 0f;
            var color = map(t);
            var r = image[i];
            var g = channels == 3 ? image[plane + i] : r;
            var b = channels == 3 ? image[2 * plane + i] : r;
            destination[i] = (1f - alpha) * r + alpha * color.R;
            destination[plane + i] = (1f - alpha) * g + alpha * color.G;
            destination[2 * plane + i] = (1f - alpha) * b + alpha * color.B;
        }
    }

    /// <summary>Draws a grid of heat maps and writes it as a PNG file, atomically (see <see cref="RenderHeatmapGrid"/>).</summary>
    /// <param name="path">The PNG file; its folder is created when missing and an existing file is replaced.</param>
    /// <param name="tiles">The tiles, at least one.</param>
    /// <param name="columns">Tiles per row, at least 1.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="colorBar">Draws a colour bar at the right, labelled low/high for per-tile scales and with values for shared ones.</param>
    /// <param name="scale">How heat values map to the colour map; per tile by default.</param>
    /// <param name="colorMap">The colour map.</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <exception cref="ArgumentException">An argument is out of range or a tile's length does not match its dimensions.</exception>
    public static void SaveHeatmapGrid(
        string path,
        IReadOnlyList<HeatmapTile> tiles,
        int columns,
        string? title,
        bool colorBar = false,
        HeatmapScale scale = HeatmapScale.PerTile,
        ColorMap colorMap = ColorMap.Jet,
        int pictureWidth = 0)
    {
        ArgumentChecks.FilePath(path, nameof(path));
        PngFile.WriteAtomic(path, RenderHeatmapGrid(tiles, columns, title, colorBar, scale, colorMap, pictureWidth));
    }

    /// <summary>
    /// Draws a grid of heat maps, each coloured through <paramref name="colorMap"/> after scaling by
    /// <paramref name="scale"/> and optionally blended over its tile's image, and returns the PNG bytes. Layout and
    /// sizing are those of <see cref="LabelledImageGrid"/>.
    /// </summary>
    /// <param name="tiles">The tiles, at least one.</param>
    /// <param name="columns">Tiles per row, at least 1.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="colorBar">Draws a colour bar at the right, labelled low/high for per-tile scales and with values for shared ones.</param>
    /// <param name="scale">How heat values map to the colour map; per tile by default.</param>
    /// <param name="colorMap">The colour map.</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <returns>A PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">An argument is out of range or a tile's length does not match its dimensions.</exception>
    public static byte[] RenderHeatmapGrid(
        IReadOnlyList<HeatmapTile> tiles,
        int columns,
        string? title,
        bool colorBar = false,
        HeatmapScale scale = HeatmapScale.PerTile,
        ColorMap colorMap = ColorMap.Jet,
        int pictureWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentChecks.AtLeast(tiles.Count, 1, $"{nameof(tiles)}.Count");
        ArgumentChecks.AtLeast(columns, 1, nameof(columns));
        ArgumentChecks.Width(pictureWidth, 64, nameof(pictureWidth));
        if (!Enum.IsDefined(scale))
        {
            throw new ArgumentException($"Argument 'scale' is not a HeatmapScale value; got {(int)scale}.", nameof(scale));
        }
        var map = MapFunction(colorMap);

        var sharedLow = float.PositiveInfinity;
        var sharedHigh = float.NegativeInfinity;
        for (var i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i] ?? throw new ArgumentException($"Argument 'tiles[{i}]' is null.", nameof(tiles));
            Validate(tile, i);
            var (lo, hi) = PixelConvert.FiniteRange(tile.Heat);
            sharedLow = Math.Min(sharedLow, lo);
            sharedHigh = Math.Max(sharedHigh, hi);
        }
        var symmetric = Math.Max(Math.Abs(sharedLow), Math.Abs(sharedHigh));
        if (symmetric == 0f)
        {
            symmetric = 1f;
        }

        var grid = new GridTile[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i];
            var (low, high) = scale switch
            {
                HeatmapScale.Shared => (sharedLow, sharedHigh),
                HeatmapScale.SharedSymmetric => (-symmetric, symmetric),
                _ => PixelConvert.FiniteRange(tile.Heat),
            };
            var unit = new float[tile.Heat.Length];
            PixelConvert.ToUnit(tile.Heat, low, high, unit);
            byte[] rgba;
            if (tile.Image is null)
            {
                rgba = PixelConvert.MapToRgba(unit, map);
            }
            else
            {
                var blended = new float[3 * unit.Length];
                Overlay(tile.Image, tile.ImageChannels, tile.Height, tile.Width, unit, tile.Alpha, blended, colorMap, normalize: false);
                rgba = PixelConvert.ChwToRgba(blended, 3, tile.Height, tile.Width);
            }
            grid[i] = new GridTile(rgba, tile.Width, tile.Height, tile.Caption ?? string.Empty, tile.Highlight);
        }

        ColorBarSpec? bar = !colorBar ? null : scale switch
        {
            HeatmapScale.Shared => ColorBarSpec.ForRange(map, sharedLow, sharedHigh),
            HeatmapScale.SharedSymmetric => ColorBarSpec.ForRange(map, -symmetric, symmetric),
            _ => new ColorBarSpec(map, "high", string.Empty, "low"),
        };
        return GridRenderer.Render(grid, columns, title, bar, pictureWidth, nameof(pictureWidth));
    }

    /// <summary>The colour map as a function.</summary>
    internal static Func<float, Rgb> MapFunction(ColorMap map) => map switch
    {
        ColorMap.Jet => Jet,
        ColorMap.Viridis => Viridis,
        ColorMap.Grey => Grey,
        ColorMap.BlueWhiteRed => BlueWhiteRed,
        _ => throw new ArgumentOutOfRangeException(nameof(map), map, $"Argument 'map' is not a ColorMap value; got {(int)map}."),
    };

    private static void Validate(HeatmapTile tile, int index)
    {
        var name = $"tiles[{index}]";
        if (tile.Height < 1 || tile.Width < 1)
        {
            throw new ArgumentException($"Argument '{name}' must be at least 1x1; got Height {tile.Height}, Width {tile.Width}.", "tiles");
        }
        if (tile.Heat is null)
        {
            throw new ArgumentException($"Argument '{name}.Heat' is null.", "tiles");
        }
        ArgumentChecks.Length(tile.Heat.Length, [tile.Height, tile.Width], "Height*Width", $"{name}.Heat", "tiles");
        if (tile.Image is not null)
        {
            if (tile.ImageChannels != 1 && tile.ImageChannels != 3)
            {
                throw new ArgumentException($"Argument '{name}.ImageChannels' must be 1 (grey) or 3 (RGB); got {tile.ImageChannels}.", "tiles");
            }
            ArgumentChecks.Length(tile.Image.Length, [tile.ImageChannels, tile.Height, tile.Width], "ImageChannels*Height*Width", $"{name}.Image", "tiles");
            if (!(tile.Alpha >= 0f && tile.Alpha <= 1f))
            {
                throw new ArgumentException($"Argument '{name}.Alpha' must be in [0, 1]; got {tile.Alpha}.", "tiles");
            }
        }
    }

    private static float Unit(float t) => float.IsNaN(t) ? 0f : Math.Clamp(t, 0f, 1f);

    /// <summary>Linear interpolation in a table of equally spaced 8-bit RGB samples covering [0, 1].</summary>
    private static Rgb Interpolate(byte[] table, float t)
    {
        var last = table.Length / 3 - 1;
        var x = t * last;
        var i = Math.Min((int)x, last - 1);
        var f = x - i;
        var a = 3 * i;
        var b = a + 3;
        return new Rgb(
            (table[a] + f * (table[b] - table[a])) / 255f,
            (table[a + 1] + f * (table[b + 1] - table[a + 1])) / 255f,
            (table[a + 2] + f * (table[b + 2] - table[a + 2])) / 255f);
    }
}
