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

    /// <summary>One block of 8 filters' frame plus one vector, so a row copy may read a whole vector from the last row.</summary>
    private static int FrameLength(in Conv2DGeometry g) => Mr * FrameColumns(g) + 16;

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
        var rows = g.ColumnRows;
        var columns = FrameColumns(g);
        var filters = PaddedFilters(g.Filters);
        var padded = scratch[..PaddedLength(g)];
        var frame = scratch.Slice(PaddedLength(g), FrameLength(g));
        CopyPadded(x, g, padded);
        Span<int> offsets = stackalloc int[rows];
        Offsets(g, offsets);
        Span<float> blockBias = stackalloc float[Mr];
        var ow = g.OutWidth;
        // Safe: packed holds filters * rows floats (PackedLength), every read of the padded image stays below
        // offsets[rows - 1] + columns <= PaddedLength (the slack covers the last step's overrun), the frame holds
        // 8 rows of columns floats, and each row copy stays inside the frame and y (CopyRow checks both ends).
        fixed (float* pw = packed, px = padded, pf = frame, pb = blockBias, py = y)
        fixed (int* po = offsets)
        {
            var fEnd = pf + frame.Length;
            var yEnd = py + g.OutputSize;
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
                for (var n = 0; n < columns; n += Nr)
                {
                    Step(rows, w, px + n, po, pf + n, columns, biasPtr, relu);
                }
                // Each block's frame goes out while it is still in L1: a frame of every filter, copied after all
                // blocks, took two thirds of seed-mnist's first layer (16 filters of 28 rows, 55 KB of frame).
                for (var k = b * Mr; k < Math.Min(g.Filters, b * Mr + Mr); k++)
                {
                    for (var oh = 0; oh < g.OutHeight; oh++)
                    {
                        CopyRow(pf + (k - b * Mr) * columns + oh * wp, fEnd, py + (k * g.OutHeight + oh) * ow, yEnd, ow);
                    }
                }
            }
        }
    }

    /// <summary>Copies image x (C, H, W) into the interior of the padded image, whose borders stay as they are (zero).</summary>
    private static void CopyPadded(ReadOnlySpan<float> x, in Conv2DGeometry g, Span<float> padded)
    {
        var wp = PaddedWidth(g);
        var hp = PaddedHeight(g);
        // Safe: each row copy reads W floats of its row of x and writes W rounded up to 16 from (c, PadTop + h,
        // PadLeft); the last ends at most 15 floats past the padded image's interior, inside the slack of Wp + 32.
        var mask = TailMask(g.Width);
        fixed (float* px = x, pp = padded)
        {
            for (var c = 0; c < g.Channels; c++)
            {
                for (var h = 0; h < g.Height; h++)
                {
                    CopyRowZeroed(px + (c * g.Height + h) * g.Width, pp + (c * hp + g.PadTop + h) * wp + g.PadLeft, g.Width, mask);
                }
            }
        }
    }

    /// <summary>offsets[r] = offset(r) for the im2col rows r = (c, kh, kw); any further entries are left as they are.</summary>
    private static void Offsets(in Conv2DGeometry g, Span<int> offsets)
    {
        var wp = PaddedWidth(g);
        var hp = PaddedHeight(g);
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
    }

    /// <summary>The lanes of the last vector of a row of <paramref name="count"/> floats that hold the row's own floats: all ones, else zero.</summary>
    private static Vector512<float> TailMask(int count) =>
        Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)(count - (count - 1) / 16 * 16)));

    /// <summary>
    /// dst[0, count) = src[0, count) and dst[count, count rounded up to 16) = 0, in whole 16-wide vectors, reading only
    /// src[0, count) (the last vector by a masked load); <paramref name="tailMask"/> is <see cref="TailMask"/>(count).
    /// Rows copied in increasing order overwrite the zeros an earlier row wrote past its end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRowZeroed(float* src, float* dst, int count, Vector512<float> tailMask)
    {
        var full = (count - 1) / 16 * 16;
        for (var j = 0; j < full; j += 16)
        {
            Vector512.Load(src + j).Store(dst + j);
        }
        Avx512F.MaskLoad(src + full, tailMask, Vector512<float>.Zero).Store(dst + full);
    }

    /// <summary>
    /// dst[0, count) = src[0, count) in 16-wide vectors. A vector that would read past <paramref name="srcEnd"/> or
    /// write past <paramref name="dstEnd"/> is copied one float at a time; otherwise the last vector also writes
    /// dst[count, count rounded up to 16) with whatever follows in src, for the next row's copy to overwrite. Rows
    /// are copied in increasing order, so those extra writes only land where a later row goes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* srcEnd, float* dst, float* dstEnd, int count)
    {
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
            Vector512.Load(src + j).Store(dst + j);
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

    /// <summary>Taps (im2col rows) a filter-gradient step takes at once, against <see cref="Mr"/> filters.</summary>
    private const int Taps = 3;

    /// <summary>
    /// Whether the filter gradient of <paramref name="g"/> runs on this path on this machine: as <see cref="Suits"/>,
    /// except that the output-gradient frame is read eight filters at a time, so only eight of its rows need to stay
    /// in L1, and the vector sums must stay within 1 MiB.
    /// </summary>
    public static bool FilterSuits(in Conv2DGeometry g) =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && g.StrideHeight == 1 && g.StrideWidth == 1 && g.Groups == 1
        && g.Filters >= Mr
        && !g.IsPointwise && g.PadTop >= 0 && g.PadLeft >= 0 && g.PadBottom >= 0 && g.PadRight >= 0
        && g.ColumnRows <= 4096 && PaddedLength(g) <= MaxScratch && Mr * GradientColumns(g) <= MaxScratch / 2
        && SumsLength(g) <= 1 << 18;

    /// <summary>Frame positions of the output gradient per filter: OH * Wp rounded up to whole vectors.</summary>
    private static int GradientColumns(in Conv2DGeometry g) => (g.OutHeight * PaddedWidth(g) + 15) / 16 * 16;

    /// <summary>Im2col rows rounded up to whole filter-gradient steps.</summary>
    private static int PaddedRows(in Conv2DGeometry g) => (g.ColumnRows + Taps - 1) / Taps * Taps;

    /// <summary>The vector sums of every step: one 16-wide vector per padded filter and padded row.</summary>
    private static int SumsLength(in Conv2DGeometry g) => PaddedFilters(g.Filters) * PaddedRows(g) * 16;

    /// <summary>One 8-filter block's output-gradient frame plus one vector, for the last row copy's whole vector.</summary>
    private static int GradientLength(in Conv2DGeometry g) => Mr * GradientColumns(g) + 16;

    /// <summary>The padded image rounded up to whole vectors, so the frame after it starts on a vector boundary.</summary>
    private static int PaddedVectors(in Conv2DGeometry g) => (PaddedLength(g) + 15) / 16 * 16;

    /// <summary>
    /// Floats of scratch a thread needs for <see cref="FilterCells"/> over <paramref name="cells"/> steps: padded image,
    /// output-gradient frame and the steps' vector sums, plus up to 15 floats skipped to start them on a 64-byte boundary.
    /// </summary>
    public static int FilterThreadLength(in Conv2DGeometry g, int cells) => 15 + PaddedVectors(g) + GradientLength(g) + cells * Mr * Taps * 16;

    /// <summary>
    /// The filter gradient's steps: 8 filters x 3 im2col rows each, in blocks of filters; threads take contiguous runs
    /// of them (<see cref="FilterCells"/>).
    /// </summary>
    public static int FilterCellCount(in Conv2DGeometry g) => PaddedFilters(g.Filters) / Mr * (PaddedRows(g) / Taps);

    /// <summary>
    /// dWeight[k, r] += sum over the batch's images and output positions of dy[n, k, oh, ow] * im2col(x[n])[r, (oh, ow)]
    /// for the filters and rows of the steps [c0, c1): the filter gradient without unfolding the images. Per image,
    /// the output gradient is copied into a frame with Wp columns per output row, zero past OW, so that
    /// <code>
    /// dWeight[k, r] += sum over frame positions f of frame[k, f] * padded[offset(r) + f]
    /// </code>
    /// a dot product of two contiguous runs. A step holds 8 filters x 3 rows of 16-wide sums in registers, loading three
    /// runs of the padded image and eight of the frame per 24 fused multiply-adds; the sums are kept per lane over the
    /// whole batch and added across lanes once at its end. Each weight's sum is taken in the same order whichever
    /// steps a call takes, so the bits do not depend on how threads share them. The scratch holds
    /// <see cref="FilterThreadLength"/>(g, c1 - c0) floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FilterCells(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in Conv2DGeometry g, int batch, int c0, int c1,
        Span<float> dWeight, Span<float> scratch)
    {
        if (!FilterSuits(g) || batch < 1 || c0 < 0 || c1 > FilterCellCount(g) || c0 >= c1 || x.Length < (long)batch * g.InputSize
            || dy.Length < (long)batch * g.OutputSize || dWeight.Length < g.WeightSize || scratch.Length < FilterThreadLength(g, c1 - c0))
        {
            throw new ArgumentException($"FilterCells needs a geometry that suits, a batch inside x and dy, steps inside 0..{FilterCellCount(g)}, {g.WeightSize} floats of dWeight and {FilterThreadLength(g, c1 - c0)} of scratch.");
        }
        var wp = PaddedWidth(g);
        var rows = g.ColumnRows;
        var paddedRows = PaddedRows(g);
        var steps = paddedRows / Taps;
        var columns = GradientColumns(g);
        // Aligned frame rows and sums keep their loads within one cache line each; so do the padded image's rows
        // when Wp is a multiple of 16.
        int skip;
        fixed (float* p = scratch)
        {
            skip = (int)((16 - ((nint)p & 63) / 4) & 15);
        }
        var padded = scratch.Slice(skip, PaddedLength(g));
        var frame = scratch.Slice(skip + PaddedVectors(g), GradientLength(g));
        var sums = scratch.Slice(skip + PaddedVectors(g) + GradientLength(g), (c1 - c0) * Mr * Taps * 16);
        // Cleared on every call: where the buffers start depends on the scratch's address.
        padded.Clear();
        frame.Clear();
        // Rows past the last one read from the start of the padded image; their sums are never used.
        Span<int> offsets = stackalloc int[paddedRows];
        offsets.Clear();
        Offsets(g, offsets);
        var ow = g.OutWidth;
        var plane = g.OutPlane;
        var mask = TailMask(ow);
        for (var n = 0; n < batch; n++)
        {
            CopyPadded(x.Slice(n * g.InputSize, g.InputSize), g, padded);
            // Safe: each row copy reads OW floats of its row of dy and writes OW rounded up to 16 from (i, oh * Wp)
            // of the frame's 8 rows; the last ends at most 15 floats past the 8th row's OH * Wp positions, inside the
            // frame's spare vector. Rows are copied in increasing order, so a copy's zero tail only lands where a later
            // row goes or on a zero column. offsets[r] + columns <= PaddedLength for every row (the slack covers the
            // last vector's overrun), and the sums hold 24 vectors per step.
            fixed (float* pd = dy, px = padded, pf = frame, ps = sums)
            fixed (int* po = offsets)
            {
                var image = pd + (nint)n * g.OutputSize;
                var block = -1;
                for (var c = c0; c < c1; c++)
                {
                    var b = c / steps;
                    if (b != block)
                    {
                        // One block of 8 filters at a time, so the frame stays in L1 with the padded image.
                        block = b;
                        var count = Math.Min(Mr, g.Filters - b * Mr);
                        for (var i = 0; i < count; i++)
                        {
                            for (var oh = 0; oh < g.OutHeight; oh++)
                            {
                                CopyRowZeroed(image + (b * Mr + i) * plane + oh * ow, pf + i * columns + oh * wp, ow, mask);
                            }
                        }
                        // In a last, partial block the rows past the last filter keep an earlier block's rows (or
                        // zeros); their sums are never used.
                    }
                    var r = c % steps * Taps;
                    FilterStep(pf, columns, px + po[r], px + po[r + 1], px + po[r + 2], columns,
                        ps + (nint)(c - c0) * Mr * Taps * 16, Taps * 16, n == 0);
                }
            }
        }
        // Safe: as above, for the sums and dWeight.
        fixed (float* ps = sums, pw = dWeight)
        {
            for (var c = c0; c < c1; c++)
            {
                var b = c / steps;
                var r0 = c % steps * Taps;
                for (var i = 0; i < Mr; i++)
                {
                    var k = b * Mr + i;
                    for (var j = 0; j < Taps; j++)
                    {
                        if (k < g.Filters && r0 + j < rows)
                        {
                            pw[k * rows + r0 + j] += Vector512.Sum(Vector512.Load(ps + ((nint)(c - c0) * Mr * Taps + i * Taps + j) * 16));
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// s[i, j] (+)= sum over f in [0, length) step 16 of d[i * ldd + f..] * xj[f..], lane by lane, for 8 filters i and
    /// 3 rows j; s[i, j] is the vector at s + i * lds + j * 16, started from zero when <paramref name="first"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FilterStep(float* d, nint ldd, float* x0, float* x1, float* x2, int length, float* s, nint lds, bool first)
    {
        Vector512<float> s00, s01, s02, s10, s11, s12, s20, s21, s22, s30, s31, s32;
        Vector512<float> s40, s41, s42, s50, s51, s52, s60, s61, s62, s70, s71, s72;
        if (first)
        {
            s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = s30 = s31 = s32 = Vector512<float>.Zero;
            s40 = s41 = s42 = s50 = s51 = s52 = s60 = s61 = s62 = s70 = s71 = s72 = Vector512<float>.Zero;
        }
        else
        {
            s00 = Vector512.Load(s); s01 = Vector512.Load(s + 16); s02 = Vector512.Load(s + 32);
            s10 = Vector512.Load(s + lds); s11 = Vector512.Load(s + lds + 16); s12 = Vector512.Load(s + lds + 32);
            s20 = Vector512.Load(s + 2 * lds); s21 = Vector512.Load(s + 2 * lds + 16); s22 = Vector512.Load(s + 2 * lds + 32);
            s30 = Vector512.Load(s + 3 * lds); s31 = Vector512.Load(s + 3 * lds + 16); s32 = Vector512.Load(s + 3 * lds + 32);
            s40 = Vector512.Load(s + 4 * lds); s41 = Vector512.Load(s + 4 * lds + 16); s42 = Vector512.Load(s + 4 * lds + 32);
            s50 = Vector512.Load(s + 5 * lds); s51 = Vector512.Load(s + 5 * lds + 16); s52 = Vector512.Load(s + 5 * lds + 32);
            s60 = Vector512.Load(s + 6 * lds); s61 = Vector512.Load(s + 6 * lds + 16); s62 = Vector512.Load(s + 6 * lds + 32);
            s70 = Vector512.Load(s + 7 * lds); s71 = Vector512.Load(s + 7 * lds + 16); s72 = Vector512.Load(s + 7 * lds + 32);
        }
        var d1 = d + ldd;
        var d2 = d + 2 * ldd;
        var d3 = d + 3 * ldd;
        var d4 = d + 4 * ldd;
        var d5 = d + 5 * ldd;
        var d6 = d + 6 * ldd;
        var d7 = d + 7 * ldd;
        for (nint f = 0; f < length; f += 16)
        {
            var b0 = Vector512.Load(x0 + f);
            var b1 = Vector512.Load(x1 + f);
            var b2 = Vector512.Load(x2 + f);
            var a = Vector512.Load(d + f);
            s00 = Vector512.FusedMultiplyAdd(a, b0, s00); s01 = Vector512.FusedMultiplyAdd(a, b1, s01); s02 = Vector512.FusedMultiplyAdd(a, b2, s02);
            a = Vector512.Load(d1 + f);
            s10 = Vector512.FusedMultiplyAdd(a, b0, s10); s11 = Vector512.FusedMultiplyAdd(a, b1, s11); s12 = Vector512.FusedMultiplyAdd(a, b2, s12);
            a = Vector512.Load(d2 + f);
            s20 = Vector512.FusedMultiplyAdd(a, b0, s20); s21 = Vector512.FusedMultiplyAdd(a, b1, s21); s22 = Vector512.FusedMultiplyAdd(a, b2, s22);
            a = Vector512.Load(d3 + f);
            s30 = Vector512.FusedMultiplyAdd(a, b0, s30); s31 = Vector512.FusedMultiplyAdd(a, b1, s31); s32 = Vector512.FusedMultiplyAdd(a, b2, s32);
            a = Vector512.Load(d4 + f);
            s40 = Vector512.FusedMultiplyAdd(a, b0, s40); s41 = Vector512.FusedMultiplyAdd(a, b1, s41); s42 = Vector512.FusedMultiplyAdd(a, b2, s42);
            a = Vector512.Load(d5 + f);
            s50 = Vector512.FusedMultiplyAdd(a, b0, s50); s51 = Vector512.FusedMultiplyAdd(a, b1, s51); s52 = Vector512.FusedMultiplyAdd(a, b2, s52);
            a = Vector512.Load(d6 + f);
            s60 = Vector512.FusedMultiplyAdd(a, b0, s60); s61 = Vector512.FusedMultiplyAdd(a, b1, s61); s62 = Vector512.FusedMultiplyAdd(a, b2, s62);
            a = Vector512.Load(d7 + f);
            s70 = Vector512.FusedMultiplyAdd(a, b0, s70); s71 = Vector512.FusedMultiplyAdd(a, b1, s71); s72 = Vector512.FusedMultiplyAdd(a, b2, s72);
        }
        s00.Store(s); s01.Store(s + 16); s02.Store(s + 32);
        s10.Store(s + lds); s11.Store(s + lds + 16); s12.Store(s + lds + 32);
        s20.Store(s + 2 * lds); s21.Store(s + 2 * lds + 16); s22.Store(s + 2 * lds + 32);
        s30.Store(s + 3 * lds); s31.Store(s + 3 * lds + 16); s32.Store(s + 3 * lds + 32);
        s40.Store(s + 4 * lds); s41.Store(s + 4 * lds + 16); s42.Store(s + 4 * lds + 32);
        s50.Store(s + 5 * lds); s51.Store(s + 5 * lds + 16); s52.Store(s + 5 * lds + 32);
        s60.Store(s + 6 * lds); s61.Store(s + 6 * lds + 16); s62.Store(s + 6 * lds + 32);
        s70.Store(s + 7 * lds); s71.Store(s + 7 * lds + 16); s72.Store(s + 7 * lds + 32);
    }
}
