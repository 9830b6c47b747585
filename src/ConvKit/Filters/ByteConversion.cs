namespace ConvKit.Filters;

/// <summary>
/// Explicit conversions from float filter output to 8-bit pixels. Filters produce floats so that negative and
/// large responses survive; turning them into an image is a choice, made here. Rounding is to the nearest
/// integer, ties to even, like OpenCV's <c>saturate_cast&lt;uchar&gt;</c>; NaN becomes 0.
/// </summary>
public static class ByteConversion
{
    /// <summary><c>dst[i] = clamp(round(src[i] · scale + offset), 0, 255)</c>, as OpenCV's <c>convertTo(CV_8U, scale, offset)</c>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Saturate(ReadOnlySpan<float> source, Span<byte> destination, float scale = 1, float offset = 0)
    {
        CheckLengths(source, destination);
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = ToByte(source[i] * scale + offset);
        }
    }

    /// <summary><c>dst[i] = clamp(round(|src[i] · scale + offset|), 0, 255)</c>, as OpenCV's <c>convertScaleAbs</c>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Absolute(ReadOnlySpan<float> source, Span<byte> destination, float scale = 1, float offset = 0)
    {
        CheckLengths(source, destination);
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = ToByte(MathF.Abs(source[i] * scale + offset));
        }
    }

    /// <summary>
    /// Min-max stretch over the whole span: <c>dst[i] = round((src[i] − min) · 255 / (max − min))</c>, all 0 when
    /// max = min, as OpenCV's <c>normalize(src, dst, 0, 255, NORM_MINMAX, CV_8U)</c>. Non-finite values are
    /// ignored for the range and become 0.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Normalize(ReadOnlySpan<float> source, Span<byte> destination)
    {
        CheckLengths(source, destination);
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var v in source)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        var scale = max - min > double.Epsilon ? 255.0 / (max - min) : 0.0;
        var shift = double.IsFinite(min) ? -min * scale : 0.0;
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = float.IsFinite(source[i]) ? ToByte((float)(source[i] * scale + shift)) : (byte)0;
        }
    }

    /// <summary>Converts with <paramref name="mode"/>; <paramref name="scale"/> applies to saturate and absolute (255 for images in [0, 1]).</summary>
    public static void Convert(ReadOnlySpan<float> source, Span<byte> destination, ByteConversionMode mode, float scale = 1)
    {
        switch (mode)
        {
            case ByteConversionMode.Saturate:
                Saturate(source, destination, scale);
                break;
            case ByteConversionMode.Absolute:
                Absolute(source, destination, scale);
                break;
            case ByteConversionMode.Normalize:
                Normalize(source, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown byte conversion.");
        }
    }

    /// <summary>Round half to even, then clip to [0, 255]; NaN gives 0.</summary>
    public static byte ToByte(float value)
    {
        if (!(value > 0))
        {
            return 0;
        }
        if (value >= 255)
        {
            return 255;
        }
        return (byte)MathF.Round(value, MidpointRounding.ToEven);
    }

    private static void CheckLengths(ReadOnlySpan<float> source, ReadOnlySpan<byte> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"Source has {source.Length} values but the destination {destination.Length}.", nameof(destination));
        }
    }
}
