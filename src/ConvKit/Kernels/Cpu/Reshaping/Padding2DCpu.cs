using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Reshaping;

/// <summary>
/// Zero padding and cropping of the two spatial axes of <c>planes</c> independent planes (N * C for NCHW). Padding is
/// cropping's backward pass and cropping is padding's. Row copies go through <see cref="Span{T}.CopyTo"/>; nothing
/// here allocates or uses threads (the work is a memory copy).
/// </summary>
public static class Padding2DCpu
{
    /// <summary>
    /// y[p, top + h, left + w] = x[p, h, w]; every other entry of y is zero. Input (planes, H, W) -&gt; output
    /// (planes, OH, OW) with OH ≥ top + H and OW ≥ left + W. <paramref name="y"/> is OVERWRITTEN.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or offset is negative, or x does not fit inside y at the offset.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Pad(ReadOnlySpan<float> x, int planes, int height, int width, int top, int left, Span<float> y, int outHeight, int outWidth)
    {
        var (inCount, outCount) = Check(planes, height, width, top, left, outHeight, outWidth);
        SpanChecks.AtLeast(x.Length, inCount, nameof(x));
        SpanChecks.AtLeast(y.Length, outCount, nameof(y));
        y[..outCount].Clear();
        for (var p = 0; p < planes; p++)
        {
            for (var h = 0; h < height; h++)
            {
                x.Slice((p * height + h) * width, width).CopyTo(y.Slice((p * outHeight + top + h) * outWidth + left, width));
            }
        }
    }

    /// <summary>
    /// y[p, h, w] = x[p, top + h, left + w]: the (OH, OW) window of each (H, W) plane that starts at (top, left).
    /// <paramref name="y"/> is OVERWRITTEN.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or offset is negative, or the window does not fit inside x.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Crop(ReadOnlySpan<float> x, int planes, int height, int width, int top, int left, Span<float> y, int outHeight, int outWidth)
    {
        var (outCount, inCount) = Check(planes, outHeight, outWidth, top, left, height, width);
        SpanChecks.AtLeast(x.Length, inCount, nameof(x));
        SpanChecks.AtLeast(y.Length, outCount, nameof(y));
        for (var p = 0; p < planes; p++)
        {
            for (var h = 0; h < outHeight; h++)
            {
                x.Slice((p * height + top + h) * width + left, outWidth).CopyTo(y.Slice((p * outHeight + h) * outWidth, outWidth));
            }
        }
    }

    /// <summary>Checks that a (small, smallH, smallW) block placed at (top, left) fits inside (large, largeH, largeW); returns both element counts.</summary>
    private static (int Small, int Large) Check(int planes, int smallHeight, int smallWidth, int top, int left, int largeHeight, int largeWidth)
    {
        SpanChecks.NonNegative(planes, nameof(planes));
        SpanChecks.NonNegative(smallHeight, nameof(smallHeight));
        SpanChecks.NonNegative(smallWidth, nameof(smallWidth));
        SpanChecks.NonNegative(top, nameof(top));
        SpanChecks.NonNegative(left, nameof(left));
        if (top + smallHeight > largeHeight || left + smallWidth > largeWidth)
        {
            throw new ArgumentOutOfRangeException(nameof(top),
                $"A {smallHeight}x{smallWidth} block at ({top}, {left}) does not fit inside {largeHeight}x{largeWidth}.");
        }
        return (SpanChecks.Product(planes, smallHeight, smallWidth, "planes x height x width"),
            SpanChecks.Product(planes, largeHeight, largeWidth, "planes x height x width"));
    }
}
