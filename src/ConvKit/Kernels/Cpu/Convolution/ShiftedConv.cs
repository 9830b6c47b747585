using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>
/// Stride-1 convolution straight from a zero-padded copy of each image, without unfolding it. In the padded image
/// (C, Hp, Wp), Hp = PadTop + H + PadBottom and Wp = PadLeft + W + PadRight, output (oh, ow) of filter k is
/// <code>
/// frame[k, oh * Wp + ow] = bias[k] + sum over r = (c, kh, kw) of weight[k, r] * padded[offset(r) + oh * Wp + ow],
/// offset(r) = c * Hp * Wp + kh * DH * Wp + kw * DW
/// </code>
/// so each im2col row is a contiguous run of the padded image starting at offset(r), and the convolution is a GEMM
/// whose B rows are read in place. The frame holds Wp columns per output row; the last Wp - OW of each are
/// discarded when the frame is copied to the output. A step loads two 16-wide vectors at offset(r) and broadcasts
/// eight weights for 16 fused multiply-adds (8 filters x 32 positions), like the SGEMM microkernel, but packs only
/// the weights. Backward data is the same operation on the padded output gradient with the weights transposed and
/// flipped (<see cref="Transposed"/>). AVX-512 only; other machines keep the im2col path.
/// </summary>
internal static unsafe class ShiftedConv
{
    private const int Mr = 8;
    private const int Nr = 32;

    /// <summary>
    /// Largest padded image or frame, in floats, taken by this path. Past that the steps read the padded image from
    /// L2 instead of L1 and the packed im2col GEMM is as fast (keras-mnist-cnn's 32 -> 64 convolution on 26x26).
    /// </summary>
    private const int MaxScratch = 1 << 14;

    /// <summary>
    /// Whether <paramref name="g"/> runs on this path on this machine: stride 1, one group, at least 8 filters (fewer
    /// would waste most of each 8-filter block; a first layer's backward data has one), small enough padded images.
    /// </summary>
    public static bool Suits(in Conv2DGeometry g) =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && g.StrideHeight == 1 && g.StrideWidth == 1 && g.Groups == 1
        && g.Filters >= Mr
        && !g.IsPointwise && g.PadTop >= 0 && g.PadLeft >= 0 && g.PadBottom >= 0 && g.PadRight >= 0
        && g.ColumnRows <= 4096 && PaddedLength(g) <= MaxScratch && FrameLength(g) <= MaxScratch;

    /// <summary>The geometry of backward data as a forward convolution: dOutput (K, OH, OW) -> dInput (C, H, W).</summary>
    public static Conv2DGeometry Transposed(in Conv2DGeometry g) =>
        new(g.Filters, g.OutHeight, g.OutWidth, g.Channels, g.KernelHeight, g.KernelWidth, 1, 1,
            (g.KernelHeight - 1) * g.DilationHeight - g.PadTop, (g.KernelWidth - 1) * g.DilationWidth - g.PadLeft,
            g.DilationHeight, g.DilationWidth, g.Height, g.Width);

    private static int PaddedWidth(in Conv2DGeometry g) => g.PadLeft + g.Width + g.PadRight;

    private static int PaddedHeight(in Conv2DGeometry g) => g.PadTop + g.Height + g.PadBottom;

    /// <summary>Frame positions computed per filter: OH * Wp rounded up to whole 32-wide steps.</summary>
    private static int FrameColumns(in Conv2DGeometry g) => (g.OutHeight * PaddedWidth(g) + Nr - 1) / Nr * Nr;

    private static int PaddedFilters(int filters) => (filters + Mr - 1) / Mr * Mr;

    /// <summary>The padded image plus the slack the last step reads past it.</summary>
    private static int PaddedLength(in Conv2DGeometry g) => g.Channels * PaddedHeight(g) * PaddedWidth(g) + PaddedWidth(g) + Nr;

    /// <summary>The frame plus one vector, so a row copy may read a whole vector from the last row.</summary>
    private static int FrameLength(in Conv2DGeometry g) => PaddedFilters(g.Filters) * FrameColumns(g) + 16;

    /// <summary>Floats of packed weights, shared by all threads of a call.</summary>
    public static int PackedLength(in Conv2DGeometry g) => PaddedFilters(g.Filters) * g.ColumnRows;

    /// <summary>Floats of scratch each thread needs: its padded image and its frame.</summary>
    public static int ThreadLength(in Conv2DGeometry g) => PaddedLength(g) + FrameLength(g);

