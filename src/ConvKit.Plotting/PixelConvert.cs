namespace ConvKit.Plotting;

/// <summary>Conversions from float images to the 8-bit RGBA tiles the grid draws.</summary>
internal static class PixelConvert
{
    /// <summary>
    /// (C, H, W) floats in [0, 1] (clamped; NaN as 0), C = 1 (grey) or 3 (RGB), to opaque RGBA bytes, row-major (H, W, 4).
    /// </summary>
    public static byte[] ChwToRgba(ReadOnlySpan<float> chw, int channels, int height, int width)
    {
        var plane = height * width;
        var rgba = new byte[plane * 4];
        for (var i = 0; i < plane; i++)
        {
            var r = Rgb.ToByte(chw[i]);
            rgba[4 * i] = r;
            rgba[4 * i + 1] = channels == 3 ? Rgb.ToByte(chw[plane + i]) : r;
            rgba[4 * i + 2] = channels == 3 ? Rgb.ToByte(chw[2 * plane + i]) : r;
            rgba[4 * i + 3] = 255;
        }
        return rgba;
    }

    /// <summary>Values (H, W) already scaled to [0, 1] through a colour map to opaque RGBA bytes.</summary>
    public static byte[] MapToRgba(ReadOnlySpan<float> unit, Func<float, Rgb> map)
    {
        var rgba = new byte[unit.Length * 4];
        for (var i = 0; i < unit.Length; i++)
        {
            var (r, g, b) = map(unit[i]).ToBytes();
            rgba[4 * i] = r;
            rgba[4 * i + 1] = g;
            rgba[4 * i + 2] = b;
            rgba[4 * i + 3] = 255;
        }
        return rgba;
    }

    /// <summary>The smallest and largest finite values; (0, 0) when there are none.</summary>
    public static (float Min, float Max) FiniteRange(ReadOnlySpan<float> values)
    {
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        return min <= max ? (min, max) : (0f, 0f);
    }

    /// <summary>
    /// Scales <paramref name="values"/> linearly so <paramref name="low"/> maps to 0 and <paramref name="high"/> to 1,
    /// clamped; non-finite values map to 0, and a zero-width range maps everything to 0.
    /// </summary>
    public static void ToUnit(ReadOnlySpan<float> values, float low, float high, Span<float> destination)
    {
        var range = high - low;
        var scale = range > 0 && float.IsFinite(range) ? 1f / range : 0f;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            destination[i] = float.IsFinite(v) ? Math.Clamp((v - low) * scale, 0f, 1f) : 0f;
        }
    }
}
