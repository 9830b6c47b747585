namespace ConvKit.Kernels.Cpu.Reshaping;

/// <summary>
/// Naive twins of <see cref="Padding2DCpu"/>: one loop over every output element with a bounds test. Same arguments
/// and semantics; used by the tests as the definition.
/// </summary>
public static class Padding2DReference
{
    /// <summary>See <see cref="Padding2DCpu.Pad"/>.</summary>
    public static void Pad(ReadOnlySpan<float> x, int planes, int height, int width, int top, int left, Span<float> y, int outHeight, int outWidth)
    {
        for (var p = 0; p < planes; p++)
        {
            for (var oh = 0; oh < outHeight; oh++)
            {
                for (var ow = 0; ow < outWidth; ow++)
                {
                    var (h, w) = (oh - top, ow - left);
                    var inside = h >= 0 && h < height && w >= 0 && w < width;
                    y[(p * outHeight + oh) * outWidth + ow] = inside ? x[(p * height + h) * width + w] : 0f;
                }
            }
        }
    }

    /// <summary>See <see cref="Padding2DCpu.Crop"/>.</summary>
    public static void Crop(ReadOnlySpan<float> x, int planes, int height, int width, int top, int left, Span<float> y, int outHeight, int outWidth)
    {
        for (var p = 0; p < planes; p++)
        {
            for (var oh = 0; oh < outHeight; oh++)
            {
                for (var ow = 0; ow < outWidth; ow++)
                {
                    y[(p * outHeight + oh) * outWidth + ow] = x[(p * height + top + oh) * width + left + ow];
                }
            }
        }
    }
}