    /// <summary>
    /// Packs weight (K, CRS) in blocks of 8 filters, packed[(block * CRS + r) * 8 + i] = weight[block * 8 + i, r], zero
    /// past the last filter. With <paramref name="transposeFlip"/>, packs the weights of <see cref="Transposed"/>(g)
    /// instead: filter c, row (k, kh, kw) is weight[k, c, KH - 1 - kh, KW - 1 - kw].
    /// </summary>
    public static void PackWeights(ReadOnlySpan<float> weight, in Conv2DGeometry g, bool transposeFlip, Span<float> packed)
    {
        var taps = g.KernelHeight * g.KernelWidth;
        var filters = transposeFlip ? g.Channels : g.Filters;
        var inner = transposeFlip ? g.Filters : g.Channels;
        var rows = inner * taps;
        var blocks = PaddedFilters(filters) / Mr;
        for (var b = 0; b < blocks; b++)
        {
            for (var r = 0; r < rows; r++)
            {
                var dst = packed.Slice((b * rows + r) * Mr, Mr);
                for (var i = 0; i < Mr; i++)
                {
                    var f = b * Mr + i;
                    if (f >= filters)
                    {
                        dst[i] = 0f;
                    }
                    else if (!transposeFlip)
                    {
                        dst[i] = weight[f * rows + r];
                    }
                    else
                    {
                        // Row r of the transposed geometry is (k, tap) over the output gradient's channels k.
                        var k = r / taps;
                        var tap = taps - 1 - r % taps;
                        dst[i] = weight[(k * g.Channels + f) * taps + tap];
                    }
                }
            }
        }
    }

    /// <summary>Zeroes a thread's padded image, borders included; <see cref="Image"/> then only writes its interior.</summary>
    public static void ClearPadded(in Conv2DGeometry g, Span<float> scratch) => scratch[..PaddedLength(g)].Clear();

