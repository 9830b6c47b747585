using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Normalization;

/// <summary>
/// Local response normalisation across channels (Krizhevsky, Sutskever and Hinton 2012, "ImageNet Classification with
/// Deep Convolutional Neural Networks", section 3.3) with PyTorch's <c>LocalResponseNorm</c> semantics, on x (N, C, S):
/// <code>
/// scale[n, c, s] = k + alpha / size * sum_{j = c - size/2}^{c + (size-1)/2} x[n, j, s]^2   (channels outside [0, C) count as 0)
/// y[n, c, s]     = x[n, c, s] * scale[n, c, s]^(-beta)
/// </code>
/// AlexNet used size = 5, alpha = 1e-4, beta = 0.75, k = 2. Note that alpha is divided by the window size, as in PyTorch
/// and Caffe, unlike TensorFlow's <c>local_response_normalization</c>. (Sample, channel) rows are split over
/// <see cref="Threading.CpuThreads"/> when large; results do not depend on the thread count. Nothing here allocates.
/// </summary>
public static class LocalResponseNormCpu
{
    /// <summary>Forward pass; writes y and the denominator base <paramref name="scaleSaved"/> (before the power).</summary>
    /// <param name="x">(N, C, S).</param>
    /// <param name="n">Batch size N.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="s">Spatial size S = H * W.</param>
    /// <param name="size">Channels in the window (at least 1).</param>
    /// <param name="alpha">Scale of the sum of squares (divided by size).</param>
    /// <param name="beta">Exponent.</param>
    /// <param name="k">Additive constant.</param>
    /// <param name="y">(N, C, S), overwritten; must not overlap x.</param>
    /// <param name="scaleSaved">(N, C, S), overwritten with k + alpha/size * sum x^2, for the backward pass.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or size is less than 1.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or an output overlaps x.</exception>
    public static unsafe void Forward(ReadOnlySpan<float> x, int n, int c, int s, int size, float alpha, float beta, float k, Span<float> y, Span<float> scaleSaved)
    {
        var count = Check(n, c, s, size);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.AtLeast(scaleSaved.Length, count, nameof(scaleSaved));
        Disjoint(x[..count], y[..count], nameof(y));
        Disjoint(x[..count], scaleSaved[..count], nameof(scaleSaved));
        Disjoint(y[..count], scaleSaved[..count], nameof(scaleSaved));
        if (count == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each (sample, channel) row of y and scaleSaved is written by one
        // worker, and every row read lies inside the n * c * s prefixes checked above.
        fixed (float* px = x, py = y, ps = scaleSaved)
        {
            ParallelRange.Run(new ForwardRows(px, py, ps, c, s, size, alpha, beta, k), n * c, 1, (long)count * size);
        }
    }

    /// <summary>
    /// Backward pass: with window(j) the channels that j's denominator sums over,
    /// dx[i] = dy[i] * scale[i]^(-beta) - (2 alpha beta / size) * x[i] * sum_{j : i in window(j)} dy[j] * y[j] / scale[j]
    /// (same sample and spatial position). <paramref name="dx"/> is OVERWRITTEN and must not overlap the inputs.
    /// </summary>
    /// <param name="x">(N, C, S), the forward input.</param>
    /// <param name="y">(N, C, S), the forward output.</param>
    /// <param name="scaleSaved">(N, C, S) from <see cref="Forward"/>.</param>
    /// <param name="dy">(N, C, S), gradient of the output.</param>
    /// <param name="n">Batch size N.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="s">Spatial size S.</param>
    /// <param name="size">As in the forward pass.</param>
    /// <param name="alpha">As in the forward pass.</param>
    /// <param name="beta">As in the forward pass.</param>
    /// <param name="k">As in the forward pass (unused: the saved scale already contains it).</param>
    /// <param name="dx">(N, C, S), overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or size is less than 1.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or dx overlaps an input.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> scaleSaved, ReadOnlySpan<float> dy,
        int n, int c, int s, int size, float alpha, float beta, float k, Span<float> dx)
    {
        _ = k;
        var count = Check(n, c, s, size);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.AtLeast(scaleSaved.Length, count, nameof(scaleSaved));
        SpanChecks.AtLeast(dy.Length, count, nameof(dy));
        SpanChecks.AtLeast(dx.Length, count, nameof(dx));
        Disjoint(x[..count], dx[..count], nameof(dx));
        Disjoint(y[..count], dx[..count], nameof(dx));
        Disjoint(scaleSaved[..count], dx[..count], nameof(dx));
        Disjoint(dy[..count], dx[..count], nameof(dx));
        if (count == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each (sample, channel) row of dx is written by one worker, and
        // every row read lies inside the n * c * s prefixes checked above.
        fixed (float* px = x, py = y, ps = scaleSaved, pdy = dy, pdx = dx)
        {
            ParallelRange.Run(new BackwardRows(px, py, ps, pdy, pdx, c, s, size, alpha, beta), n * c, 1, (long)count * size);
        }
    }

    /// <summary>Channels [First, Last] summed into the denominator of channel <paramref name="ch"/>.</summary>
    internal static (int First, int Last) Window(int ch, int c, int size) => (Math.Max(ch - size / 2, 0), Math.Min(ch + (size - 1) / 2, c - 1));

    /// <summary>Channels j whose window contains channel <paramref name="i"/>: [i - (size-1)/2, i + size/2], clipped.</summary>
    internal static (int First, int Last) ReverseWindow(int i, int c, int size) => (Math.Max(i - (size - 1) / 2, 0), Math.Min(i + size / 2, c - 1));

    /// <summary>
    /// destination = scale^(-beta). AlexNet's beta = 0.75 (and 0.5, 1) use square roots, exact to a few ulps and
    /// vectorised; other exponents go through exp(-beta * log(scale)).
    /// </summary>
    private static void PowNegative(ReadOnlySpan<float> scale, float beta, Span<float> destination)
    {
        switch (beta)
        {
            case 0.75f:
                ElementwiseDriver.Unary(scale, destination, new InverseThreeQuarterPowerOp());
                break;
            case 0.5f:
                TensorPrimitives.ReciprocalSqrt(scale, destination);
                break;
            case 1f:
                TensorPrimitives.Reciprocal(scale, destination);
                break;
            default:
                TensorPrimitives.Log(scale, destination);
                TensorPrimitives.Multiply(destination, -beta, destination);
                TensorPrimitives.Exp(destination, destination);
                break;
        }
    }

    private static int Check(int n, int c, int s, int size)
    {
        SpanChecks.NonNegative(n, nameof(n));
        SpanChecks.NonNegative(c, nameof(c));
        SpanChecks.NonNegative(s, nameof(s));
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return SpanChecks.Product(n, c, s, "n x c x s");
    }

    private static void Disjoint(ReadOnlySpan<float> a, ReadOnlySpan<float> b, string name)
    {
        if (a.Overlaps(b))
        {
            throw new ArgumentException($"{name} overlaps another argument; local response norm needs separate buffers.", name);
        }
    }

    /// <summary>x^(-3/4) = 1 / (sqrt(x) * sqrt(sqrt(x))).</summary>
    private readonly struct InverseThreeQuarterPowerOp : IUnaryOperator
    {
        public float Invoke(float x)
        {
            var r = MathF.Sqrt(x);
            return 1f / (r * MathF.Sqrt(r));
        }

        public Vector128<float> Invoke(Vector128<float> x)
        {
            var r = Vector128.Sqrt(x);
            return Vector128<float>.One / (r * Vector128.Sqrt(r));
        }

        public Vector256<float> Invoke(Vector256<float> x)
        {
            var r = Vector256.Sqrt(x);
            return Vector256<float>.One / (r * Vector256.Sqrt(r));
        }

        public Vector512<float> Invoke(Vector512<float> x)
        {
            var r = Vector512.Sqrt(x);
            return Vector512<float>.One / (r * Vector512.Sqrt(r));
        }
    }

    private readonly unsafe struct ForwardRows(float* x, float* y, float* scale, int c, int s, int size, float alpha, float beta, float k) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var sample = r / c;
                var ch = r - sample * c;
                var sampleBase = (long)sample * c * s;
                var sc = new Span<float>(scale + (long)r * s, s);
                sc.Clear();
                var (first, last) = Window(ch, c, size);
                for (var j = first; j <= last; j++)
                {
                    var xj = new ReadOnlySpan<float>(x + sampleBase + (long)j * s, s);
                    TensorPrimitives.MultiplyAdd(xj, xj, sc, sc);
                }
                TensorPrimitives.Multiply(sc, alpha / size, sc);
                TensorPrimitives.Add(sc, k, sc);
                var yr = new Span<float>(y + (long)r * s, s);
                PowNegative(sc, beta, yr);
                TensorPrimitives.Multiply(yr, new ReadOnlySpan<float>(x + (long)r * s, s), yr);
            }
        }
    }

    private readonly unsafe struct BackwardRows(float* x, float* y, float* scale, float* dy, float* dx, int c, int s, int size, float alpha, float beta) : IRangeKernel
    {
        private const int Chunk = 256;

        public void Execute(int start, int end)
        {
            Span<float> acc = stackalloc float[Chunk];
            Span<float> tmp = stackalloc float[Chunk];
            var coefficient = -2f * alpha * beta / size;
            for (var r = start; r < end; r++)
            {
                var sample = r / c;
                var i = r - sample * c;
                var sampleBase = (long)sample * c * s;
                var (first, last) = ReverseWindow(i, c, size);
                for (var k0 = 0; k0 < s; k0 += Chunk)
                {
                    var w = Math.Min(Chunk, s - k0);
                    var a = acc[..w];
                    var t = tmp[..w];
                    a.Clear();
                    for (var j = first; j <= last; j++)
                    {
                        var off = sampleBase + (long)j * s + k0;
                        TensorPrimitives.Multiply(new ReadOnlySpan<float>(dy + off, w), new ReadOnlySpan<float>(y + off, w), t);
                        TensorPrimitives.Divide(t, new ReadOnlySpan<float>(scale + off, w), t);
                        TensorPrimitives.Add(a, t, a);
                    }
                    var own = (long)r * s + k0;
                    var dxr = new Span<float>(dx + own, w);
                    PowNegative(new ReadOnlySpan<float>(scale + own, w), beta, t);
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(dy + own, w), t, dxr);
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(x + own, w), a, t);
                    TensorPrimitives.MultiplyAdd(t, coefficient, dxr, dxr);
                }
            }
        }
    }
}
