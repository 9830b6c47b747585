using System.Numerics.Tensors;

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

    /// <summary>Accumulates the first rowCount rows (counted from channel <paramref name="channelStart"/>). Arguments are not checked.</summary>
    internal static void AccumulateRows(ReadOnlySpan<float> columns, in Conv2DGeometry g, int channelStart, int rowCount, Span<float> image)
    {
        var taps = g.KernelHeight * g.KernelWidth;
        var outWidth = g.OutWidth;
        var plane = g.OutPlane;
        for (var r = 0; r < rowCount; r++)
        {
            var c = channelStart + r / taps;
            var kh = r % taps / g.KernelWidth;
            var kw = r % taps % g.KernelWidth;
            var channel = image.Slice(c * g.InPlane, g.InPlane);
            var src = columns.Slice(r * plane, plane);
            var (ohLo, ohHi) = Im2Col.ValidRange(g.OutHeight, g.Height, g.StrideHeight, g.PadTop, kh * g.DilationHeight);
            var (owLo, owHi) = Im2Col.ValidRange(outWidth, g.Width, g.StrideWidth, g.PadLeft, kw * g.DilationWidth);
            if (owLo >= owHi)
            {
                continue;
            }
            var iw0 = owLo * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
            var count = owHi - owLo;
            for (var oh = ohLo; oh < ohHi; oh++)
            {
                var ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                var dst = channel.Slice(ih * g.Width, g.Width);
                var line = src.Slice(oh * outWidth + owLo, count);
                if (g.StrideWidth == 1)
                {
                    var d = dst.Slice(iw0, count);
                    TensorPrimitives.Add(d, line, d);
                }
                else
                {
                    var stride = g.StrideWidth;
                    for (int i = 0, iw = iw0; i < line.Length; i++, iw += stride)
                    {
                        dst[iw] += line[i];
                    }
                }
            }
        }
    }
}
