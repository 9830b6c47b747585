using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Activations;

/// <summary>
/// Element-wise activation functions and their gradients on flat float spans (any shape; the layout does not matter),
/// plus row-wise softmax on (rows, cols). Each backward kernel takes what its forward saved (the input x or the
/// output y) and the upstream gradient dy, and OVERWRITES dx.
/// </summary>
/// <remarks>
/// Lengths: the inputs of a kernel must all have the same length and the destination must be at least that long
/// (only that prefix is written). A destination may be one of the inputs itself (in-place), but must not overlap an
/// input at a shifted offset. Long spans (32K elements or more) are split over <see cref="Threading.CpuThreads"/> in
/// fixed blocks, so results are bit-identical whatever the thread count. Nothing here allocates.
/// NaN inputs propagate through the forward functions (ReLU of NaN is NaN).
/// </remarks>
public static class ActivationsCpu
{
    /// <summary>ReLU: y = max(x, 0) (NaN propagates; -0 gives +0).</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/> or overlaps it at an offset.</exception>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckUnary(x, y, nameof(y));
        ElementwiseDriver.ParallelUnarySpan(x, y, new ReluKernel());
    }

    /// <summary>ReLU gradient from the saved output: dx = y &gt; 0 ? dy : 0.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="dx"/> is too short or partially overlaps an input.</exception>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckBinary(y, dy, dx, nameof(dy), nameof(dx));
        ElementwiseDriver.ParallelBinary(y, dy, dx, new ReluBackwardOp());
    }

    /// <summary>
    /// Guided backpropagation through a ReLU (Springenberg et al. 2015, "Striving for Simplicity",
    /// https://arxiv.org/abs/1412.6806): dx = (y &gt; 0 and dy &gt; 0) ? dy : 0. Only positive gradients flow,
    /// and only through units that were active.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="dx"/> is too short or partially overlaps an input.</exception>
    public static void ReluBackwardGuided(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckBinary(y, dy, dx, nameof(dy), nameof(dx));
        ElementwiseDriver.ParallelBinary(y, dy, dx, new ReluGuidedOp());
    }

    /// <summary>
    /// The "deconvnet" rule for a ReLU (Zeiler and Fergus 2014, https://arxiv.org/abs/1311.2901): the gradient is
    /// itself rectified, ignoring the forward activation: dx = max(dy, 0).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dx"/> is shorter than <paramref name="dy"/> or overlaps it at an offset.</exception>
    public static void ReluBackwardRectified(ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckUnary(dy, dx, nameof(dx));
        ElementwiseDriver.ParallelUnarySpan(dy, dx, new ReluKernel());
    }

    /// <summary>Leaky ReLU: y = x &gt; 0 ? x : alpha * x.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/> or overlaps it at an offset.</exception>
    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        CheckUnary(x, y, nameof(y));
        ElementwiseDriver.ParallelUnary(x, y, new LeakyReluOp(alpha));
    }

    /// <summary>Leaky ReLU gradient from the saved input: dx = x &gt; 0 ? dy : alpha * dy.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="dx"/> is too short or partially overlaps an input.</exception>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
    {
        CheckBinary(x, dy, dx, nameof(dy), nameof(dx));
        ElementwiseDriver.ParallelBinary(x, dy, dx, new LeakyReluBackwardOp(alpha));
    }

    /// <summary>Logistic sigmoid: y = 1 / (1 + exp(-x)).</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/> or overlaps it at an offset.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckUnary(x, y, nameof(y));
        ElementwiseDriver.ParallelUnarySpan(x, y, new SigmoidKernel());
    }

    /// <summary>Sigmoid gradient from the saved output: dx = dy * y * (1 - y).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="dx"/> is too short or partially overlaps an input.</exception>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckBinary(y, dy, dx, nameof(dy), nameof(dx));
        ElementwiseDriver.ParallelBinary(y, dy, dx, new SigmoidBackwardOp());
    }

    /// <summary>Hyperbolic tangent: y = tanh(x).</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/> or overlaps it at an offset.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckUnary(x, y, nameof(y));
        ElementwiseDriver.ParallelUnarySpan(x, y, new TanhKernel(1f, 1f));
    }

    /// <summary>Tanh gradient from the saved output: dx = dy * (1 - y^2).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="dx"/> is too short or partially overlaps an input.</exception>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckBinary(y, dy, dx, nameof(dy), nameof(dx));
        ElementwiseDriver.ParallelBinary(y, dy, dx, new TanhBackwardOp());
    }

    /// <summary>
    /// Scaled tanh: y = a * tanh(s * x). LeCun et al. ("Efficient BackProp", 1998) recommend a = 1.7159, s = 2/3,
    /// which maps +-1 to about +-1.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/> or overlaps it at an offset.</exception>
    public static void ScaledTanh(ReadOnlySpan<float> x, float a, float s, Span<float> y)
    {
        CheckUnary(x, y, nameof(y));
        ElementwiseDriver.ParallelUnarySpan(x, y, new TanhKernel(a, s));
    }

    /// <summary>
    /// Scaled tanh gradient from the saved output: with t = y / a = tanh(s x), dx = dy * a * s * (1 - t^2).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="dx"/> is too short or partially overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="a"/> is zero.</exception>
    public static void ScaledTanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, float a, float s, Span<float> dx)
    {
        if (a == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "The scaled tanh amplitude must not be zero.");
        }
        CheckBinary(y, dy, dx, nameof(dy), nameof(dx));
        ElementwiseDriver.ParallelBinary(y, dy, dx, new ScaledTanhBackwardOp(a, a * s));
    }

    /// <summary>
    /// Row-wise softmax of x (rows, cols): y[r, j] = exp(x[r, j] - m_r) / sum_k exp(x[r, k] - m_r) with
    /// m_r = max_k x[r, k], which cannot overflow. <paramref name="y"/> may be <paramref name="x"/> itself.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than rows * cols, or <paramref name="y"/> overlaps <paramref name="x"/> at an offset.</exception>
    public static unsafe void Softmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> y)
    {
        var count = CheckRows(rows, cols);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.NoPartialOverlap(x, y, nameof(y));
        if (count == 0)
        {
            return;
        }
        // Safe: x and y stay pinned until ParallelRange.Run returns; each row is read and written by one worker,
        // and the rows lie inside the first rows * cols elements checked above.
        fixed (float* px = x, py = y)
        {
            ParallelRange.Run(new SoftmaxRows(px, py, cols), rows, 1, count);
        }
    }

    /// <summary>
    /// Softmax gradient from the saved output y (rows, cols): dx[r, j] = y[r, j] * (dy[r, j] - sum_k dy[r, k] * y[r, k]).
    /// <paramref name="dx"/> is overwritten and may be <paramref name="y"/> or <paramref name="dy"/> itself.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than rows * cols, or <paramref name="dx"/> overlaps an input at an offset.</exception>
    public static unsafe void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, int rows, int cols, Span<float> dx)
    {
        var count = CheckRows(rows, cols);
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.AtLeast(dy.Length, count, nameof(dy));
        SpanChecks.AtLeast(dx.Length, count, nameof(dx));
        SpanChecks.NoPartialOverlap(y, dx, nameof(dx));
        SpanChecks.NoPartialOverlap(dy, dx, nameof(dx));
        if (count == 0)
        {
            return;
        }
        // Safe: the spans stay pinned until ParallelRange.Run returns; each row is touched by one worker only,
        // and all rows lie inside the first rows * cols elements checked above.
        fixed (float* py = y, pdy = dy, pdx = dx)
        {
            ParallelRange.Run(new SoftmaxBackwardRows(py, pdy, pdx, cols), rows, 1, count);
        }
    }

    /// <summary>Softmax of one row; the shared body of <see cref="Softmax"/> and the fused losses.</summary>
    internal static void SoftmaxRow(ReadOnlySpan<float> x, Span<float> y)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        var sum = (float)DoubleSums.Sum(y);
        TensorPrimitives.Divide(y, sum, y);
    }

    private static int CheckRows(int rows, int cols)
    {
        SpanChecks.NonNegative(rows, nameof(rows));
        SpanChecks.NonNegative(cols, nameof(cols));
        return SpanChecks.Product(rows, cols, "rows x cols");
    }

    private static void CheckUnary(ReadOnlySpan<float> x, Span<float> y, string yName)
    {
        SpanChecks.AtLeast(y.Length, x.Length, yName);
        SpanChecks.NoPartialOverlap(x, y, yName);
    }

    private static void CheckBinary(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, string bName, string yName)
    {
        SpanChecks.SameLength(b.Length, a.Length, bName);
        SpanChecks.AtLeast(y.Length, a.Length, yName);
        SpanChecks.NoPartialOverlap(a, y, yName);
        SpanChecks.NoPartialOverlap(b, y, yName);
    }

    private readonly struct ReluKernel : IUnarySpanKernel
    {
        public void Invoke(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);
    }

    private readonly struct SigmoidKernel : IUnarySpanKernel
    {
        public void Invoke(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);
    }

    /// <summary>y = a * tanh(s * x); a = s = 1 is the plain tanh.</summary>
    private readonly struct TanhKernel(float a, float s) : IUnarySpanKernel
    {
        public void Invoke(ReadOnlySpan<float> x, Span<float> y)
        {
            if (s == 1f)
            {
                TensorPrimitives.Tanh(x, y);
            }
            else
            {
                TensorPrimitives.Multiply(x, s, y);
                TensorPrimitives.Tanh(y, y);
            }
            if (a != 1f)
            {
                TensorPrimitives.Multiply(y, a, y);
            }
        }
    }

    private readonly struct ReluBackwardOp : IBinaryOperator
    {
        public float Invoke(float y, float dy) => y > 0f ? dy : 0f;

        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), dy, Vector128<float>.Zero);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, Vector512<float>.Zero);
    }

    private readonly struct ReluGuidedOp : IBinaryOperator
    {
        public float Invoke(float y, float dy) => y > 0f && dy > 0f ? dy : 0f;

        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero) & Vector128.GreaterThan(dy, Vector128<float>.Zero), dy, Vector128<float>.Zero);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.GreaterThan(dy, Vector256<float>.Zero), dy, Vector256<float>.Zero);

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512.GreaterThan(dy, Vector512<float>.Zero), dy, Vector512<float>.Zero);
    }

    private readonly struct LeakyReluOp(float alpha) : IUnaryOperator
    {
        public float Invoke(float x) => x > 0f ? x : alpha * x;

        public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, x * alpha);

        public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * alpha);

        public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * alpha);
    }

    private readonly struct LeakyReluBackwardOp(float alpha) : IBinaryOperator
    {
        public float Invoke(float x, float dy) => x > 0f ? dy : alpha * dy;

        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), dy, dy * alpha);

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * alpha);

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, dy * alpha);
    }

    private readonly struct SigmoidBackwardOp : IBinaryOperator
    {
        public float Invoke(float y, float dy) => dy * y * (1f - y);

        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * y * (Vector128<float>.One - y);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * y * (Vector512<float>.One - y);
    }

    private readonly struct TanhBackwardOp : IBinaryOperator
    {
        public float Invoke(float y, float dy) => dy * (1f - y * y);

        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * (Vector128<float>.One - y * y);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
    }

    /// <summary>dx = dy * (a s) * (1 - (y / a)^2).</summary>
    private readonly struct ScaledTanhBackwardOp(float a, float scale) : IBinaryOperator
    {
        public float Invoke(float y, float dy)
        {
            var t = y / a;
            return dy * (scale * (1f - t * t));
        }

        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy)
        {
            var t = y / Vector128.Create(a);
            return dy * (Vector128.Create(scale) * (Vector128<float>.One - t * t));
        }

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy)
        {
            var t = y / Vector256.Create(a);
            return dy * (Vector256.Create(scale) * (Vector256<float>.One - t * t));
        }

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy)
        {
            var t = y / Vector512.Create(a);
            return dy * (Vector512.Create(scale) * (Vector512<float>.One - t * t));
        }
    }

    /// <summary>dx = y * (dy - dot) for one row.</summary>
    private readonly struct SoftmaxGradOp(float dot) : IBinaryOperator
    {
        public float Invoke(float y, float dy) => y * (dy - dot);

        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => y * (dy - Vector128.Create(dot));

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => y * (dy - Vector256.Create(dot));

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => y * (dy - Vector512.Create(dot));
    }

    private readonly unsafe struct SoftmaxRows(float* x, float* y, int cols) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var offset = (long)r * cols;
                SoftmaxRow(new ReadOnlySpan<float>(x + offset, cols), new Span<float>(y + offset, cols));
            }
        }
    }

    private readonly unsafe struct SoftmaxBackwardRows(float* y, float* dy, float* dx, int cols) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var offset = (long)r * cols;
                var yr = new ReadOnlySpan<float>(y + offset, cols);
                var dyr = new ReadOnlySpan<float>(dy + offset, cols);
                var dot = TensorPrimitives.Dot(dyr, yr);
                ElementwiseDriver.Binary(yr, dyr, new Span<float>(dx + offset, cols), new SoftmaxGradOp(dot));
            }
        }
    }
}
