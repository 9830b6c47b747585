using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>
/// Stride-1 3x3 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016). Each 2x2 output tile is computed from a 4x4 input patch d as
/// <code>
/// Y = A^T [ sum over c of (G g[k, c] G^T) .* (B^T d[c] B) ] A
/// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]   A^T = [1 1 1 0; 0 1 -1 -1]
/// </code>
/// so the 36 multiply-adds per channel of a 2x2 tile become 16, one per element e of the 4x4 transformed tile: for
/// each e, the filters' transformed weights U[e] (K x C) times the transformed patches V[e] (C x tiles) is a GEMM
/// with the channels as its depth. Tiles are taken a block of 48 at a time, in order across tile rows and images, so a
/// step of the 8-filter x 48-tile kernel covers a block, no lanes are left empty by rows of 13 to 15 tiles, and the
/// block's V and 4x4 results stay in the core's caches. The
/// input transform works on whole padded rows (two 16-wide vectors, zero outside the image) and picks each tile's
/// columns with two-register permutes; the output transform adds the bias, applies ReLU if asked and interleaves
/// each tile row's two output columns back into rows with masked stores, so partial tiles (odd output sizes) write
/// only what exists. Backward data is the same convolution on the output gradient with the weights transposed and
/// flipped (<see cref="ShiftedConv.Transposed"/>). AVX-512 only; other machines keep the im2col path.
/// </summary>
/// <remarks>
/// Every tile's arithmetic is the same whichever block or thread computes it, so the bits do not depend on the
/// thread count. The transforms change the rounding, not the precision class: errors stay within a few units in the
/// last place of the sum of |terms|, like a GEMM's.
/// </remarks>
internal static unsafe class WinogradConv
{
    private const int Mr = 8;
    private const int Nr = 48;

    /// <summary>
    /// Floats per (e, c) row of a block's transformed patches. A tile row's 16-wide store may run past the row's last
    /// tile into the next row, which is written later; after the last channel it runs into the slack of <see cref="EStride"/>.
    /// </summary>
    private const int VRow = Nr;

    /// <summary>
    /// Floats per row of a block's output tiles: 48 tiles plus a vector of slack for the 16-wide loads of a tile row. The
    /// four rows have a vector of slack before them too, for a row that starts in the previous block.
    /// </summary>
    private const int YRow = Nr + 16;

    /// <summary>
    /// Whether <paramref name="g"/> runs on this path on this machine: 3x3, stride 1, no dilation, one group, padding
    /// of at most 2 on each side, at least 8 filters and 16 channels (fewer leave the transforms costing as much as the
    /// GEMM they save) and at most 30 output columns, so a tile row's 4x4 patches lie in two 16-wide vectors.
    /// </summary>
    public static bool Suits(in Conv2DGeometry g) =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported
        && g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideHeight == 1 && g.StrideWidth == 1
        && g.DilationHeight == 1 && g.DilationWidth == 1 && g.Groups == 1
        && g.Filters >= Mr && g.Channels >= 16 && g.Channels <= 1024
        && g.PadTop is >= 0 and <= 2 && g.PadLeft is >= 0 and <= 2 && g.PadBottom is >= 0 and <= 2 && g.PadRight is >= 0 and <= 2
        && g.OutWidth <= 30;

    private static int TileWidth(in Conv2DGeometry g) => (g.OutWidth + 1) / 2;

    private static int TileHeight(in Conv2DGeometry g) => (g.OutHeight + 1) / 2;

    private static int FilterBlocks(in Conv2DGeometry g) => (g.Filters + Mr - 1) / Mr;

    /// <summary>
    /// Blocks in a batch: the batch's tiles in order (tile rows of consecutive images one after another), 48 at a time,
    /// so a block may start and end inside a tile row and only the batch's last block has empty lanes.
    /// </summary>
    public static int Blocks(in Conv2DGeometry g, int batch) => (int)(((long)batch * TileHeight(g) * TileWidth(g) + Nr - 1) / Nr);

    /// <summary>
    /// Block <paramref name="block"/>'s tiles [t0, t1) in batch order and the tile rows [first, last) they lie in; the
    /// first row may start before t0 and the last end after t1.
    /// </summary>
    private static (long T0, long T1, int First, int Last) BlockTiles(in Conv2DGeometry g, int batch, int block)
    {
        var tw = TileWidth(g);
        var t0 = (long)block * Nr;
        var t1 = Math.Min(t0 + Nr, (long)batch * TileHeight(g) * tw);
        return (t0, t1, (int)(t0 / tw), (int)((t1 + tw - 1) / tw));
    }

    /// <summary>The most units of work <paramref name="blocks"/> blocks can be split into: one per filter block of each.</summary>
    public static int MostUnits(in Conv2DGeometry g, int blocks) => (int)Math.Min(int.MaxValue, (long)blocks * FilterBlocks(g));

    /// <summary>
    /// Parts the filter blocks of each block of tiles are split into when <paramref name="threads"/> share
    /// <paramref name="blocks"/> blocks: 1 when there are blocks enough to share evenly, otherwise the count (up to the
    /// filter blocks) that leaves the busiest thread the least work, fewest parts first. A part repeats its block's input
    /// transform, which is small beside its GEMM. keras-mnist-cnn's 32 -> 64 layer on one image is 3 blocks: on 2
    /// threads, 2 parts make 6 units of equal size.
    /// </summary>
    public static int Parts(in Conv2DGeometry g, int blocks, int threads)
    {
        if (threads <= 1 || blocks >= 8 * threads)
        {
            return 1;
        }
        // The busiest thread's work in blocks is units / parts, units = ceil(blocks x parts / threads); compared as
        // fractions by cross-multiplying.
        var best = 1;
        long bestUnits = (blocks + threads - 1) / threads;
        for (var parts = 2; parts <= FilterBlocks(g); parts++)
        {
            var units = ((long)blocks * parts + threads - 1) / threads;
            if (units * best < bestUnits * parts)
            {
                best = parts;
                bestUnits = units;
            }
        }
        return best;
    }

    /// <summary>Floats of transformed weights, shared by all threads of a call: 16 x (filters rounded up to 8) x channels, plus slack.</summary>
    public static int PackedLength(in Conv2DGeometry g) => 16 * UStride(g);

