using System.Runtime.CompilerServices;
using ConvKit.Kernels.Cpu.Gemm;

namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>
/// Unfolds image patches into a matrix so that a convolution becomes one GEMM (the "im2col" lowering).
/// Row r = (c * KernelHeight + kh) * KernelWidth + kw and column oh * OutWidth + ow of the matrix hold
/// image[channelStart + c, oh * StrideHeight - PadTop + kh * DilationHeight, ow * StrideWidth - PadLeft + kw * DilationWidth],
/// or zero where that position lies in the padding.
/// </summary>
public static class Im2Col
{
    /// <summary>
    /// Packs channels [channelStart, channelStart + channelCount) of one image.
    /// image (C, H, W) -> columns (channelCount * KH * KW, OH * OW), every element written.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid geometry, a channel range outside [0, Channels), or a span too short.</exception>
    public static void Pack(ReadOnlySpan<float> image, in Conv2DGeometry g, int channelStart, int channelCount, Span<float> columns)
    {
        CheckArguments(image.Length, g, channelStart, channelCount, columns.Length, nameof(image), nameof(columns));
        PackRows(image, g, channelStart, 0, channelCount * g.KernelHeight * g.KernelWidth, columns);
    }

    internal static void CheckArguments(int imageLength, in Conv2DGeometry g, int channelStart, int channelCount,
        int columnsLength, string imageName, string columnsName)
    {
        g.Validate();
        if (channelStart < 0 || channelCount < 0 || channelStart > g.Channels - channelCount)
        {
            throw new ArgumentOutOfRangeException(nameof(channelStart),
                $"Channels [{channelStart}, {channelStart} + {channelCount}) are not inside [0, {g.Channels}).");
        }
        if (imageLength < g.InputSize)
        {
            throw new ArgumentException($"{imageName} holds {imageLength} floats, a ({g.Channels}, {g.Height}, {g.Width}) image needs {g.InputSize}.", imageName);
        }
        var needed = (long)channelCount * g.KernelHeight * g.KernelWidth * g.OutPlane;
        if (columnsLength < needed)
        {
            throw new ArgumentException($"{columnsName} holds {columnsLength} floats, {channelCount} channels need {needed}.", columnsName);
        }
    }

    /// <summary>
    /// Packs matrix rows [rowStart, rowStart + rowCount) (counted from channel <paramref name="channelStart"/>) into
    /// the first rowCount * OutPlane floats of <paramref name="columns"/>. Arguments are not checked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void PackRows(ReadOnlySpan<float> image, in Conv2DGeometry g, int channelStart, int rowStart, int rowCount, Span<float> columns)
    {
        var outWidth = g.OutWidth;
        var plane = g.OutPlane;
        var strideW = g.StrideWidth;
        // Safe: callers check that image holds the (C, H, W) image and columns rowCount * OutPlane floats, and
        // ValidRange keeps every input index inside its row and every output index inside its line.
        fixed (float* src = image, dst = columns)
        {
            for (var row = 0; row < rowCount; row++)
            {
                var r = rowStart + row;
                var (c, kh, kw, ohLo, ohHi, owLo, owHi) = TapOfRow(g, channelStart, r);
                var channel = src + (nint)c * g.InPlane;
                var d = dst + (nint)row * plane;
                if (owLo >= owHi)
                {
                    ohHi = ohLo;
                }
                new Span<float>(d, ohLo * outWidth).Clear();
                new Span<float>(d + ohHi * outWidth, (g.OutHeight - ohHi) * outWidth).Clear();
                var iw0 = owLo * strideW - g.PadLeft + kw * g.DilationWidth;
                var count = owHi - owLo;
                if (strideW == 1 && outWidth == g.Width && g.StrideHeight == 1 && ohLo < ohHi)
                {
                    // Output lines and input rows have the same length and step, so the lines ohLo..ohHi of this
                    // tap are one contiguous run of the input: copy it at once (every index read lies between
                    // the first and the last valid tap position), then zero the padded ends of each line.
                    var ih0 = ohLo - g.PadTop + kh * g.DilationHeight;
                    var first = (nint)ohLo * outWidth + owLo;
                    var last = (nint)(ohHi - 1) * outWidth + owHi;
                    GemmPacking.Copy(channel + (nint)ih0 * g.Width + iw0, d + first, (int)(last - first));
                    for (var oh = ohLo; oh < ohHi; oh++)
                    {
                        var line = d + (nint)oh * outWidth;
                        for (var ow = 0; ow < owLo; ow++)
                        {
                            line[ow] = 0f;
                        }
                        for (var ow = owHi; ow < outWidth; ow++)
                        {
                            line[ow] = 0f;
                        }
                    }
                    continue;
                }
                for (var oh = ohLo; oh < ohHi; oh++)
                {
                    var ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                    var s = channel + (nint)ih * g.Width + iw0;
                    var line = d + (nint)oh * outWidth;
                    for (var ow = 0; ow < owLo; ow++)
                    {
                        line[ow] = 0f;
                    }
                    for (var ow = owHi; ow < outWidth; ow++)
                    {
                        line[ow] = 0f;
                    }
                    if (strideW == 1)
                    {
                        GemmPacking.Copy(s, line + owLo, count);
                    }
                    else
                    {
                        var o = line + owLo;
                        for (var i = 0; i < count; i++)
                        {
                            o[i] = s[(nint)i * strideW];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Column-matrix row <paramref name="r"/> (counted from channel <paramref name="channelStart"/>): its channel and
    /// kernel tap, and the output rows [OhLo, OhHi) and columns [OwLo, OwHi) whose tap reads inside the image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Channel, int KernelRow, int KernelCol, int OhLo, int OhHi, int OwLo, int OwHi) TapOfRow(in Conv2DGeometry g, int channelStart, int r)
    {
        var taps = g.KernelHeight * g.KernelWidth;
        var kh = r % taps / g.KernelWidth;
        var kw = r % taps % g.KernelWidth;
        var (ohLo, ohHi) = ValidRange(g.OutHeight, g.Height, g.StrideHeight, g.PadTop, kh * g.DilationHeight);
        var (owLo, owHi) = ValidRange(g.OutWidth, g.Width, g.StrideWidth, g.PadLeft, kw * g.DilationWidth);
        return (channelStart + r / taps, kh, kw, ohLo, ohHi, owLo, owHi);
    }

    /// <summary>
    /// The output positions [lo, hi) whose input index o * stride - pad + offset lies in [0, inLength); lo &lt;= hi.
    /// </summary>
    internal static (int Lo, int Hi) ValidRange(int outLength, int inLength, int stride, int pad, int offset)
    {
        var lo = CeilDivNonNegative(pad - offset, stride);
        var hi = CeilDivNonNegative(inLength + pad - offset, stride);
        lo = Math.Min(lo, outLength);
        hi = Math.Clamp(hi, lo, outLength);
        return (lo, hi);
    }

    /// <summary>ceil(x / d) for d &gt; 0, and 0 when x &lt;= 0.</summary>
    private static int CeilDivNonNegative(int x, int d) => x <= 0 ? 0 : (x + d - 1) / d;
}