    /// <summary>
    /// One image: x (C, H, W) -> y (K, OH, OW), overwritten, then max(0, y) when <paramref name="relu"/>. The scratch
    /// (<see cref="ThreadLength"/> floats) must have been cleared by <see cref="ClearPadded"/> for this geometry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Image(ReadOnlySpan<float> x, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, in Conv2DGeometry g,
        Span<float> y, Span<float> scratch, bool relu)
    {
        var wp = PaddedWidth(g);
        var hp = PaddedHeight(g);
        var rows = g.ColumnRows;
        var columns = FrameColumns(g);
        var filters = PaddedFilters(g.Filters);
        var padded = scratch[..PaddedLength(g)];
        var frame = scratch.Slice(PaddedLength(g), FrameLength(g));
        // Safe: every row copy stays inside x and padded (CopyRow checks both ends).
        fixed (float* px = x, pp = padded)
        {
            var xEnd = px + g.InputSize;
            var pEnd = pp + padded.Length;
            for (var c = 0; c < g.Channels; c++)
            {
                for (var h = 0; h < g.Height; h++)
                {
                    CopyRow(px + (c * g.Height + h) * g.Width, xEnd, pp + (c * hp + g.PadTop + h) * wp + g.PadLeft, pEnd, g.Width, zeroTail: true);
                }
            }
        }
        Span<int> offsets = stackalloc int[rows];
        var r = 0;
        for (var c = 0; c < g.Channels; c++)
        {
            for (var kh = 0; kh < g.KernelHeight; kh++)
            {
                for (var kw = 0; kw < g.KernelWidth; kw++)
                {
                    offsets[r++] = (c * hp + kh * g.DilationHeight) * wp + kw * g.DilationWidth;
                }
            }
        }
        Span<float> blockBias = stackalloc float[Mr];
        // Safe: packed holds filters * rows floats (PackedLength), every read of the padded image stays below
        // offsets[rows - 1] + columns <= PaddedLength (the slack covers the last step's overrun), and the frame
        // holds filters rows of columns floats.
        fixed (float* pw = packed, px = padded, pf = frame, pb = blockBias)
        fixed (int* po = offsets)
        {
            for (var b = 0; b < filters / Mr; b++)
            {
                float* biasPtr = null;
                if (!bias.IsEmpty)
                {
                    for (var i = 0; i < Mr; i++)
                    {
                        var f = b * Mr + i;
                        pb[i] = f < g.Filters ? bias[f] : 0f;
                    }
                    biasPtr = pb;
                }
                var w = pw + (nint)b * rows * Mr;
                var c = pf + (nint)b * Mr * columns;
                for (var n = 0; n < columns; n += Nr)
                {
                    Step(rows, w, px + n, po, c + n, columns, biasPtr, relu);
                }
            }
        }
        var ow = g.OutWidth;
        // Safe: as above, for the frame and y.
        fixed (float* pf = frame, py = y)
        {
            var fEnd = pf + frame.Length;
            var yEnd = py + g.OutputSize;
            for (var k = 0; k < g.Filters; k++)
            {
                for (var oh = 0; oh < g.OutHeight; oh++)
                {
                    CopyRow(pf + k * columns + oh * wp, fEnd, py + (k * g.OutHeight + oh) * ow, yEnd, ow, zeroTail: false);
                }
            }
        }
    }

    /// <summary>
    /// dst[0, count) = src[0, count) in 16-wide vectors. A vector that would read past <paramref name="srcEnd"/> or
    /// write past <paramref name="dstEnd"/> is copied one float at a time; otherwise the last vector also writes
    /// dst[count, count rounded up to 16): zeros with <paramref name="zeroTail"/>, else whatever follows in src, for
    /// the next row's copy to overwrite. Rows are copied in increasing order, so those extra writes only land where
    /// a later row (or a zero border) goes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* srcEnd, float* dst, float* dstEnd, int count, bool zeroTail)
    {
        var iota = Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (var j = 0; j < count; j += 16)
        {
            if (src + j + 16 > srcEnd || dst + j + 16 > dstEnd)
            {
                for (var i = j; i < count; i++)
                {
                    dst[i] = src[i];
                }
                return;
            }
            var v = Vector512.Load(src + j);
            if (zeroTail && count - j < 16)
            {
                v = Vector512.ConditionalSelect(Vector512.LessThan(iota, Vector512.Create((float)(count - j))), v, Vector512<float>.Zero);
            }
            v.Store(dst + j);
        }
    }

    /// <summary>Eight filters x 32 frame positions: c[i, 0..32) = bias[i] + sum over r of w[r * 8 + i] * x[offsets[r] + 0..32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Step(int rows, float* w, float* x, int* offsets, float* c, nint ldc, float* bias, bool relu)
    {
        var c00 = Vector512<float>.Zero;
        var c01 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero;
        var c11 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero;
        var c21 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero;
        var c31 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero;
        var c41 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero;
        var c51 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero;
        var c61 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero;
        var c71 = Vector512<float>.Zero;
        if (bias is not null)
        {
            c00 = c01 = Vector512.Create(bias[0]);
            c10 = c11 = Vector512.Create(bias[1]);
            c20 = c21 = Vector512.Create(bias[2]);
            c30 = c31 = Vector512.Create(bias[3]);
            c40 = c41 = Vector512.Create(bias[4]);
            c50 = c51 = Vector512.Create(bias[5]);
            c60 = c61 = Vector512.Create(bias[6]);
            c70 = c71 = Vector512.Create(bias[7]);
        }
        for (var r = 0; r < rows; r++)
        {
            var b = x + offsets[r];
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(w[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(w[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(w[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(w[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(w[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(w[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(w[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(w[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            w += Mr;
        }
        if (relu)
        {
            var zero = Vector512<float>.Zero;
            c00 = Vector512.Max(c00, zero);
            c01 = Vector512.Max(c01, zero);
            c10 = Vector512.Max(c10, zero);
            c11 = Vector512.Max(c11, zero);
            c20 = Vector512.Max(c20, zero);
            c21 = Vector512.Max(c21, zero);
            c30 = Vector512.Max(c30, zero);
            c31 = Vector512.Max(c31, zero);
            c40 = Vector512.Max(c40, zero);
            c41 = Vector512.Max(c41, zero);
            c50 = Vector512.Max(c50, zero);
            c51 = Vector512.Max(c51, zero);
            c60 = Vector512.Max(c60, zero);
            c61 = Vector512.Max(c61, zero);
            c70 = Vector512.Max(c70, zero);
            c71 = Vector512.Max(c71, zero);
        }
        c00.Store(c);
        c01.Store(c + 16);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
        c60.Store(c + 6 * ldc);
        c61.Store(c + 6 * ldc + 16);
        c70.Store(c + 7 * ldc);
        c71.Store(c + 7 * ldc + 16);
    }
}
