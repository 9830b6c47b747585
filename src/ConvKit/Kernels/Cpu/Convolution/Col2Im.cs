using System.Runtime.CompilerServices;
using ConvKit.Kernels.Cpu.Gemm;

namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>
/// The adjoint of <see cref="Im2Col"/>: folds an im2col matrix back onto an image, adding each element to the
/// pixel it was read from. Elements that came from padding are dropped.
/// </summary>
public static class Col2Im
{
    /// <summary>
    /// image[channelStart + c, ih, iw] += columns[(c * KH + kh) * KW + kw, oh * OW + ow] for every tap that reads
    /// (ih, iw). columns (channelCount * KH * KW, OH * OW) -> image (C, H, W), accumulated.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid geometry, a channel range outside [0, Channels), or a span too short.</exception>
    public static void Accumulate(ReadOnlySpan<float> columns, in Conv2DGeometry g, int channelStart, int channelCount, Span<float> image)
    {
        Im2Col.CheckArguments(image.Length, g, channelStart, channelCount, columns.Length, nameof(image), nameof(columns));
        AccumulateRows(columns, g, channelStart, channelCount * g.KernelHeight * g.KernelWidth, image);
    }

    /// <summary>
    /// As <see cref="AccumulateRows"/>, but may overwrite <paramref name="columns"/>. When the output is as wide as the
    /// input with stride 1 (a 'same' convolution), a tap's lines land at one constant offset in the image, so each tap
    /// row is added as a single run: the elements that came from padding, which would wrap onto the neighbouring image
    /// row, are zeroed in the columns first. Adding +0 leaves every pixel's bits as they were (a sum that starts at +0
    /// is never -0), so the result equals <see cref="AccumulateRows"/> bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void AccumulateRowsInPlace(Span<float> columns, in Conv2DGeometry g, int channelStart, int rowCount, Span<float> image)
    {
        if (g.StrideHeight != 1 || g.StrideWidth != 1 || g.OutWidth != g.Width)
        {
            AccumulateRows(columns, g, channelStart, rowCount, image);
            return;
        }
        var width = g.Width;
        var plane = g.OutPlane;
        // Safe: callers check the spans as for AccumulateRows. The run of tap row r starts at output (ohLo, owLo) and
        // ends at (ohHi - 1, owHi - 1), which read input pixels (ihLo, iw0) and (ihHi - 1, iw0 + count - 1) inside the
        // channel; with OW = W the pixels between follow one after another, as do the column elements.
        fixed (float* src = columns, dst = image)
        {
            for (var r = 0; r < rowCount; r++)
            {
                var (c, kh, kw, ohLo, ohHi, owLo, owHi) = Im2Col.TapOfRow(g, channelStart, r);
                var count = owHi - owLo;
                if (count <= 0 || ohLo >= ohHi)
                {
                    continue;
                }
                var line = src + (nint)r * plane;
                for (var oh = ohLo; oh + 1 < ohHi; oh++)
                {
                    // Padding between the valid part of line oh and that of line oh + 1.
                    for (var ow = owHi; ow < width; ow++)
                    {
                        line[oh * width + ow] = 0f;
                    }
                    for (var ow = 0; ow < owLo; ow++)
                    {
                        line[(oh + 1) * width + ow] = 0f;
                    }
                }
                var ih0 = ohLo - g.PadTop + kh * g.DilationHeight;
                var iw0 = owLo - g.PadLeft + kw * g.DilationWidth;
                var length = (ohHi - 1 - ohLo) * width + count;
                GemmPacking.Add(line + (nint)ohLo * width + owLo, dst + (nint)c * g.InPlane + (nint)ih0 * width + iw0, length);
            }
        }
    }

    /// <summary>Accumulates the first rowCount rows (counted from channel <paramref name="channelStart"/>). Arguments are not checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void AccumulateRows(ReadOnlySpan<float> columns, in Conv2DGeometry g, int channelStart, int rowCount, Span<float> image)
    {
        var outWidth = g.OutWidth;
        var plane = g.OutPlane;
        var strideW = g.StrideWidth;
        // Safe: callers check that columns holds rowCount * OutPlane floats and image the (C, H, W) image, and
        // ValidRange keeps every index inside its line and its image row.
        fixed (float* src = columns, dst = image)
        {
            for (var r = 0; r < rowCount; r++)
            {
                var (c, kh, kw, ohLo, ohHi, owLo, owHi) = Im2Col.TapOfRow(g, channelStart, r);
                var channel = dst + (nint)c * g.InPlane;
                var iw0 = owLo * strideW - g.PadLeft + kw * g.DilationWidth;
                var count = owHi - owLo;
                for (var oh = ohLo; count > 0 && oh < ohHi; oh++)
                {
                    var ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                    var d = channel + (nint)ih * g.Width + iw0;
                    var line = src + (nint)r * plane + (nint)oh * outWidth + owLo;
                    if (strideW == 1)
                    {
                        GemmPacking.Add(line, d, count);
                    }
                    else
                    {
                        for (var i = 0; i < count; i++)
                        {
                            d[(nint)i * strideW] += line[i];
                        }
                    }
                }
            }
        }
    }
}
