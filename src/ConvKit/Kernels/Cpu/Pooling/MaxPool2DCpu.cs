using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Pooling;

/// <summary>
/// 2-D max pooling over <c>planes</c> independent planes (N * C for NCHW): input (planes, H, W) -&gt;
/// output (planes, OH, OW), with the position of each maximum kept for the backward pass.
/// </summary>
/// <remarks>
/// Semantics match PyTorch's <c>max_pool2d</c> (padding acts as -infinity): the maximum is taken over the input
/// pixels of the window only; on ties the first in row-major order wins; a window that lies entirely in padding gives
/// 0 with argmax -1. The unpadded 2x2 stride-2 case has a vectorised path (AVX-512 with the row's last block masked;
/// AVX2 or SSE with the row's last outputs as one overlapping block; on AVX-512, rows of at most 8 outputs go two to a
/// vector, forward and backward), and the general case vectorises the interior of each row for horizontal strides 1
/// and 2 (AVX2); all are bit-identical to the scalar loop. Rows of output (planes, on the two-rows path) are split
/// over <see cref="Threading.CpuThreads"/> when the problem is large; results do not depend on the thread count.
/// Nothing here allocates.
/// </remarks>
public static partial class MaxPool2DCpu
{
    /// <summary>
    /// output[p, oh, ow] = max of input[p, h, w] over the window of (oh, ow); argmax[p, oh, ow] = h * W + w of that
    /// maximum (an index within the input plane), or -1 when the window holds no input pixel (the output is then 0).
    /// </summary>
    /// <param name="input">(planes, H, W).</param>
    /// <param name="planes">Number of planes, N * C.</param>
    /// <param name="g">Window geometry.</param>
    /// <param name="output">(planes, OH, OW), overwritten.</param>
    /// <param name="argmax">(planes, OH, OW), overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span is shorter than its shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="planes"/> is negative.</exception>
    public static unsafe void Forward(ReadOnlySpan<float> input, int planes, in Pool2DGeometry g, Span<float> output, Span<int> argmax)
    {
        var (inCount, outCount) = Check(planes, g);
        SpanChecks.AtLeast(input.Length, inCount, nameof(input));
        SpanChecks.AtLeast(output.Length, outCount, nameof(output));
        SpanChecks.AtLeast(argmax.Length, outCount, nameof(argmax));
        if (outCount == 0)
        {
            return;
        }
        // Safe: the spans stay pinned until ParallelRange.Run returns; each output row is written by one worker, and
        // every access stays inside the planes * plane-size prefixes checked above (see the row functions).
        fixed (float* pin = input, pout = output)
        fixed (int* parg = argmax)
        {
            if (IsNarrow2x2(g))
            {
                ParallelRange.Run(new ForwardNarrowPlanes(pin, pout, parg, g), planes, 1, (long)inCount + outCount);
            }
            else
            {
                ParallelRange.Run(new ForwardRows(pin, pout, parg, g), planes * g.OutHeight, 1, (long)inCount + outCount);
            }
        }
    }

