using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Pooling;

// The unpadded 2x2 stride-2 case on AVX-512 when a row has at most 8 outputs (seed-mnist's 14x14 -> 7x7): two output
// rows share one 16-lane vector, lanes [0, OW) the first and [OW, 2 OW) the second, so each vector step does a whole
// 4-row band of the input instead of a half-empty vector (or a scalar loop) per row.
public static partial class MaxPool2DCpu
{
    private static bool IsNarrow2x2(in Pool2DGeometry g) => Avx512F.IsSupported && g.IsUnpadded2x2Stride2 && g.OutWidth <= 8;

    /// <summary>The lane layout of a pair of output rows: which lanes hold the second row, and each lane's output column.</summary>
    private static (Vector512<int> Second, Vector512<int> Column) NarrowLanes(int outWidth)
    {
        var lane = Vector512<int>.Indices;
        var second = Vector512.GreaterThanOrEqual(lane, Vector512.Create(outWidth));
        return (second, lane - (second & Vector512.Create(outWidth)));
    }

    /// <summary>
    /// One plane of the narrow case, output rows two at a time (the last alone when OH is odd). Reads input rows
    /// [2*oh, 2*oh + 4), columns [0, 2*OW), with masked loads; candidates are compared in row-major order with a strict
    /// &gt;, as <see cref="ScalarOutputs"/> does.
    /// </summary>
    private static unsafe void Plane2x2Narrow(float* plane, in Pool2DGeometry g, float* output, int* argmax)
    {
        // Safe: IsUnpadded2x2Stride2 gives 2 * OutHeight <= Height and 2 * OutWidth <= Width, so rows 2*oh .. 2*oh+3 of
        // a pair (2*oh, 2*oh+1 of a lone last row) exist, and the loads are masked to the 2 * OutWidth <= 16 columns
        // in use; the stores are masked to the pair's 2 * OutWidth (or OutWidth) outputs.
        var width = g.Width;
        var outWidth = g.OutWidth;
        var (second, column) = NarrowLanes(outWidth);
        var even = 2 * column + (second & Vector512.Create(16)); // lane of (first input row, second) for vpermt2ps
        var odd = even + Vector512<int>.One;
        var laneBase = 2 * column + (second & Vector512.Create(2 * width)); // each window's top-left, from row 2*oh
        var lane = Vector512<int>.Indices;
        var rowMask = Vector512.LessThan(lane, Vector512.Create(2 * outWidth)).AsSingle();
        var singleMask = Vector512.LessThan(lane, Vector512.Create(outWidth));
        var right = Vector512<int>.One;
        var down = Vector512.Create(width);
        var downRight = Vector512.Create(width + 1);
        var zero = Vector512<float>.Zero;
        for (var oh = 0; oh < g.OutHeight; oh += 2)
        {
            var pair = oh + 1 < g.OutHeight;
            var top0 = plane + 2 * oh * width;
            var top1 = pair ? top0 + 2 * width : top0;
            var a0 = Avx512F.MaskLoad(top0, rowMask, zero);
            var a1 = Avx512F.MaskLoad(top1, rowMask, zero);
            var b0 = Avx512F.MaskLoad(top0 + width, rowMask, zero);
            var b1 = Avx512F.MaskLoad(top1 + width, rowMask, zero);
            var topLeft = Avx512F.PermuteVar16x32x2(a0, even, a1);
            var topRight = Avx512F.PermuteVar16x32x2(a0, odd, a1);
            var bottomLeft = Avx512F.PermuteVar16x32x2(b0, even, b1);
            var bottomRight = Avx512F.PermuteVar16x32x2(b0, odd, b1);
            var baseIndex = Vector512.Create(2 * oh * width) + laneBase;
            var best = topLeft;
            var index = baseIndex;
            var m = Vector512.GreaterThan(topRight, best);
            best = Vector512.ConditionalSelect(m, topRight, best);
            index = Vector512.ConditionalSelect(m.AsInt32(), baseIndex + right, index);
            m = Vector512.GreaterThan(bottomLeft, best);
            best = Vector512.ConditionalSelect(m, bottomLeft, best);
            index = Vector512.ConditionalSelect(m.AsInt32(), baseIndex + down, index);
            m = Vector512.GreaterThan(bottomRight, best);
            best = Vector512.ConditionalSelect(m, bottomRight, best);
            index = Vector512.ConditionalSelect(m.AsInt32(), baseIndex + downRight, index);
            var store = pair ? rowMask.AsInt32() : singleMask;
            Avx512F.MaskStore(output + oh * outWidth, store.AsSingle(), best);
            Avx512F.MaskStore(argmax + oh * outWidth, store, index);
        }
    }

