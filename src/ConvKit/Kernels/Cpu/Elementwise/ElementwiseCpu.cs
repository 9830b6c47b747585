using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// Element-wise and broadcasting kernels used by layers: bias addition and its gradient, dropout, sums and products,
/// and channel-block copies for concatenation. Layouts are row-major: (N, C, S) with S = H * W for feature maps,
/// (rows, cols) for dense activations.
/// </summary>
/// <remarks>
/// Spans may be longer than the shape they are given; only the prefix the shape covers is read or written. Large
/// problems (32K elements or more) are split over <see cref="Threading.CpuThreads"/> by rows, channels, columns or
/// fixed 64-element blocks, so results are bit-identical whatever the thread count. Gradient sums accumulate in double.
/// Nothing here allocates.
/// </remarks>
public static class ElementwiseCpu
{
    /// <summary>x[n, c, s] += bias[c] for x (N, C, S), in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static unsafe void AddChannelBias(Span<float> x, int n, int c, int s, ReadOnlySpan<float> bias)
    {
        var count = CheckNcs(n, c, s);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(bias.Length, c, nameof(bias));
        if (count == 0)
        {
            return;
        }
        if (s == 1)
        {
            AddRowBias(x, n, c, bias);
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each (sample, channel) row is written by one worker and lies
        // inside the n * c * s prefix checked above.
        fixed (float* px = x, pb = bias)
        {
            ParallelRange.Run(new ChannelBiasRows(px, pb, c, s), n * c, 1, count);
        }
    }

    /// <summary>dBias[c] += sum over n and s of dy[n, c, s] for dy (N, C, S), summed in double.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static unsafe void AccumulateChannelBiasGradient(ReadOnlySpan<float> dy, int n, int c, int s, Span<float> dBias)
    {
        var count = CheckNcs(n, c, s);
        SpanChecks.AtLeast(dy.Length, count, nameof(dy));
        SpanChecks.AtLeast(dBias.Length, c, nameof(dBias));
        if (count == 0)
        {
            return;
        }
        if (s == 1)
        {
            AccumulateColumnSums(dy, n, c, dBias);
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each channel of dBias is owned by one worker, which reads only
        // rows inside the n * c * s prefix checked above.
        fixed (float* pdy = dy, pdb = dBias)
        {
            ParallelRange.Run(new ChannelSums(pdy, pdb, n, c, s), c, 1, count);
        }
    }

    /// <summary>x[r, j] += bias[j] for x (rows, cols), in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static unsafe void AddRowBias(Span<float> x, int rows, int cols, ReadOnlySpan<float> bias)
    {
        var count = CheckRows(rows, cols);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(bias.Length, cols, nameof(bias));
        if (count == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each row is written by one worker inside the checked prefix.
        fixed (float* px = x, pb = bias)
        {
            ParallelRange.Run(new RowBiasRows(px, pb, cols), rows, 1, count);
        }
    }

    /// <summary>dBias[j] += sum_r dy[r, j] for dy (rows, cols); each column is summed over rows in order, in double.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static unsafe void AccumulateColumnSums(ReadOnlySpan<float> dy, int rows, int cols, Span<float> dBias)
    {
        var count = CheckRows(rows, cols);
        SpanChecks.AtLeast(dy.Length, count, nameof(dy));
        SpanChecks.AtLeast(dBias.Length, cols, nameof(dBias));
        if (count == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each column of dBias is owned by one worker, which reads only
        // elements r * cols + j of the checked prefix.
        fixed (float* pdy = dy, pdb = dBias)
        {
            ParallelRange.Run(new ColumnSums(pdy, pdb, rows, cols), cols, 16, count);
        }
    }

    /// <summary>
    /// Inverted dropout (Srivastava et al. 2014, https://jmlr.org/papers/v15/srivastava14a.html):
    /// mask[i] = (u_i &gt;= rate) ? 1 / (1 - rate) : 0 and y[i] = x[i] * mask[i], with
    /// u_i = <see cref="CounterRng.Uniform"/>(seed, step, first + i). The mask depends only on (seed, step, first + i),
    /// never on the thread count; use a new <paramref name="step"/> for each training step, and <paramref name="first"/>
    /// to draw a part of a larger tensor's mask (its offset there). <paramref name="y"/> may be <paramref name="x"/>
    /// itself. The backward pass is <see cref="Multiply"/>(dy, mask, dx).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is not in [0, 1).</exception>
    /// <exception cref="ArgumentException"><paramref name="mask"/> or <paramref name="y"/> is shorter than <paramref name="x"/>, or overlaps it at an offset.</exception>
    public static unsafe void DropoutForward(ReadOnlySpan<float> x, float rate, ulong seed, ulong step, Span<float> mask, Span<float> y, ulong first = 0)
    {
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        }
        SpanChecks.AtLeast(mask.Length, x.Length, nameof(mask));
        SpanChecks.AtLeast(y.Length, x.Length, nameof(y));
        SpanChecks.NoPartialOverlap(x, y, nameof(y));
        SpanChecks.NoPartialOverlap(x, mask, nameof(mask));
        if (x.IsEmpty)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each worker touches only its own block range of the checked lengths.
        fixed (float* px = x, pm = mask, py = y)
        {
            ParallelRange.Run(new DropoutBlocks(px, pm, py, rate, CounterRng.StreamKey(seed, step), first), x.Length, ParallelRange.ElementGrain, x.Length);
        }
    }

    /// <summary>y = a * b element-wise; <paramref name="y"/> may be <paramref name="a"/> or <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="y"/> is too short or overlaps an input at an offset.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        CheckBinary(a, b, y);
        ElementwiseDriver.ParallelBinarySpan(a, b, y, new MultiplyKernel());
    }

    /// <summary>y = a + b element-wise; <paramref name="y"/> may be <paramref name="a"/> or <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="y"/> is too short or overlaps an input at an offset.</exception>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        CheckBinary(a, b, y);
        ElementwiseDriver.ParallelBinarySpan(a, b, y, new AddKernel());
    }

    /// <summary>acc += x element-wise.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or the spans overlap at an offset.</exception>
    public static void AddInPlace(Span<float> acc, ReadOnlySpan<float> x)
    {
        CheckBinary(acc, x, acc);
        ElementwiseDriver.ParallelBinarySpan(acc, x, acc, new AddKernel());
    }

    /// <summary>
    /// Copies src (N, srcChannels, S) into channels [dstChannelOffset, dstChannelOffset + srcChannels) of
    /// dst (N, dstChannels, S), leaving dst's other channels alone: the forward pass of concatenation along channels.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or the offset is negative, or the block does not fit in dstChannels.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or the spans overlap.</exception>
    public static void CopyChannels(ReadOnlySpan<float> src, int n, int srcChannels, int s, Span<float> dst, int dstChannels, int dstChannelOffset)
    {
        var (srcCount, dstCount) = CheckChannelBlock(n, srcChannels, s, dstChannels, dstChannelOffset, nameof(dstChannelOffset));
        SpanChecks.AtLeast(src.Length, srcCount, nameof(src));
        SpanChecks.AtLeast(dst.Length, dstCount, nameof(dst));
        CheckDisjoint(src[..srcCount], dst[..dstCount], nameof(dst));
        var block = srcChannels * s;
        for (var i = 0; i < n; i++)
        {
            src.Slice(i * block, block).CopyTo(dst.Slice((i * dstChannels + dstChannelOffset) * s, block));
        }
    }

    /// <summary>
    /// Copies channels [srcChannelOffset, srcChannelOffset + dstChannels) of src (N, srcChannels, S) into
    /// dst (N, dstChannels, S): the inverse of <see cref="CopyChannels"/>, used by the backward pass of concatenation.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or the offset is negative, or the block does not fit in srcChannels.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or the spans overlap.</exception>
    public static void ExtractChannels(ReadOnlySpan<float> src, int n, int srcChannels, int s, int srcChannelOffset, Span<float> dst, int dstChannels)
    {
        var (dstCount, srcCount) = CheckChannelBlock(n, dstChannels, s, srcChannels, srcChannelOffset, nameof(srcChannelOffset));
        SpanChecks.AtLeast(src.Length, srcCount, nameof(src));
        SpanChecks.AtLeast(dst.Length, dstCount, nameof(dst));
        CheckDisjoint(src[..srcCount], dst[..dstCount], nameof(dst));
        var block = dstChannels * s;
        for (var i = 0; i < n; i++)
        {
            src.Slice((i * srcChannels + srcChannelOffset) * s, block).CopyTo(dst.Slice(i * block, block));
        }
    }

    private static int CheckNcs(int n, int c, int s)
    {
        SpanChecks.NonNegative(n, nameof(n));
        SpanChecks.NonNegative(c, nameof(c));
        SpanChecks.NonNegative(s, nameof(s));
        return SpanChecks.Product(n, c, s, "n x c x s");
    }

    private static int CheckRows(int rows, int cols)
    {
        SpanChecks.NonNegative(rows, nameof(rows));
        SpanChecks.NonNegative(cols, nameof(cols));
        return SpanChecks.Product(rows, cols, "rows x cols");
    }

    private static void CheckBinary(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        SpanChecks.SameLength(b.Length, a.Length, nameof(b));
        SpanChecks.AtLeast(y.Length, a.Length, nameof(y));
        SpanChecks.NoPartialOverlap(a, y, nameof(y));
        SpanChecks.NoPartialOverlap(b, y, nameof(y));
    }

    private static (int Block, int Whole) CheckChannelBlock(int n, int blockChannels, int s, int wholeChannels, int offset, string offsetName)
    {
        SpanChecks.NonNegative(n, nameof(n));
        SpanChecks.NonNegative(blockChannels, nameof(blockChannels));
        SpanChecks.NonNegative(s, nameof(s));
        SpanChecks.NonNegative(offset, offsetName);
        if ((long)offset + blockChannels > wholeChannels)
        {
            throw new ArgumentOutOfRangeException(offsetName, offset, $"Channels [{offset}, {(long)offset + blockChannels}) do not fit in {wholeChannels} channels.");
        }
        return (SpanChecks.Product(n, blockChannels, s, "n x channels x s"), SpanChecks.Product(n, wholeChannels, s, "n x channels x s"));
    }

    private static void CheckDisjoint(ReadOnlySpan<float> a, ReadOnlySpan<float> b, string name)
    {
        if (a.Overlaps(b))
        {
            throw new ArgumentException($"{name} overlaps the source; channel copies need separate buffers.", name);
        }
    }

    private readonly struct MultiplyKernel : IBinarySpanKernel
    {
        public void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Multiply(a, b, y);
    }

    private readonly struct AddKernel : IBinarySpanKernel
    {
        public void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Add(a, b, y);
    }

    private readonly unsafe struct ChannelBiasRows(float* x, float* bias, int c, int s) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var row = new Span<float>(x + (long)r * s, s);
                TensorPrimitives.Add(row, bias[r % c], row);
            }
        }
    }

    private readonly unsafe struct RowBiasRows(float* x, float* bias, int cols) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            var b = new ReadOnlySpan<float>(bias, cols);
            for (var r = start; r < end; r++)
            {
                var row = new Span<float>(x + (long)r * cols, cols);
                TensorPrimitives.Add(row, b, row);
            }
        }
    }

    private readonly unsafe struct ChannelSums(float* dy, float* dBias, int n, int c, int s) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var ch = start; ch < end; ch++)
            {
                var sum = 0.0;
                for (var i = 0; i < n; i++)
                {
                    sum += DoubleSums.Sum(new ReadOnlySpan<float>(dy + ((long)i * c + ch) * s, s));
                }
                dBias[ch] = (float)(dBias[ch] + sum);
            }
        }
    }

    /// <summary>Sums columns [start, end) down the rows, eight or sixteen columns at a time in double lanes.</summary>
    private readonly unsafe struct ColumnSums(float* dy, float* dBias, int rows, int cols) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            var j = start;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 16 <= end; j += 16)
                {
                    var acc0 = Vector512<double>.Zero;
                    var acc1 = Vector512<double>.Zero;
                    for (var r = 0; r < rows; r++)
                    {
                        var (lo, hi) = Vector512.Widen(Vector512.Load(dy + (long)r * cols + j));
                        acc0 += lo;
                        acc1 += hi;
                    }
                    Store(j, acc0);
                    Store(j + 8, acc1);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= end; j += 8)
                {
                    var acc0 = Vector256<double>.Zero;
                    var acc1 = Vector256<double>.Zero;
                    for (var r = 0; r < rows; r++)
                    {
                        var (lo, hi) = Vector256.Widen(Vector256.Load(dy + (long)r * cols + j));
                        acc0 += lo;
                        acc1 += hi;
                    }
                    Store(j, acc0);
                    Store(j + 4, acc1);
                }
            }
            for (; j < end; j++)
            {
                var sum = 0.0;
                for (var r = 0; r < rows; r++)
                {
                    sum += dy[(long)r * cols + j];
                }
                dBias[j] = (float)(dBias[j] + sum);
            }
        }

        private void Store(int j, Vector512<double> sums)
        {
            for (var k = 0; k < 8; k++)
            {
                dBias[j + k] = (float)(dBias[j + k] + sums.GetElement(k));
            }
        }

        private void Store(int j, Vector256<double> sums)
        {
            for (var k = 0; k < 4; k++)
            {
                dBias[j + k] = (float)(dBias[j + k] + sums.GetElement(k));
            }
        }
    }

    private readonly unsafe struct DropoutBlocks(float* x, float* mask, float* y, float rate, ulong key, ulong first) : IRangeKernel
    {
        public void Execute(int start, int end) => DropoutRange(x, mask, y, rate, key, first, start, end, int.MaxValue);
    }

    /// <summary>
    /// Elements [start, end) of <see cref="DropoutForward"/> (counters first + i), with vectors of at most <paramref name="maxLanes"/> floats
    /// (16 for Vector512, 8 for Vector256, less for scalar only; tests pin each width). Every width hashes the same
    /// counters and compares the same exactly representable uniforms, so the bits do not depend on it.
    /// </summary>
    internal static unsafe void DropoutRange(float* x, float* mask, float* y, float rate, ulong key, ulong first, int start, int end, int maxLanes)
    {
        var scale = 1f / (1f - rate);
        const float unit = 1f / (1 << 24);
        var i = start;
        if (maxLanes >= 16 && Vector512.IsHardwareAccelerated)
        {
            var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            var threshold = Vector512.Create(rate);
            var kept = Vector512.Create(scale);
            for (; i + 16 <= end; i += 16)
            {
                var low = Vector512.Create(first + (ulong)i) + lanes;
                var top = Vector512.Narrow(
                    Vector512.ShiftRightLogical(CounterRng.Bits(key, low), 40),
                    Vector512.ShiftRightLogical(CounterRng.Bits(key, low + Vector512.Create(8UL)), 40));
                var u = Vector512.ConvertToSingle(top.AsInt32()) * unit;
                var v = Vector512.Load(x + i); // read first: y or mask may be x itself
                var m = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(u, threshold), kept, Vector512<float>.Zero);
                m.Store(mask + i);
                (v * m).Store(y + i);
            }
        }
        if (maxLanes >= 8 && Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256.Create(0UL, 1, 2, 3);
            var threshold = Vector256.Create(rate);
            var kept = Vector256.Create(scale);
            for (; i + 8 <= end; i += 8)
            {
                var low = Vector256.Create(first + (ulong)i) + lanes;
                var top = Vector256.Narrow(
                    Vector256.ShiftRightLogical(CounterRng.Bits(key, low), 40),
                    Vector256.ShiftRightLogical(CounterRng.Bits(key, low + Vector256.Create(4UL)), 40));
                var u = Vector256.ConvertToSingle(top.AsInt32()) * unit;
                var v = Vector256.Load(x + i);
                var m = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(u, threshold), kept, Vector256<float>.Zero);
                m.Store(mask + i);
                (v * m).Store(y + i);
            }
        }
        for (; i < end; i++)
        {
            var v = x[i];
            var m = CounterRng.ToUniform(CounterRng.Bits(key, first + (ulong)i)) >= rate ? scale : 0f;
            mask[i] = m;
            y[i] = v * m;
        }
    }
}