    /// <summary>
    /// Routes each output gradient to the input pixel that won its window:
    /// dInput[p, argmax[p, k]] += dOutput[p, k]; windows that overlap add up. <paramref name="dInput"/> is OVERWRITTEN
    /// (zeroed first). Outputs with argmax -1 contribute nothing.
    /// </summary>
    /// <param name="dOutput">(planes, OH, OW).</param>
    /// <param name="argmax">(planes, OH, OW) from <see cref="Forward"/>.</param>
    /// <param name="planes">Number of planes, N * C.</param>
    /// <param name="g">Window geometry.</param>
    /// <param name="dInput">(planes, H, W), overwritten.</param>
    /// <param name="reluOutput">
    /// Empty, or the forward pass's output (planes, OH, OW) when the input came out of a ReLU: each output gradient is
    /// then routed only where that output is above 0, which makes dInput the gradient before the ReLU, the same bits as
    /// <see cref="Activations.ActivationsCpu.ReluBackward"/> applied afterwards, without that pass over the input.
    /// </param>
    /// <exception cref="ArgumentException">The geometry is invalid, a span is shorter than its shape, or an argmax lies outside its plane.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="planes"/> is negative.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> dOutput, ReadOnlySpan<int> argmax, int planes, in Pool2DGeometry g, Span<float> dInput,
        ReadOnlySpan<float> reluOutput = default)
    {
        var (inCount, outCount) = Check(planes, g);
        SpanChecks.AtLeast(dOutput.Length, outCount, nameof(dOutput));
        SpanChecks.AtLeast(argmax.Length, outCount, nameof(argmax));
        SpanChecks.AtLeast(dInput.Length, inCount, nameof(dInput));
        if (!reluOutput.IsEmpty)
        {
            SpanChecks.AtLeast(reluOutput.Length, outCount, nameof(reluOutput));
        }
        if (inCount == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each plane of dInput is written by one worker only, and the
        // plane views are built from the sizes checked above.
        fixed (float* pdy = dOutput, pdx = dInput, prelu = reluOutput)
        fixed (int* parg = argmax)
        {
            ParallelRange.Run(new BackwardPlanes(pdy, parg, pdx, g, reluOutput.IsEmpty ? null : prelu), planes, 1, (long)inCount + outCount);
        }
    }

    internal static (int InCount, int OutCount) Check(int planes, in Pool2DGeometry g)
    {
        g.Validate();
        SpanChecks.NonNegative(planes, nameof(planes));
        return (SpanChecks.Product(planes, g.Height, g.Width, "planes x H x W"), SpanChecks.Product(planes, g.OutHeight, g.OutWidth, "planes x OH x OW"));
    }

    /// <summary>
    /// One output row of the general case: any window, stride and padding. With AVX2 and a horizontal stride of 1 or 2,
    /// the outputs whose windows lie wholly inside the input go eight at a time through <see cref="InteriorBlock"/>; the
    /// border outputs (and everything else) take the scalar loop.
    /// </summary>
    private static unsafe void RowGeneral(float* plane, int oh, in Pool2DGeometry g, float* output, int* argmax)
    {
        var width = g.Width;
        var (hs, he) = PoolWindow.Clip(oh, g.StrideHeight, g.PadTop, g.PoolHeight, g.Height);
        var ow = 0;
        if (Avx2.IsSupported && (g.StrideWidth == 1 || g.StrideWidth == 2) && he - hs == g.PoolHeight)
        {
            // Interior outputs: the window starts at column >= 0, and a block of 8 outputs starting at ow reads
            // columns [ow * sw - padLeft, ow * sw - padLeft + poolWidth - 1 + 8 * sw) (one more than it uses for sw = 2),
            // which must end inside the row.
            var sw = g.StrideWidth;
            var first = (g.PadLeft + sw - 1) / sw;
            ScalarOutputs(plane, hs, he, g, output, argmax, 0, Math.Min(first, g.OutWidth));
            ow = first;
            for (; ow + 8 <= g.OutWidth && ow * sw - g.PadLeft + g.PoolWidth - 1 + 8 * sw <= width; ow += 8)
            {
                InteriorBlock(plane, hs, ow, g, output, argmax);
            }
        }
        ScalarOutputs(plane, hs, he, g, output, argmax, ow, g.OutWidth);
    }

    /// <summary>Outputs [from, to) of a row whose clipped window rows are [hs, he), one at a time.</summary>
    private static unsafe void ScalarOutputs(float* plane, int hs, int he, in Pool2DGeometry g, float* output, int* argmax, int from, int to)
    {
        // Safe: PoolWindow.Clip keeps [hs, he) inside [0, Height) and [ws, we) inside [0, Width), so every read is
        // inside the plane; output and argmax hold OutWidth elements and to <= OutWidth.
        var width = g.Width;
        for (var ow = from; ow < to; ow++)
        {
            var (ws, we) = PoolWindow.Clip(ow, g.StrideWidth, g.PadLeft, g.PoolWidth, width);
            if (hs >= he || ws >= we)
            {
                output[ow] = 0f;
                argmax[ow] = -1;
                continue;
            }
            // The first input pixel of the window starts as the maximum; later ones must be strictly greater.
            var index = hs * width + ws;
            var best = plane[index];
            for (var h = hs; h < he; h++)
            {
                var row = plane + h * width;
                for (var w = ws; w < we; w++)
                {
                    if (row[w] > best)
                    {
                        best = row[w];
                        index = h * width + w;
                    }
                }
            }
            output[ow] = best;
            argmax[ow] = index;
        }
    }

    /// <summary>
    /// Eight outputs [ow, ow + 8) of a row whose windows lie wholly inside the input, horizontal stride 1 or 2:
    /// window positions are visited in row-major order and a candidate replaces the maximum only when strictly
    /// greater, so the result is bit-identical to <see cref="ScalarOutputs"/> with no data-dependent branches.
    /// </summary>
    private static unsafe void InteriorBlock(float* plane, int h0, int ow, in Pool2DGeometry g, float* output, int* argmax)
    {
        // Safe: RowGeneral only calls this when rows [h0, h0 + PoolHeight) exist and every load, which reads columns
        // [col0 + kw, col0 + kw + 8 * sw) with col0 = ow * sw - PadLeft >= 0, ends inside the row (checked there).
        var width = g.Width;
        var col0 = ow * g.StrideWidth - g.PadLeft;
        var stride2 = g.StrideWidth == 2;
        // With stride 2, shufps leaves the eight outputs in the order 0,1,4,5 | 2,3,6,7 (see Row2x2).
        var lanes = stride2 ? Vector256.Create(0, 2, 8, 10, 4, 6, 12, 14) : Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var best = Vector256<float>.Zero;
        var index = Vector256<int>.Zero;
        for (var kh = 0; kh < g.PoolHeight; kh++)
        {
            var rowStart = (h0 + kh) * width + col0;
            var row = plane + rowStart;
            for (var kw = 0; kw < g.PoolWidth; kw++)
            {
                Vector256<float> candidate;
                if (stride2)
                {
                    candidate = Avx.Shuffle(Vector256.Load(row + kw), Vector256.Load(row + kw + 8), 0x88);
                }
                else
                {
                    candidate = Vector256.Load(row + kw);
                }
                var candidateIndex = Vector256.Create(rowStart + kw) + lanes;
                if (kh == 0 && kw == 0)
                {
                    best = candidate;
                    index = candidateIndex;
                    continue;
                }
                var greater = Vector256.GreaterThan(candidate, best);
                best = Vector256.ConditionalSelect(greater, candidate, best);
                index = Vector256.ConditionalSelect(greater.AsInt32(), candidateIndex, index);
            }
        }
        if (stride2)
        {
            best = Avx2.Permute4x64(best.AsDouble(), 0xD8).AsSingle();
            index = Avx2.Permute4x64(index.AsInt64(), 0xD8).AsInt32();
        }
        best.Store(output + ow);
        index.Store(argmax + ow);
    }

    /// <summary>
    /// One output row of the unpadded 2x2 stride-2 case. Reads input rows 2*oh and 2*oh+1, columns [0, 2*OW).
    /// Candidates are compared in row-major order with a strict &gt;, exactly as <see cref="ScalarOutputs"/> does.
    /// </summary>
    private static unsafe void Row2x2(float* plane, int oh, in Pool2DGeometry g, float* output, int* argmax)
    {
        // Safe: the caller checked 2 * OutHeight <= Height and 2 * OutWidth <= Width, so rows 2*oh and 2*oh+1 exist
        // and every load below ends at or before column 2 * OutWidth.
        var width = g.Width;
        var outWidth = g.OutWidth;
        var rowBase = 2 * oh * width;
        var r0 = plane + rowBase;
        var r1 = r0 + width;
        var j = 0;
        if (Avx512F.IsSupported)
        {
            var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            var odd = even + Vector512<int>.One;
            var lane = Vector512<int>.Indices;
            for (; j < outWidth; j += 16)
            {
                // The last block of a row is masked: loads to its 2 * (OW - j) columns, stores to its OW - j outputs.
                var count = Math.Min(16, outWidth - j);
                var loadLo = Vector512.LessThan(lane, Vector512.Create(2 * count)).AsSingle();
                var loadHi = Vector512.LessThan(lane, Vector512.Create(2 * count - 16)).AsSingle();
                var zero = Vector512<float>.Zero;
                var a0 = Avx512F.MaskLoad(r0 + 2 * j, loadLo, zero);
                var a1 = Avx512F.MaskLoad(r0 + 2 * j + 16, loadHi, zero);
                var b0 = Avx512F.MaskLoad(r1 + 2 * j, loadLo, zero);
                var b1 = Avx512F.MaskLoad(r1 + 2 * j + 16, loadHi, zero);
                var topLeft = Avx512F.PermuteVar16x32x2(a0, even, a1);
                var topRight = Avx512F.PermuteVar16x32x2(a0, odd, a1);
                var bottomLeft = Avx512F.PermuteVar16x32x2(b0, even, b1);
                var bottomRight = Avx512F.PermuteVar16x32x2(b0, odd, b1);
                var baseIndex = Vector512.Create(rowBase + 2 * j) + even;
                var best = topLeft;
                var index = baseIndex;
                var m = Vector512.GreaterThan(topRight, best);
                best = Vector512.ConditionalSelect(m, topRight, best);
                index = Vector512.ConditionalSelect(m.AsInt32(), baseIndex + Vector512<int>.One, index);
                m = Vector512.GreaterThan(bottomLeft, best);
                best = Vector512.ConditionalSelect(m, bottomLeft, best);
                index = Vector512.ConditionalSelect(m.AsInt32(), baseIndex + Vector512.Create(width), index);
                m = Vector512.GreaterThan(bottomRight, best);
                best = Vector512.ConditionalSelect(m, bottomRight, best);
                index = Vector512.ConditionalSelect(m.AsInt32(), baseIndex + Vector512.Create(width + 1), index);
                var store = Vector512.LessThan(lane, Vector512.Create(count));
                Avx512F.MaskStore(output + j, store.AsSingle(), best);
                Avx512F.MaskStore(argmax + j, store, index);
            }
        }
        if (Avx2.IsSupported)
        {
            for (; j + 8 <= outWidth; j += 8)
            {
                Block2x2Avx2(r0, r1, rowBase, j, width, output, argmax);
            }
            if (j < outWidth && outWidth >= 8)
            {
                // The last outputs as one block that overlaps the previous one: the overlap is recomputed to the same bits.
                Block2x2Avx2(r0, r1, rowBase, outWidth - 8, width, output, argmax);
                j = outWidth;
            }
        }
        if (Sse.IsSupported)
        {
            for (; j + 4 <= outWidth; j += 4)
            {
                Block2x2Sse(r0, r1, rowBase, j, width, output, argmax);
            }
            if (j < outWidth && outWidth >= 4)
            {
                Block2x2Sse(r0, r1, rowBase, outWidth - 4, width, output, argmax);
                j = outWidth;
            }
        }
        for (; j < outWidth; j++)
        {
            var i = rowBase + 2 * j;
            var best = plane[i];
            var index = i;
            if (plane[i + 1] > best)
            {
                best = plane[i + 1];
                index = i + 1;
            }
            if (plane[i + width] > best)
            {
                best = plane[i + width];
                index = i + width;
            }
            if (plane[i + width + 1] > best)
            {
                best = plane[i + width + 1];
                index = i + width + 1;
            }
            output[j] = best;
            argmax[j] = index;
        }
    }

    /// <summary>Outputs [j, j + 8) of a 2x2 stride-2 row; reads columns [2j, 2j + 16) of rows r0 and r1.</summary>
    private static unsafe void Block2x2Avx2(float* r0, float* r1, int rowBase, int j, int width, float* output, int* argmax)
    {
        // shufps works within 128-bit halves, so lanes hold outputs in the order 0,1,4,5 | 2,3,6,7;
        // the indices use the same order and one 64-bit permute (0xD8) restores 0..7 at the end.
        var laneOffset = Vector256.Create(0, 2, 8, 10, 4, 6, 12, 14);
        var a0 = Vector256.Load(r0 + 2 * j);
        var a1 = Vector256.Load(r0 + 2 * j + 8);
        var b0 = Vector256.Load(r1 + 2 * j);
        var b1 = Vector256.Load(r1 + 2 * j + 8);
        var topLeft = Avx.Shuffle(a0, a1, 0x88);
        var topRight = Avx.Shuffle(a0, a1, 0xDD);
        var bottomLeft = Avx.Shuffle(b0, b1, 0x88);
        var bottomRight = Avx.Shuffle(b0, b1, 0xDD);
        var baseIndex = Vector256.Create(rowBase + 2 * j) + laneOffset;
        var best = topLeft;
        var index = baseIndex;
        var m = Vector256.GreaterThan(topRight, best);
        best = Vector256.ConditionalSelect(m, topRight, best);
        index = Vector256.ConditionalSelect(m.AsInt32(), baseIndex + Vector256<int>.One, index);
        m = Vector256.GreaterThan(bottomLeft, best);
        best = Vector256.ConditionalSelect(m, bottomLeft, best);
        index = Vector256.ConditionalSelect(m.AsInt32(), baseIndex + Vector256.Create(width), index);
        m = Vector256.GreaterThan(bottomRight, best);
        best = Vector256.ConditionalSelect(m, bottomRight, best);
        index = Vector256.ConditionalSelect(m.AsInt32(), baseIndex + Vector256.Create(width + 1), index);
        Avx2.Permute4x64(best.AsDouble(), 0xD8).AsSingle().Store(output + j);
        Avx2.Permute4x64(index.AsInt64(), 0xD8).AsInt32().Store(argmax + j);
    }

    /// <summary>Outputs [j, j + 4) of a 2x2 stride-2 row; reads columns [2j, 2j + 8) of rows r0 and r1.</summary>
    private static unsafe void Block2x2Sse(float* r0, float* r1, int rowBase, int j, int width, float* output, int* argmax)
    {
        var a0 = Vector128.Load(r0 + 2 * j);
        var a1 = Vector128.Load(r0 + 2 * j + 4);
        var b0 = Vector128.Load(r1 + 2 * j);
        var b1 = Vector128.Load(r1 + 2 * j + 4);
        var topLeft = Sse.Shuffle(a0, a1, 0x88);
        var topRight = Sse.Shuffle(a0, a1, 0xDD);
        var bottomLeft = Sse.Shuffle(b0, b1, 0x88);
        var bottomRight = Sse.Shuffle(b0, b1, 0xDD);
        var baseIndex = Vector128.Create(rowBase + 2 * j) + Vector128.Create(0, 2, 4, 6);
        var best = topLeft;
        var index = baseIndex;
        var m = Vector128.GreaterThan(topRight, best);
        best = Vector128.ConditionalSelect(m, topRight, best);
        index = Vector128.ConditionalSelect(m.AsInt32(), baseIndex + Vector128<int>.One, index);
        m = Vector128.GreaterThan(bottomLeft, best);
        best = Vector128.ConditionalSelect(m, bottomLeft, best);
        index = Vector128.ConditionalSelect(m.AsInt32(), baseIndex + Vector128.Create(width), index);
        m = Vector128.GreaterThan(bottomRight, best);
        best = Vector128.ConditionalSelect(m, bottomRight, best);
        index = Vector128.ConditionalSelect(m.AsInt32(), baseIndex + Vector128.Create(width + 1), index);
        best.Store(output + j);
        index.Store(argmax + j);
    }

    /// <summary>
    /// The backward pass of one plane of the unpadded 2x2 stride-2 case without a scatter: the windows do not overlap,
    /// so each input pixel is the output gradient of its window where it holds the argmax and 0 elsewhere, written
    /// row by row (plus zeros for the rows and columns no window covers). Returns false, having written garbage that
    /// the caller overwrites, when some argmax is not a pixel of its own window: that plane takes the scatter, which
    /// also reports an argmax outside the plane. Bit-identical to the scatter: the + 0 turns -0 into +0 as 0 + dy does.
    /// </summary>
    private static unsafe bool Backward2x2(float* dy, int* argmax, float* relu, in Pool2DGeometry g, float* dx)
    {
        // Safe: 2 * OutWidth <= Width and 2 * OutHeight <= Height (IsUnpadded2x2Stride2), so rows 2*oh and 2*oh+1 exist
        // and every store ends at or before column 2 * OutWidth; the caller's OutWidth >= 8 keeps the overlapping last block in the row.
        var width = g.Width;
        var outWidth = g.OutWidth;
        for (var oh = 0; oh < g.OutHeight; oh++)
        {
            var rowBase = 2 * oh * width;
            var dyRow = dy + oh * outWidth;
            var argRow = argmax + oh * outWidth;
            var reluRow = relu is null ? null : relu + oh * outWidth;
            var j = 0;
            var ok = true;
            for (; j + 8 <= outWidth; j += 8)
            {
                ok &= BackwardBlock2x2Avx2(dyRow, argRow, reluRow, rowBase, j, width, dx);
            }
            if (j < outWidth)
            {
                ok &= BackwardBlock2x2Avx2(dyRow, argRow, reluRow, rowBase, outWidth - 8, width, dx);
            }
            if (!ok)
            {
                return false;
            }
            ZeroUncoveredColumns(dx + rowBase, width, 2 * outWidth);
            ZeroUncoveredColumns(dx + rowBase + width, width, 2 * outWidth);
        }
        new Span<float>(dx + 2 * g.OutHeight * width, (g.Height - 2 * g.OutHeight) * width).Clear();
        return true;
    }

    /// <summary>
    /// Input columns [2j, 2j + 16) of rows 2*oh and 2*oh+1 from outputs [j, j + 8), each gradient kept only where
    /// reluRow (if not null) is above 0; false if an argmax is not in its window.
    /// </summary>
    private static unsafe bool BackwardBlock2x2Avx2(float* dyRow, int* argRow, float* reluRow, int rowBase, int j, int width, float* dx)
    {
        var grad = Vector256.Load(dyRow + j);
        if (reluRow is not null)
        {
            grad &= Vector256.GreaterThan(Vector256.Load(reluRow + j), Vector256<float>.Zero);
        }
        var index = Vector256.Load(argRow + j);
        var topLeft = Vector256.Create(rowBase + 2 * j) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var mTopLeft = Vector256.Equals(index, topLeft);
        var mTopRight = Vector256.Equals(index, topLeft + Vector256<int>.One);
        var mBottomLeft = Vector256.Equals(index, topLeft + Vector256.Create(width));
        var mBottomRight = Vector256.Equals(index, topLeft + Vector256.Create(width + 1));
        var hit = (mTopLeft | mTopRight | mBottomLeft | mBottomRight) == Vector256<int>.AllBitsSet;
        var zero = Vector256<float>.Zero;
        var tl = (grad & mTopLeft.AsSingle()) + zero;
        var tr = (grad & mTopRight.AsSingle()) + zero;
        var bl = (grad & mBottomLeft.AsSingle()) + zero;
        var br = (grad & mBottomRight.AsSingle()) + zero;
        // unpcklps/unpckhps interleave within 128-bit halves; vperm2f128 puts the halves back in order.
        var top0 = Avx.UnpackLow(tl, tr);
        var top1 = Avx.UnpackHigh(tl, tr);
        var bottom0 = Avx.UnpackLow(bl, br);
        var bottom1 = Avx.UnpackHigh(bl, br);
        var r0 = dx + rowBase + 2 * j;
        var r1 = r0 + width;
        Avx.Permute2x128(top0, top1, 0x20).Store(r0);
        Avx.Permute2x128(top0, top1, 0x31).Store(r0 + 8);
        Avx.Permute2x128(bottom0, bottom1, 0x20).Store(r1);
        Avx.Permute2x128(bottom0, bottom1, 0x31).Store(r1 + 8);
        return hit;
    }

    private readonly unsafe struct ForwardRows(float* input, float* output, int* argmax, Pool2DGeometry g) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            var inPlane = g.InputPlaneSize;
            var fast = g.IsUnpadded2x2Stride2;
            for (var r = start; r < end; r++)
            {
                var p = r / g.OutHeight;
                var oh = r - p * g.OutHeight;
                var plane = input + (long)p * inPlane;
                var outRow = (long)r * g.OutWidth;
                if (fast)
                {
                    Row2x2(plane, oh, g, output + outRow, argmax + outRow);
                }
                else
                {
                    RowGeneral(plane, oh, g, output + outRow, argmax + outRow);
                }
            }
        }
    }

    private readonly unsafe struct BackwardPlanes(float* dOutput, int* argmax, float* dInput, Pool2DGeometry g, float* relu) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            var inPlane = g.InputPlaneSize;
            var outPlane = g.OutputPlaneSize;
            // Without AVX-512, below 8 outputs a row the scatter measured faster (seed-mnist's 14x14 -> 7x7: 0.085 vs 0.110 ms for 64 images).
            var narrow = IsNarrow2x2(g);
            var fast = !narrow && g.IsUnpadded2x2Stride2 && Avx2.IsSupported && g.OutWidth >= 8;
            for (var p = start; p < end; p++)
            {
                var dx = new Span<float>(dInput + (long)p * inPlane, inPlane);
                var dy = new ReadOnlySpan<float>(dOutput + (long)p * outPlane, outPlane);
                var arg = new ReadOnlySpan<int>(argmax + (long)p * outPlane, outPlane);
                var reluPlane = relu is null ? null : relu + (long)p * outPlane;
                if (narrow && Backward2x2Narrow(dOutput + (long)p * outPlane, argmax + (long)p * outPlane, reluPlane, g, dInput + (long)p * inPlane))
                {
                    continue;
                }
                if (fast && Backward2x2(dOutput + (long)p * outPlane, argmax + (long)p * outPlane, reluPlane, g, dInput + (long)p * inPlane))
                {
                    continue;
                }
                dx.Clear();
                for (var k = 0; k < outPlane; k++)
                {
                    var a = arg[k];
                    if (a >= 0)
                    {
                        if (a >= inPlane)
                        {
                            throw new ArgumentException($"argmax[{(long)p * outPlane + k}] = {a} lies outside its input plane of {inPlane} elements.", nameof(argmax));
                        }
                        if (reluPlane is null || reluPlane[k] > 0f)
                        {
                            dx[a] += dy[k];
                        }
                    }
                }
            }
        }
    }
}