    /// <summary>
    /// The backward pass of one plane of the narrow case without a scatter, two output rows at a time: each input pixel
    /// is its window's output gradient where it holds the argmax (and, with <paramref name="relu"/>, the output is
    /// above 0), else 0. Returns false, having written garbage the caller overwrites, when some argmax is not a pixel of
    /// its own window. Bit-identical to the scatter: the + 0 turns -0 into +0 as 0 + dy does.
    /// </summary>
    private static unsafe bool Backward2x2Narrow(float* dy, int* argmax, float* relu, in Pool2DGeometry g, float* dx)
    {
        // Safe: as in Plane2x2Narrow, the rows written exist and every load and store is masked to the outputs of the
        // pair (dy, argmax, relu) or to the 2 * OutWidth <= Width columns of its input rows (dx); the columns and rows no
        // window covers are zeroed explicitly inside the plane.
        var width = g.Width;
        var outWidth = g.OutWidth;
        var (second, column) = NarrowLanes(outWidth);
        var laneBase = 2 * column + (second & Vector512.Create(2 * width));
        var lane = Vector512<int>.Indices;
        // Input column c of a row takes lane c / 2 of the left (even c) or the right (odd c) candidates: vpermt2ps
        // indices c / 2 + 16 * (c & 1); the second output row's lanes start at OW.
        var firstRow = (lane >> 1) + ((lane & Vector512<int>.One) << 4);
        var secondRow = firstRow + Vector512.Create(outWidth);
        var rowMask = Vector512.LessThan(lane, Vector512.Create(2 * outWidth));
        var singleMask = Vector512.LessThan(lane, Vector512.Create(outWidth));
        var zero = Vector512<float>.Zero;
        var ok = Vector512<int>.AllBitsSet;
        for (var oh = 0; oh < g.OutHeight; oh += 2)
        {
            var pair = oh + 1 < g.OutHeight;
            var outputs = pair ? rowMask : singleMask;
            var at = oh * outWidth;
            var grad = Avx512F.MaskLoad(dy + at, outputs.AsSingle(), zero);
            if (relu is not null)
            {
                grad &= Vector512.GreaterThan(Avx512F.MaskLoad(relu + at, outputs.AsSingle(), zero), zero);
            }
            var index = Avx512F.MaskLoad(argmax + at, outputs, Vector512<int>.Zero);
            var topLeft = Vector512.Create(2 * oh * width) + laneBase;
            var mTopLeft = Vector512.Equals(index, topLeft);
            var mTopRight = Vector512.Equals(index, topLeft + Vector512<int>.One);
            var mBottomLeft = Vector512.Equals(index, topLeft + Vector512.Create(width));
            var mBottomRight = Vector512.Equals(index, topLeft + Vector512.Create(width + 1));
            ok &= mTopLeft | mTopRight | mBottomLeft | mBottomRight | ~outputs;
            var tl = (grad & mTopLeft.AsSingle()) + zero;
            var tr = (grad & mTopRight.AsSingle()) + zero;
            var bl = (grad & mBottomLeft.AsSingle()) + zero;
            var br = (grad & mBottomRight.AsSingle()) + zero;
            var r0 = dx + 2 * oh * width;
            var columns = rowMask.AsSingle();
            Avx512F.MaskStore(r0, columns, Avx512F.PermuteVar16x32x2(tl, firstRow, tr));
            Avx512F.MaskStore(r0 + width, columns, Avx512F.PermuteVar16x32x2(bl, firstRow, br));
            ZeroUncoveredColumns(r0, width, 2 * outWidth);
            ZeroUncoveredColumns(r0 + width, width, 2 * outWidth);
            if (pair)
            {
                Avx512F.MaskStore(r0 + 2 * width, columns, Avx512F.PermuteVar16x32x2(tl, secondRow, tr));
                Avx512F.MaskStore(r0 + 3 * width, columns, Avx512F.PermuteVar16x32x2(bl, secondRow, br));
                ZeroUncoveredColumns(r0 + 2 * width, width, 2 * outWidth);
                ZeroUncoveredColumns(r0 + 3 * width, width, 2 * outWidth);
            }
        }
        new Span<float>(dx + 2 * g.OutHeight * width, (g.Height - 2 * g.OutHeight) * width).Clear();
        return ok == Vector512<int>.AllBitsSet;
    }

    private static unsafe void ZeroUncoveredColumns(float* row, int width, int from)
    {
        for (var w = from; w < width; w++)
        {
            row[w] = 0f;
        }
    }

    private readonly unsafe struct ForwardNarrowPlanes(float* input, float* output, int* argmax, Pool2DGeometry g) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var p = start; p < end; p++)
            {
                Plane2x2Narrow(input + (long)p * g.InputPlaneSize, g, output + (long)p * g.OutputPlaneSize, argmax + (long)p * g.OutputPlaneSize);
            }
        }
    }
}