    /// <summary>
    /// Floats between the transformed weights of consecutive e: one cache line more than they take, so the 16 values of
    /// one (filter, channel) pair are not stored to one set of the L1 cache (the plain size is a multiple of 4 KiB).
    /// </summary>
    private static int UStride(in Conv2DGeometry g) => FilterBlocks(g) * Mr * g.Channels + 16;

    /// <summary>
    /// Floats between the transformed patches of consecutive e: one cache line more than the channels' rows, so the
    /// input transform's 16 stores per row do not all land in one set of the L1 cache.
    /// </summary>
    private static int EStride(in Conv2DGeometry g) => g.Channels * VRow + 16;

    private static int VLength(in Conv2DGeometry g) => 16 * EStride(g);

    private const int MLength = 16 * Mr * Nr;

    private const int YLength = 16 + 4 * YRow;

    /// <summary>Floats of scratch each thread needs: its block's transformed patches, 4x4 results and output tiles.</summary>
    public static int ThreadLength(in Conv2DGeometry g) => VLength(g) + MLength + YLength;

    /// <summary>
    /// U[e] = G g G^T for every filter and channel, laid out packed[e * UStride + (block * C + c) * 8 + i] for
    /// filter block * 8 + i (zero past the last filter). With <paramref name="transposeFlip"/>, transforms the weights of
    /// <see cref="ShiftedConv.Transposed"/>(g) instead: filter c, channel k is weight[k, c] turned by 180 degrees.
    /// </summary>
    public static void TransformWeights(ReadOnlySpan<float> weight, in Conv2DGeometry g, bool transposeFlip, Span<float> packed)
    {
        var run = transposeFlip ? ShiftedConv.Transposed(g) : g;
        var filters = run.Filters;
        var channels = run.Channels;
        if (weight.Length < g.WeightSize || packed.Length < PackedLength(run))
        {
            throw new ArgumentException("Winograd weights: a span is too short for the geometry.");
        }
        packed[..PackedLength(run)].Clear();
        // Safe: w reads the 9 taps of one (filter, channel) pair of weight, and the stores land at
        // e * UStride + (f / 8 * channels + c) * 8 + f % 8 < PackedLength, both checked above.
        fixed (float* pw = weight, pp = packed)
        {
            var eStride = (nint)UStride(run);
            // Filters of a block innermost, so each e's values are stored to consecutive floats.
            for (var f0 = 0; f0 < filters; f0 += Mr)
            {
                for (var c = 0; c < channels; c++)
                {
                    for (var f = f0; f < Math.Min(f0 + Mr, filters); f++)
                    {
                        // transposeFlip: filter f, channel c of the transposed geometry is weight[c, f] turned by 180 degrees.
                        var w = transposeFlip ? pw + (c * g.Channels + f) * 9 : pw + (f * g.Channels + c) * 9;
                        float w0, w1, w2, w3, w4, w5, w6, w7, w8;
                        if (transposeFlip)
                        {
                            (w0, w1, w2, w3, w4, w5, w6, w7, w8) = (w[8], w[7], w[6], w[5], w[4], w[3], w[2], w[1], w[0]);
                        }
                        else
                        {
                            (w0, w1, w2, w3, w4, w5, w6, w7, w8) = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]);
                        }
                        var dst = pp + ((nint)(f / Mr) * channels + c) * Mr + f % Mr;
                        // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 of the 3x3 g, then each row times G^T.
                        Row4(w0, w1, w2, dst, eStride);
                        Row4(0.5f * (w0 + w3 + w6), 0.5f * (w1 + w4 + w7), 0.5f * (w2 + w5 + w8), dst + 4 * eStride, eStride);
                        Row4(0.5f * (w0 - w3 + w6), 0.5f * (w1 - w4 + w7), 0.5f * (w2 - w5 + w8), dst + 8 * eStride, eStride);
                        Row4(w6, w7, w8, dst + 12 * eStride, eStride);
                    }
                }

            }
        }
    }

    /// <summary>The row (a, b, d) of G g times G^T: a, (a + b + d) / 2, (a - b + d) / 2, d, stored eStride apart (four e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row4(float a, float b, float d, float* dst, nint eStride)
    {
        dst[0] = a;
        dst[eStride] = 0.5f * (a + b + d);
        dst[2 * eStride] = 0.5f * (a - b + d);
        dst[3 * eStride] = d;
    }

    /// <summary>
    /// Units [<paramref name="start"/>, <paramref name="end"/>) of x (batch, C, H, W) -> y (batch, K, OH, OW), unit u being
    /// part u % <paramref name="parts"/> of the filter blocks over block u / parts of tiles (<see cref="Parts"/>):
    /// writes exactly those filters' output rows of those blocks' tiles, then max(0, y) there when
    /// <paramref name="relu"/>. With
    /// <paramref name="keep"/> (batch, K, OH, OW), each output is kept only where keep is above 0 and is 0 elsewhere:
    /// the backward pass of a ReLU whose output is keep, in the same pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, in Conv2DGeometry g, int batch,
        Span<float> y, int start, int end, Span<float> scratch, bool relu, ReadOnlySpan<float> keep = default, int parts = 1)
    {
        if ((long)x.Length < (long)batch * g.InputSize || (long)y.Length < (long)batch * g.OutputSize || packed.Length < PackedLength(g)
            || scratch.Length < ThreadLength(g) || (!bias.IsEmpty && bias.Length < g.Filters) || parts < 1 || parts > FilterBlocks(g)
            || start < 0 || end > (long)Blocks(g, batch) * parts
            || (!keep.IsEmpty && (long)keep.Length < (long)batch * g.OutputSize))
        {
            throw new ArgumentException("Winograd convolution: a span is too short for the geometry and batch.");
        }
        scratch[..ThreadLength(g)].Clear();
        // Safe: the loads of the input are masked to the image's columns and made only for rows inside it, the stores
        // of the output are masked to the block's own columns and made only for rows inside it, and the scratch reads
        // and writes stay inside the lengths checked above (each V row and each output tile row has a vector of slack,
        // and the output tile rows one before them); the loads of keep are masked as the stores are.
        fixed (float* px = x, pu = packed, pb = bias, py = y, ps = scratch, pk = keep)
        {
            var k = keep.IsEmpty ? null : pk;
            var v = ps;
            var m = v + VLength(g);
            var ys = m + MLength + 16;
            var transformed = -1;
            var narrow = IsNarrow(g);
            for (var u = start; u < end; u++)
            {
                var b = u / parts;
                var part = u % parts;
                if (b != transformed)
                {
                    if (narrow)
                    {
                        InputTransformNarrow(px, g, batch, b, v);
                    }
                    else
                    {
                        InputTransform(px, g, batch, b, v);
                    }
                    transformed = b;
                }
                var kbEnd = (part + 1) * FilterBlocks(g) / parts;
                for (var kb = part * FilterBlocks(g) / parts; kb < kbEnd; kb++)
                {
                    for (var e = 0; e < 16; e++)
                    {
                        Step(g.Channels, pu + (nint)e * UStride(g) + (nint)kb * g.Channels * Mr, v + (nint)e * EStride(g), m + e * Mr * Nr);
                    }
                    OutputTransform(m, ys, bias.IsEmpty ? null : pb, g, batch, b, kb, py, relu, k);
                }
            }
        }
    }

    /// <summary>
    /// V[e, c, t - 48 * block] = (B^T d B)[e] for the 4x4 patch of channel c under the block's tile t (tile row t / TW,
    /// column t % TW). Each tile row it touches is transformed whole and stored at its first tile's lane, in row order,
    /// so a row's 16-wide store past its last tile is overwritten by the next row; a row that starts before the block
    /// has its lanes shifted down by the column permutes instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void InputTransform(float* x, in Conv2DGeometry g, int batch, int block, float* v)
    {
        var tw = TileWidth(g);
        var th = TileHeight(g);
        var (t0, _, first, last) = BlockTiles(g, batch, block);
        var lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var left = Vector512.Create(g.PadLeft);
        var right = Vector512.Create(g.PadLeft + g.Width);
        var maskLo = (Vector512.GreaterThanOrEqual(lanes, left) & Vector512.LessThan(lanes, right)).AsSingle();
        var lanesHi = lanes + Vector512.Create(16);
        var maskHi = (Vector512.GreaterThanOrEqual(lanesHi, left) & Vector512.LessThan(lanesHi, right)).AsSingle();
        var even0 = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        // The first row's column picks start at its first tile in the block; lanes past its 16 columns wrap and hold
        // values the next row overwrites.
        var shift = Vector512.Create(2 * (int)(t0 - (long)first * tw));
        var column = Vector512.Create(31);
        var firstEven0 = (even0 + shift) & column;
        var firstOdd0 = (even0 + shift + Vector512.Create(1)) & column;
        var firstEven1 = (even0 + shift + Vector512.Create(2)) & column;
        var firstOdd1 = (even0 + shift + Vector512.Create(3)) & column;
        var odd0 = even0 + Vector512.Create(1);
        var even1 = (even0 + Vector512.Create(2)) & column;
        var odd1 = (even0 + Vector512.Create(3)) & column;
        var plane = (nint)g.Height * g.Width;
        var eStride = (nint)EStride(g);
        // Channel by channel, so each (e, c) row of V is written by consecutive stores while its lines are in L1.
        for (var c = 0; c < g.Channels; c++)
        {
            var channel = x + c * plane - g.PadLeft;
            var dst = v + (nint)c * VRow;
            for (var q = first; q < last; q++)
            {
                var n = q / th;
                var top = 2 * (q - n * th) - g.PadTop;
                var image = channel + (nint)n * g.InputSize;
                Row(image, top, g, maskLo, maskHi, out var d0l, out var d0h);
                Row(image, top + 1, g, maskLo, maskHi, out var d1l, out var d1h);
                Row(image, top + 2, g, maskLo, maskHi, out var d2l, out var d2h);
                Row(image, top + 3, g, maskLo, maskHi, out var d3l, out var d3h);
                var lane = dst + Math.Max(0, (nint)q * tw - (nint)t0);
                var (e0, o0, e1, o1) = q == first ? (firstEven0, firstOdd0, firstEven1, firstOdd1) : (even0, odd0, even1, odd1);
                Columns(d0l - d2l, d0h - d2h, e0, o0, e1, o1, lane, eStride);
                Columns(d1l + d2l, d1h + d2h, e0, o0, e1, o1, lane + 4 * eStride, eStride);
                Columns(d2l - d1l, d2h - d1h, e0, o0, e1, o1, lane + 8 * eStride, eStride);
                Columns(d1l - d3l, d1h - d3h, e0, o0, e1, o1, lane + 12 * eStride, eStride);
            }
        }
    }

    /// <summary>
    /// Whether a tile row's padded columns fit one 16-wide vector (at most 7 tiles a row, as on seed-mnist's 14x14
    /// layer), so that two tile rows can share the column transform's vectors.
    /// </summary>
    private static bool IsNarrow(in Conv2DGeometry g) => 2 * TileWidth(g) + 2 <= 16;

    /// <summary>
    /// <see cref="InputTransform"/> for narrow rows (the callers choose between them): tile rows two at a time, lanes
    /// [0, TW) from the first and [TW, 2 TW) from the second, stored at the first's lane, which halves the permutes,
    /// additions and stores. A first row that starts before the block, and a last row without a partner, go alone. Each
    /// element is computed by the same operations as on the general path, so the bits are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputTransformNarrow(float* x, in Conv2DGeometry g, int batch, int block, float* v)
    {
        var tw = TileWidth(g);
        var th = TileHeight(g);
        var (t0, _, first, last) = BlockTiles(g, batch, block);
        var lanes = Vector512<int>.Indices;
        var mask = (Vector512.GreaterThanOrEqual(lanes, Vector512.Create(g.PadLeft)) & Vector512.LessThan(lanes, Vector512.Create(g.PadLeft + g.Width))).AsSingle();
        var column = Vector512.Create(31);
        var one = Vector512<int>.One;
        var two = Vector512.Create(2);
        var three = Vector512.Create(3);
        // A row alone: lane k picks padded column 2k (+ 1, 2, 3), shifted to the block's first tile for a row that
        // starts before it; lanes past the row's tiles hold values the next row overwrites.
        var shiftCount = 2 * (int)(t0 - (long)first * tw);
        var even0 = (lanes << 1) + Vector512.Create(shiftCount);
        var (aloneE0, aloneO0, aloneE1, aloneO1) = (even0 & column, (even0 + one) & column, (even0 + two) & column, (even0 + three) & column);
        even0 = lanes << 1;
        var (singleE0, singleO0, singleE1, singleO1) = (even0, even0 + one, even0 + two, even0 + three);
        // A pair: lanes [TW, 2 TW) pick from the second row's vector (vpermt2ps indices 16 and up).
        var second = Vector512.GreaterThanOrEqual(lanes, Vector512.Create(tw));
        var pick = ((lanes - (second & Vector512.Create(tw))) << 1) + (second & Vector512.Create(16));
        var (pairE0, pairO0, pairE1, pairO1) = (pick & column, (pick + one) & column, (pick + two) & column, (pick + three) & column);
        var zero = Vector512<float>.Zero;
        var plane = (nint)g.Height * g.Width;
        var eStride = (nint)EStride(g);
        for (var c = 0; c < g.Channels; c++)
        {
            var channel = x + c * plane - g.PadLeft;
            var dst = v + (nint)c * VRow;
            var q = first;
            if (shiftCount != 0)
            {
                RowCombinations(channel, q, th, g, mask, out var a0, out var a1, out var a2, out var a3);
                RowColumns(a0, a1, a2, a3, zero, zero, zero, zero, aloneE0, aloneO0, aloneE1, aloneO1, dst, eStride);
                q++;
            }
            for (; q + 1 < last; q += 2)
            {
                RowCombinations(channel, q, th, g, mask, out var a0, out var a1, out var a2, out var a3);
                RowCombinations(channel, q + 1, th, g, mask, out var b0, out var b1, out var b2, out var b3);
                var lane = dst + ((nint)q * tw - (nint)t0);
                RowColumns(a0, a1, a2, a3, b0, b1, b2, b3, pairE0, pairO0, pairE1, pairO1, lane, eStride);
            }
            if (q < last)
            {
                RowCombinations(channel, q, th, g, mask, out var a0, out var a1, out var a2, out var a3);
                var lane = dst + ((nint)q * tw - (nint)t0);
                RowColumns(a0, a1, a2, a3, zero, zero, zero, zero, singleE0, singleO0, singleE1, singleO1, lane, eStride);
            }
        }
    }

    /// <summary>
    /// <see cref="Columns"/> of a tile row's four row combinations (lanes from a, and from b at the picks 16 and up),
    /// stored to the four groups of four e rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowColumns(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3,
        Vector512<int> even0, Vector512<int> odd0, Vector512<int> even1, Vector512<int> odd1, float* dst, nint eStride)
    {
        Columns(a0, b0, even0, odd0, even1, odd1, dst, eStride);
        Columns(a1, b1, even0, odd0, even1, odd1, dst + 4 * eStride, eStride);
        Columns(a2, b2, even0, odd0, even1, odd1, dst + 8 * eStride, eStride);
        Columns(a3, b3, even0, odd0, even1, odd1, dst + 12 * eStride, eStride);
    }

    /// <summary>
    /// The row transform B^T d of tile row <paramref name="q"/> (of the whole batch) on narrow rows: the four
    /// combinations of its padded rows d0..d3, d0 - d2, d1 + d2, d2 - d1 and d1 - d3, as one vector each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowCombinations(float* channel, int q, int th, in Conv2DGeometry g, Vector512<float> mask,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3)
    {
        var n = q / th;
        var top = 2 * (q - n * th) - g.PadTop;
        var image = channel + (nint)n * g.InputSize;
        var d0 = NarrowRow(image, top, g, mask);
        var d1 = NarrowRow(image, top + 1, g, mask);
        var d2 = NarrowRow(image, top + 2, g, mask);
        var d3 = NarrowRow(image, top + 3, g, mask);
        c0 = d0 - d2;
        c1 = d1 + d2;
        c2 = d2 - d1;
        c3 = d1 - d3;
    }

    /// <summary>Padded row <paramref name="row"/> (columns -PadLeft..15-PadLeft) as one vector; zeros outside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NarrowRow(float* channel, int row, in Conv2DGeometry g, Vector512<float> mask) =>
        (uint)row >= (uint)g.Height ? Vector512<float>.Zero : Avx512F.MaskLoad(channel + (nint)row * g.Width, mask, Vector512<float>.Zero);

    /// <summary>Padded row <paramref name="row"/> (image row row, columns -PadLeft..31-PadLeft) as two vectors; zeros outside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* channel, int row, in Conv2DGeometry g, Vector512<float> maskLo, Vector512<float> maskHi,
        out Vector512<float> lo, out Vector512<float> hi)
    {
        if ((uint)row >= (uint)g.Height)
        {
            lo = hi = Vector512<float>.Zero;
            return;
        }
        var p = channel + (nint)row * g.Width;
        lo = Avx512F.MaskLoad(p, maskLo, Vector512<float>.Zero);
        hi = Avx512F.MaskLoad(p + 16, maskHi, Vector512<float>.Zero);
    }

    /// <summary>
    /// For a row combination t (32 padded columns), the column transform of every tile tx: t[2tx] - t[2tx+2],
    /// t[2tx+1] + t[2tx+2], t[2tx+2] - t[2tx+1], t[2tx+1] - t[2tx+3], stored 16 lanes at a time to four e rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(Vector512<float> lo, Vector512<float> hi, Vector512<int> even0, Vector512<int> odd0,
        Vector512<int> even1, Vector512<int> odd1, float* dst, nint eStride)
    {
        var e0 = Avx512F.PermuteVar16x32x2(lo, even0, hi);
        var o0 = Avx512F.PermuteVar16x32x2(lo, odd0, hi);
        var e1 = Avx512F.PermuteVar16x32x2(lo, even1, hi);
        var o1 = Avx512F.PermuteVar16x32x2(lo, odd1, hi);
        (e0 - e1).Store(dst);
        (o0 + e1).Store(dst + eStride);
        (e1 - o0).Store(dst + 2 * eStride);
        (o0 - o1).Store(dst + 3 * eStride);
    }

    /// <summary>m[e, i, 0..48) = sum over c of u[c * 8 + i] * v[c * VRow + 0..48): eight filters x 48 tiles of one e.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Step(int channels, float* u, float* v, float* m)
    {
        var c00 = Vector512<float>.Zero;
        var c01 = Vector512<float>.Zero;
        var c02 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero;
        var c11 = Vector512<float>.Zero;
        var c12 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero;
        var c21 = Vector512<float>.Zero;
        var c22 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero;
        var c31 = Vector512<float>.Zero;
        var c32 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero;
        var c41 = Vector512<float>.Zero;
        var c42 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero;
        var c51 = Vector512<float>.Zero;
        var c52 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero;
        var c61 = Vector512<float>.Zero;
        var c62 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero;
        var c71 = Vector512<float>.Zero;
        var c72 = Vector512<float>.Zero;
        for (var c = 0; c < channels; c++)
        {
            var b0 = Vector512.Load(v);
            var b1 = Vector512.Load(v + 16);
            var b2 = Vector512.Load(v + 32);
            var a = Vector512.Create(u[0]);
            c00 = Vector512.FusedMultiplyAdd(a, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(a, b2, c02);
            a = Vector512.Create(u[1]);
            c10 = Vector512.FusedMultiplyAdd(a, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(a, b2, c12);
            a = Vector512.Create(u[2]);
            c20 = Vector512.FusedMultiplyAdd(a, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(a, b2, c22);
            a = Vector512.Create(u[3]);
            c30 = Vector512.FusedMultiplyAdd(a, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(a, b2, c32);
            a = Vector512.Create(u[4]);
            c40 = Vector512.FusedMultiplyAdd(a, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            c42 = Vector512.FusedMultiplyAdd(a, b2, c42);
            a = Vector512.Create(u[5]);
            c50 = Vector512.FusedMultiplyAdd(a, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
            c52 = Vector512.FusedMultiplyAdd(a, b2, c52);
            a = Vector512.Create(u[6]);
            c60 = Vector512.FusedMultiplyAdd(a, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
            c62 = Vector512.FusedMultiplyAdd(a, b2, c62);
            a = Vector512.Create(u[7]);
            c70 = Vector512.FusedMultiplyAdd(a, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
            c72 = Vector512.FusedMultiplyAdd(a, b2, c72);
            u += Mr;
            v += VRow;
        }
        c00.Store(m);
        c01.Store(m + 16);
        c02.Store(m + 32);
        c10.Store(m + Nr);
        c11.Store(m + Nr + 16);
        c12.Store(m + Nr + 32);
        c20.Store(m + 2 * Nr);
        c21.Store(m + 2 * Nr + 16);
        c22.Store(m + 2 * Nr + 32);
        c30.Store(m + 3 * Nr);
        c31.Store(m + 3 * Nr + 16);
        c32.Store(m + 3 * Nr + 32);
        c40.Store(m + 4 * Nr);
        c41.Store(m + 4 * Nr + 16);
        c42.Store(m + 4 * Nr + 32);
        c50.Store(m + 5 * Nr);
        c51.Store(m + 5 * Nr + 16);
        c52.Store(m + 5 * Nr + 32);
        c60.Store(m + 6 * Nr);
        c61.Store(m + 6 * Nr + 16);
        c62.Store(m + 6 * Nr + 32);
        c70.Store(m + 7 * Nr);
        c71.Store(m + 7 * Nr + 16);
        c72.Store(m + 7 * Nr + 32);
    }

    /// <summary>
    /// y tiles = A^T m A (+ bias, then ReLU if asked) for filter block <paramref name="kb"/> of block <paramref name="block"/>,
    /// each tile row's two output rows written with its columns interleaved back in place, and kept only where
    /// <paramref name="keep"/> (if not null, laid out as y) is above 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OutputTransform(float* m, float* ys, float* bias, in Conv2DGeometry g, int batch, int block, int kb, float* y, bool relu, float* keep)
    {
        var tw = TileWidth(g);
        var th = TileHeight(g);
        var (t0, _, first, last) = BlockTiles(g, batch, block);
        var lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var lanesHi = lanes + Vector512.Create(16);
        var width = Vector512.Create(g.OutWidth);
        var maskLo = Vector512.LessThan(lanes, width).AsSingle();
        var maskHi = Vector512.LessThan(lanesHi, width).AsSingle();
        var interleaveLo = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var interleaveHi = interleaveLo + Vector512.Create(8);
        var zero = Vector512<float>.Zero;
        var filters = Math.Min(Mr, g.Filters - kb * Mr);
        var plane = (nint)g.OutHeight * g.OutWidth;
        var narrow = g.OutWidth <= 16; // the second 16 columns of each row are all masked out
        for (var i = 0; i < filters; i++)
        {
            var f = kb * Mr + i;
            var b = bias is null ? zero : Vector512.Create(bias[f]);
            for (var j = 0; j < Nr; j += 16)
            {
                var p = m + i * Nr + j;
                const int E = Mr * Nr;
                var m00 = Vector512.Load(p);
                var m01 = Vector512.Load(p + E);
                var m02 = Vector512.Load(p + 2 * E);
                var m03 = Vector512.Load(p + 3 * E);
                var m10 = Vector512.Load(p + 4 * E);
                var m11 = Vector512.Load(p + 5 * E);
                var m12 = Vector512.Load(p + 6 * E);
                var m13 = Vector512.Load(p + 7 * E);
                var m20 = Vector512.Load(p + 8 * E);
                var m21 = Vector512.Load(p + 9 * E);
                var m22 = Vector512.Load(p + 10 * E);
                var m23 = Vector512.Load(p + 11 * E);
                var m30 = Vector512.Load(p + 12 * E);
                var m31 = Vector512.Load(p + 13 * E);
                var m32 = Vector512.Load(p + 14 * E);
                var m33 = Vector512.Load(p + 15 * E);
                // A^T m: two rows of four.
                var s00 = m00 + m10 + m20;
                var s01 = m01 + m11 + m21;
                var s02 = m02 + m12 + m22;
                var s03 = m03 + m13 + m23;
                var s10 = m10 - m20 - m30;
                var s11 = m11 - m21 - m31;
                var s12 = m12 - m22 - m32;
                var s13 = m13 - m23 - m33;
                var y00 = s00 + s01 + s02 + b;
                var y01 = s01 - s02 - s03 + b;
                var y10 = s10 + s11 + s12 + b;
                var y11 = s11 - s12 - s13 + b;
                if (relu)
                {
                    y00 = Vector512.Max(y00, zero);
                    y01 = Vector512.Max(y01, zero);
                    y10 = Vector512.Max(y10, zero);
                    y11 = Vector512.Max(y11, zero);
                }
                y00.Store(ys + j);
                y01.Store(ys + YRow + j);
                y10.Store(ys + 2 * YRow + j);
                y11.Store(ys + 3 * YRow + j);
            }
            for (var q = first; q < last; q++)
            {
                var n = q / th;
                var ty = q % th;
                // The row's first tile is at this lane, before the block's first lane when the row starts in the previous
                // block; only the columns of the block's own tiles are written.
                var lane = (int)((long)q * tw - t0);
                var storeLo = maskLo;
                var storeHi = maskHi;
                if (lane < 0 || lane + tw > Nr)
                {
                    var from = Vector512.Create(2 * Math.Max(0, -lane));
                    var to = Vector512.Create(Math.Min(g.OutWidth, 2 * (Nr - lane)));
                    storeLo = (Vector512.GreaterThanOrEqual(lanes, from) & Vector512.LessThan(lanes, to)).AsSingle();
                    storeHi = (Vector512.GreaterThanOrEqual(lanesHi, from) & Vector512.LessThan(lanesHi, to)).AsSingle();
                }
                for (var r = 0; r < 2; r++)
                {
                    var oh = 2 * ty + r;
                    if (oh >= g.OutHeight)
                    {
                        break;
                    }
                    var even = Vector512.Load(ys + 2 * r * YRow + lane);
                    var odd = Vector512.Load(ys + (2 * r + 1) * YRow + lane);
                    var at = (nint)n * g.OutputSize + f * plane + (nint)oh * g.OutWidth;
                    var lo = Avx512F.PermuteVar16x32x2(even, interleaveLo, odd);
                    if (keep is not null)
                    {
                        lo = Vector512.ConditionalSelect(Vector512.GreaterThan(Avx512F.MaskLoad(keep + at, storeLo, zero), zero), lo, zero);
                    }
                    Avx512F.MaskStore(y + at, storeLo, lo);
                    if (!narrow)
                    {
                        var hi = Avx512F.PermuteVar16x32x2(even, interleaveHi, odd);
                        if (keep is not null)
                        {
                            hi = Vector512.ConditionalSelect(Vector512.GreaterThan(Avx512F.MaskLoad(keep + at + 16, storeHi, zero), zero), hi, zero);
                        }
                        Avx512F.MaskStore(y + at + 16, storeHi, hi);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether the filter gradient of <paramref name="g"/> runs on this path: as <see cref="Suits"/>, with at least 32
    /// channels, since each step of its kernel covers 32 channels (fewer would be padded with zeros).
    /// </summary>
    public static bool FilterSuits(in Conv2DGeometry g) => Suits(g) && g.Channels >= 32;

    /// <summary>Rows of dU[e] per step side (the filters, rounded up to 8) and its columns (the channels, rounded up to 32).</summary>
    private static (int Rows, int Columns) FilterSides(in Conv2DGeometry g) => (PaddedFilters(g), (g.Channels + 31) / 32 * 32);

    private static int PaddedFilters(in Conv2DGeometry g) => FilterBlocks(g) * Mr;

    /// <summary>Floats between consecutive e of the transformed output gradient, with a vector of slack like <see cref="EStride"/>.</summary>
    private static int ZStride(in Conv2DGeometry g) => PaddedFilters(g) * Nr + 16;

    /// <summary>
    /// Floats of scratch each thread needs for <see cref="FilterPartial"/>: a block's transformed patches, its
    /// transformed output gradient, the patches transposed and the 4x4 filter gradient being summed.
    /// </summary>
    public static int FilterThreadLength(in Conv2DGeometry g)
    {
        var (rows, columns) = FilterSides(g);
        return VLength(g) + 16 * ZStride(g) + 16 * Nr * columns + 16 * rows * columns;
    }

    /// <summary>
    /// partial (K, C, 3, 3), overwritten, = the filter gradient of the tiles in blocks [<paramref name="start"/>,
    /// <paramref name="end"/>): with Z = A dY A^T per output tile (zero past the output) and V = B^T d B per input patch,
    /// <code>
    /// dU[e, k, c] = sum over the tiles of Z[e, k] * V[e, c]     partial[k, c] = G^T dU[k, c] G
    /// </code>
    /// the exact gradient of the forward computation, summed in block order. With <paramref name="reuseScratch"/>, the
    /// scratch must be the one an earlier call of this thread used for the same geometry and batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FilterPartial(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in Conv2DGeometry g, int batch, int start, int end,
        Span<float> partial, Span<float> scratch, bool reuseScratch = false)
    {
        if ((long)x.Length < (long)batch * g.InputSize || (long)dy.Length < (long)batch * g.OutputSize || partial.Length < g.WeightSize
            || scratch.Length < FilterThreadLength(g) || start < 0 || end > Blocks(g, batch) || start > end)
        {
            throw new ArgumentException("Winograd filter gradient: a span is too short for the geometry and batch.");
        }
        var (rows, columns) = FilterSides(g);
        if (reuseScratch)
        {
            // The zero padding of Z and of the transposed side is never overwritten: only the sums start afresh.
            scratch.Slice(FilterThreadLength(g) - 16 * rows * columns, 16 * rows * columns).Clear();
        }
        else
        {
            scratch[..FilterThreadLength(g)].Clear();
        }
        // Safe: as in Run; the transpose reads only the rows V holds, and the steps read and write dU, the transposed
        // patches and Z (rows below the filters rounded up to 8) inside their lengths.
        fixed (float* px = x, pd = dy, pp = partial, ps = scratch)
        {
            var v = ps;
            var z = v + VLength(g);
            var transposed = z + 16 * ZStride(g);
            var du = transposed + 16 * Nr * columns;
            var narrow = IsNarrow(g);
            for (var b = start; b < end; b++)
            {
                if (narrow)
                {
                    InputTransformNarrow(px, g, batch, b, v);
                }
                else
                {
                    InputTransform(px, g, batch, b, v);
                }
                GradientTransform(pd, g, batch, b, z);
                Transpose(v, EStride(g), g.Channels, transposed, columns);
                for (var e = 0; e < 16; e++)
                {
                    for (var r = 0; r < rows; r += Mr)
                    {
                        for (var col = 0; col < columns; col += 32)
                        {
                            FilterStep(z + e * ZStride(g) + r * Nr, transposed + (nint)e * Nr * columns + col, columns,
                                du + ((nint)e * rows + r) * columns + col);
                        }
                    }
                }
            }
            for (var k = 0; k < g.Filters; k++)
            {
                for (var c = 0; c < g.Channels; c++)
                {
                    FilterFromTransformed(du + (nint)k * columns + c, (nint)rows * columns, pp + (k * g.Channels + c) * 9);
                }
            }
        }
    }

    /// <summary>
    /// dst[e, t, i] = src[e * eStride + i * 48 + t] for the 48 tiles and the <paramref name="count"/> rows (V's
    /// channels), by 16x16 transposes; dst holds <paramref name="columns"/> per tile, past count zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(float* src, int eStride, int count, float* dst, int columns)
    {
        var full = count / 16 * 16;
        for (var e = 0; e < 16; e++)
        {
            var from = src + (nint)e * eStride;
            var to = dst + (nint)e * Nr * columns;
            for (var t0 = 0; t0 < Nr; t0 += 16)
            {
                for (var i0 = 0; i0 < full; i0 += 16)
                {
                    Transpose16(from + i0 * Nr + t0, Nr, to + t0 * columns + i0, columns);
                }
            }
            // The last, partial group of 16 rows, one float at a time; the padding stays zero.
            for (var i = full; i < count; i++)
            {
                for (var t = 0; t < Nr; t++)
                {
                    to[t * columns + i] = from[i * Nr + t];
                }
            }
        }
    }

    /// <summary>
    /// dst[j * ldd + i] = src[i * lds + j] for i, j &lt; 16: unpack pairs of floats, then of doubles, then shuffle
    /// 128-bit lanes twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(float* src, nint lds, float* dst, nint ldd)
    {
        Quad(src, lds, out var a0, out var a1, out var a2, out var a3);
        Quad(src + 4 * lds, lds, out var b0, out var b1, out var b2, out var b3);
        Quad(src + 8 * lds, lds, out var c0, out var c1, out var c2, out var c3);
        Quad(src + 12 * lds, lds, out var d0, out var d1, out var d2, out var d3);
        // x_j holds columns j, j + 4, j + 8, j + 12 (one per 128-bit lane) of four rows; now gather each column.
        Columns4(a0, b0, c0, d0, dst, ldd);
        Columns4(a1, b1, c1, d1, dst + ldd, ldd);
        Columns4(a2, b2, c2, d2, dst + 2 * ldd, ldd);
        Columns4(a3, b3, c3, d3, dst + 3 * ldd, ldd);
    }

    /// <summary>Rows 0..3 at src -> x_j = (r0..r3 at column j, at j + 4, at j + 8, at j + 12), one 128-bit lane each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad(float* src, nint lds, out Vector512<float> x0, out Vector512<float> x1, out Vector512<float> x2, out Vector512<float> x3)
    {
        var r0 = Vector512.Load(src);
        var r1 = Vector512.Load(src + lds);
        var r2 = Vector512.Load(src + 2 * lds);
        var r3 = Vector512.Load(src + 3 * lds);
        var t0 = Avx512F.UnpackLow(r0, r1).AsDouble();
        var t1 = Avx512F.UnpackHigh(r0, r1).AsDouble();
        var t2 = Avx512F.UnpackLow(r2, r3).AsDouble();
        var t3 = Avx512F.UnpackHigh(r2, r3).AsDouble();
        x0 = Avx512F.UnpackLow(t0, t2).AsSingle();
        x1 = Avx512F.UnpackHigh(t0, t2).AsSingle();
        x2 = Avx512F.UnpackLow(t1, t3).AsSingle();
        x3 = Avx512F.UnpackHigh(t1, t3).AsSingle();
    }

    /// <summary>From the x_j of rows 0-3, 4-7, 8-11 and 12-15, stores columns j, j + 4, j + 8 and j + 12 (16 rows each) at dst, 4 ldd apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* dst, nint ldd)
    {
        var v0 = Avx512F.Shuffle4x128(a, b, 0x88);
        var v1 = Avx512F.Shuffle4x128(a, b, 0xDD);
        var v2 = Avx512F.Shuffle4x128(c, d, 0x88);
        var v3 = Avx512F.Shuffle4x128(c, d, 0xDD);
        Avx512F.Shuffle4x128(v0, v2, 0x88).Store(dst);
        Avx512F.Shuffle4x128(v1, v3, 0x88).Store(dst + 4 * ldd);
        Avx512F.Shuffle4x128(v0, v2, 0xDD).Store(dst + 8 * ldd);
        Avx512F.Shuffle4x128(v1, v3, 0xDD).Store(dst + 12 * ldd);
    }

    /// <summary>
    /// Z[e, k, t - 48 * block] = (A dY A^T)[e] for the 2x2 output-gradient tile of filter k under the block's tile t, with
    /// A^T = [1 1 1 0; 0 1 -1 -1]; zero for positions past the output and lanes past the batch's last tile. Rows are
    /// stored as in <see cref="InputTransform"/>; a row's lanes past its last tile are zero, so the store of the last
    /// filter's last row leaves the zero padding of the filters rounded up to 8 as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GradientTransform(float* dy, in Conv2DGeometry g, int batch, int block, float* z)
    {
        var tw = TileWidth(g);
        var th = TileHeight(g);
        var (t0, t1, first, last) = BlockTiles(g, batch, block);
        var zStride = (nint)ZStride(g);
        if (t1 - t0 < Nr)
        {
            // The batch's last block: lanes past its last tile must hold zeros, not the previous block's tiles.
            new Span<float>(z, 16 * ZStride(g)).Clear();
        }
        var lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var width = Vector512.Create(g.OutWidth);
        var maskLo = Vector512.LessThan(lanes, width).AsSingle();
        var maskHi = Vector512.LessThan(lanes + Vector512.Create(16), width).AsSingle();
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = even + Vector512.Create(1);
        // The first row's picks start at its first tile in the block; past column 31 they stay at column 31, which is
        // past the output (at most 30 columns) and so zero.
        var shift = Vector512.Create(2 * (int)(t0 - (long)first * tw));
        var column = Vector512.Create(31);
        var firstEven = Vector512.Min(even + shift, column);
        var firstOdd = Vector512.Min(odd + shift, column);
        var plane = (nint)g.OutHeight * g.OutWidth;
        for (var k = 0; k < g.Filters; k++)
        {
            var dst = z + (nint)k * Nr;
            for (var q = first; q < last; q++)
            {
                var n = q / th;
                var top = 2 * (q - n * th);
                var p = dy + (nint)n * g.OutputSize + k * plane + (nint)top * g.OutWidth;
                var y0l = Avx512F.MaskLoad(p, maskLo, Vector512<float>.Zero);
                var y0h = Avx512F.MaskLoad(p + 16, maskHi, Vector512<float>.Zero);
                Vector512<float> y1l = default, y1h = default;
                if (top + 1 < g.OutHeight)
                {
                    y1l = Avx512F.MaskLoad(p + g.OutWidth, maskLo, Vector512<float>.Zero);
                    y1h = Avx512F.MaskLoad(p + g.OutWidth + 16, maskHi, Vector512<float>.Zero);
                }
                var lane = dst + Math.Max(0, (nint)q * tw - (nint)t0);
                var e = q == first ? firstEven : even;
                var o = q == first ? firstOdd : odd;
                GradientColumns(y0l, y0h, e, o, lane, zStride);
                GradientColumns(y0l + y1l, y0h + y1h, e, o, lane + 4 * zStride, zStride);
                GradientColumns(y0l - y1l, y0h - y1h, e, o, lane + 8 * zStride, zStride);
                GradientColumns(-y1l, -y1h, e, o, lane + 12 * zStride, zStride);
            }
        }
    }

    /// <summary>For a row combination a of the output gradient (32 columns), each tile's a[2tx], a[2tx] + a[2tx+1], a[2tx] - a[2tx+1], -a[2tx+1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientColumns(Vector512<float> lo, Vector512<float> hi, Vector512<int> even, Vector512<int> odd, float* dst, nint eStride)
    {
        var e = Avx512F.PermuteVar16x32x2(lo, even, hi);
        var o = Avx512F.PermuteVar16x32x2(lo, odd, hi);
        e.Store(dst);
        (e + o).Store(dst + eStride);
        (e - o).Store(dst + 2 * eStride);
        (-o).Store(dst + 3 * eStride);
    }

    /// <summary>du[i, 0..32) += sum over the 48 tiles t of z[i * 48 + t] * vt[t * ldv + 0..32): eight filters x 32 channels of one e.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FilterStep(float* z, float* vt, nint ldv, float* du)
    {
        var c00 = Vector512.Load(du);
        var c01 = Vector512.Load(du + 16);
        var c10 = Vector512.Load(du + ldv);
        var c11 = Vector512.Load(du + ldv + 16);
        var c20 = Vector512.Load(du + 2 * ldv);
        var c21 = Vector512.Load(du + 2 * ldv + 16);
        var c30 = Vector512.Load(du + 3 * ldv);
        var c31 = Vector512.Load(du + 3 * ldv + 16);
        var c40 = Vector512.Load(du + 4 * ldv);
        var c41 = Vector512.Load(du + 4 * ldv + 16);
        var c50 = Vector512.Load(du + 5 * ldv);
        var c51 = Vector512.Load(du + 5 * ldv + 16);
        var c60 = Vector512.Load(du + 6 * ldv);
        var c61 = Vector512.Load(du + 6 * ldv + 16);
        var c70 = Vector512.Load(du + 7 * ldv);
        var c71 = Vector512.Load(du + 7 * ldv + 16);
        for (var t = 0; t < Nr; t++)
        {
            var b0 = Vector512.Load(vt);
            var b1 = Vector512.Load(vt + 16);
            var a = Vector512.Create(z[t]);
            c00 = Vector512.FusedMultiplyAdd(a, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(z[Nr + t]);
            c10 = Vector512.FusedMultiplyAdd(a, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(z[2 * Nr + t]);
            c20 = Vector512.FusedMultiplyAdd(a, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(z[3 * Nr + t]);
            c30 = Vector512.FusedMultiplyAdd(a, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(z[4 * Nr + t]);
            c40 = Vector512.FusedMultiplyAdd(a, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(z[5 * Nr + t]);
            c50 = Vector512.FusedMultiplyAdd(a, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(z[6 * Nr + t]);
            c60 = Vector512.FusedMultiplyAdd(a, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(z[7 * Nr + t]);
            c70 = Vector512.FusedMultiplyAdd(a, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
            vt += ldv;
        }
        c00.Store(du);
        c01.Store(du + 16);
        c10.Store(du + ldv);
        c11.Store(du + ldv + 16);
        c20.Store(du + 2 * ldv);
        c21.Store(du + 2 * ldv + 16);
        c30.Store(du + 3 * ldv);
        c31.Store(du + 3 * ldv + 16);
        c40.Store(du + 4 * ldv);
        c41.Store(du + 4 * ldv + 16);
        c50.Store(du + 5 * ldv);
        c51.Store(du + 5 * ldv + 16);
        c60.Store(du + 6 * ldv);
        c61.Store(du + 6 * ldv + 16);
        c70.Store(du + 7 * ldv);
        c71.Store(du + 7 * ldv + 16);
    }

    /// <summary>w[0..9) = G^T d G for the 4x4 d[e * stride] (e = 4 * row + column), G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterFromTransformed(float* d, nint stride, float* w)
    {
        Span<float> p = stackalloc float[12];
        for (var j = 0; j < 4; j++)
        {
            var d0 = d[j * stride];
            var d1 = d[(4 + j) * stride];
            var d2 = d[(8 + j) * stride];
            var d3 = d[(12 + j) * stride];
            p[j] = d0 + 0.5f * (d1 + d2);
            p[4 + j] = 0.5f * (d1 - d2);
            p[8 + j] = 0.5f * (d1 + d2) + d3;
        }
        for (var a = 0; a < 3; a++)
        {
            var r = p.Slice(4 * a, 4);
            w[3 * a] = r[0] + 0.5f * (r[1] + r[2]);
            w[3 * a + 1] = 0.5f * (r[1] - r[2]);
            w[3 * a + 2] = 0.5f * (r[1] + r[2]) + r[3];
        }
    }
}
