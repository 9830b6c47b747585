using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Normalization;

/// <summary>
/// Batch normalisation (Ioffe and Szegedy 2015, https://arxiv.org/abs/1502.03167) over x (N, C, S) with S = H * W
/// for feature maps and S = 1 for dense activations (N, C): each channel c is normalised with statistics taken over
/// its N * S values, then scaled by gamma[c] and shifted by beta[c].
/// </summary>
/// <remarks>
/// Statistics and gradient sums accumulate in double (two passes: the mean, then squared deviations). Channels are
/// split over <see cref="Threading.CpuThreads"/> when the batch is large (inference splits by (sample, channel) rows);
/// each channel is reduced by one worker in a fixed order, so results are bit-identical whatever the thread count.
/// Spans may be longer than their shape; only the prefix is used. Nothing here allocates.
/// </remarks>
public static class BatchNormCpu
{
    /// <summary>
    /// Training-mode forward pass. Per channel, with M = N * S:
    /// mean = (1/M) sum x, var = (1/M) sum (x - mean)^2 (biased), invStd = 1 / sqrt(var + epsilon),
    /// y = gamma * (x - mean) * invStd + beta. Saves mean and invStd for <see cref="BackwardTraining"/>, and updates the
    /// running statistics Keras-style: running = momentum * running + (1 - momentum) * batch statistic, using the
    /// BIASED batch variance (PyTorch would use the unbiased one and momentum' = 1 - momentum).
    /// </summary>
    /// <param name="x">(N, C, S).</param>
    /// <param name="n">Batch size N.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="s">Spatial size S (1 for dense inputs).</param>
    /// <param name="gamma">(C) scale.</param>
    /// <param name="beta">(C) shift.</param>
    /// <param name="epsilon">Added to the variance (Keras 1e-3, PyTorch 1e-5); zero or more.</param>
    /// <param name="momentum">Weight of the old running value, in [0, 1] (Keras 0.99; PyTorch's 0.1 is 0.9 here).</param>
    /// <param name="runningMean">(C), updated in place.</param>
    /// <param name="runningVar">(C), updated in place.</param>
    /// <param name="savedMean">(C), overwritten with the batch mean.</param>
    /// <param name="savedInvStd">(C), overwritten with 1 / sqrt(var + epsilon).</param>
    /// <param name="y">(N, C, S), overwritten; may be <paramref name="x"/> itself.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension, epsilon or momentum is out of range.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, y overlaps x at an offset, or N * S is zero while C is not.</exception>
    public static unsafe void ForwardTraining(ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon, float momentum,
        Span<float> runningMean, Span<float> runningVar, Span<float> savedMean, Span<float> savedInvStd, Span<float> y)
    {
        var count = Check(n, c, s, epsilon);
        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Batch norm momentum must be in [0, 1].");
        }
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.NoPartialOverlap(x, y, nameof(y));
        SpanChecks.AtLeast(gamma.Length, c, nameof(gamma));
        SpanChecks.AtLeast(beta.Length, c, nameof(beta));
        SpanChecks.AtLeast(runningMean.Length, c, nameof(runningMean));
        SpanChecks.AtLeast(runningVar.Length, c, nameof(runningVar));
        SpanChecks.AtLeast(savedMean.Length, c, nameof(savedMean));
        SpanChecks.AtLeast(savedInvStd.Length, c, nameof(savedInvStd));
        if (c == 0)
        {
            return;
        }
        // Safe: all spans stay pinned until ParallelRange.Run returns; a worker owns whole channels, reads and writes
        // only elements (i * c + ch) * s + k of the prefixes checked above, and per-channel entries of the (C) spans.
        fixed (float* px = x, py = y, pg = gamma, pb = beta, prm = runningMean, prv = runningVar, psm = savedMean, psi = savedInvStd)
        {
            var kernel = new TrainingChannels(px, py, pg, pb, prm, prv, psm, psi, n, c, s, epsilon, momentum);
            ParallelRange.Run(kernel, c, s == 1 ? DenseBlock : 1, count);
        }
    }

    /// <summary>
    /// Inference-mode forward pass with the running statistics:
    /// y = gamma * (x - runningMean) / sqrt(runningVar + epsilon) + beta.
    /// </summary>
    /// <param name="x">(N, C, S).</param>
    /// <param name="n">Batch size N.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="s">Spatial size S (1 for dense inputs).</param>
    /// <param name="gamma">(C) scale.</param>
    /// <param name="beta">(C) shift.</param>
    /// <param name="runningMean">(C).</param>
    /// <param name="runningVar">(C).</param>
    /// <param name="epsilon">Added to the variance; zero or more.</param>
    /// <param name="y">(N, C, S), overwritten; may be <paramref name="x"/> itself.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or epsilon is out of range.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape or y overlaps x at an offset.</exception>
    public static unsafe void ForwardInference(ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float epsilon, Span<float> y)
    {
        var count = CheckDims(n, c, s, epsilon);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.NoPartialOverlap(x, y, nameof(y));
        SpanChecks.AtLeast(gamma.Length, c, nameof(gamma));
        SpanChecks.AtLeast(beta.Length, c, nameof(beta));
        SpanChecks.AtLeast(runningMean.Length, c, nameof(runningMean));
        SpanChecks.AtLeast(runningVar.Length, c, nameof(runningVar));
        if (count == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each (sample, channel) row is written by one worker and lies
        // inside the n * c * s prefix checked above.
        fixed (float* px = x, py = y, pg = gamma, pb = beta, prm = runningMean, prv = runningVar)
        {
            var kernel = new InferenceRows(px, py, pg, pb, prm, prv, c, s, epsilon);
            ParallelRange.Run(kernel, n * c, 1, count);
        }
    }

    /// <summary>
    /// Training-mode backward pass. Per channel, with M = N * S, xhat = (x - mean) * invStd:
    /// dBeta += sum dy; dGamma += sum dy * xhat;
    /// dx = gamma * invStd * (dy - (1/M) sum dy - xhat * (1/M) sum dy * xhat).
    /// <paramref name="dx"/> is OVERWRITTEN (it may be <paramref name="dy"/> itself); dGamma and dBeta ACCUMULATE.
    /// </summary>
    /// <param name="x">(N, C, S), the forward input.</param>
    /// <param name="dy">(N, C, S), gradient of the output.</param>
    /// <param name="n">Batch size N.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="s">Spatial size S.</param>
    /// <param name="gamma">(C).</param>
    /// <param name="savedMean">(C) from <see cref="ForwardTraining"/>.</param>
    /// <param name="savedInvStd">(C) from <see cref="ForwardTraining"/>.</param>
    /// <param name="dx">(N, C, S), overwritten.</param>
    /// <param name="dGamma">(C), accumulated.</param>
    /// <param name="dBeta">(C), accumulated.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, dx overlaps an input at an offset, or N * S is zero while C is not.</exception>
    public static unsafe void BackwardTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int n, int c, int s, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> dx, Span<float> dGamma, Span<float> dBeta)
    {
        var count = Check(n, c, s, 0f);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(dy.Length, count, nameof(dy));
        SpanChecks.AtLeast(dx.Length, count, nameof(dx));
        SpanChecks.NoPartialOverlap(x, dx, nameof(dx));
        SpanChecks.NoPartialOverlap(dy, dx, nameof(dx));
        SpanChecks.AtLeast(gamma.Length, c, nameof(gamma));
        SpanChecks.AtLeast(savedMean.Length, c, nameof(savedMean));
        SpanChecks.AtLeast(savedInvStd.Length, c, nameof(savedInvStd));
        SpanChecks.AtLeast(dGamma.Length, c, nameof(dGamma));
        SpanChecks.AtLeast(dBeta.Length, c, nameof(dBeta));
        if (c == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; a worker owns whole channels, reading and writing only their
        // elements inside the prefixes checked above.
        fixed (float* px = x, pdy = dy, pdx = dx, pg = gamma, psm = savedMean, psi = savedInvStd, pdg = dGamma, pdb = dBeta)
        {
            var kernel = new BackwardChannels(px, pdy, pdx, pg, psm, psi, pdg, pdb, n, c, s);
            ParallelRange.Run(kernel, c, s == 1 ? DenseBlock : 1, count);
        }
    }

    /// <summary>Channels handled together when S = 1, so each pass walks rows of (N, C) contiguously.</summary>
    private const int DenseBlock = 64;

    private static int CheckDims(int n, int c, int s, float epsilon)
    {
        SpanChecks.NonNegative(n, nameof(n));
        SpanChecks.NonNegative(c, nameof(c));
        SpanChecks.NonNegative(s, nameof(s));
        if (!(epsilon >= 0f) || float.IsPositiveInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Batch norm epsilon must be finite and zero or more.");
        }
        return SpanChecks.Product(n, c, s, "n x c x s");
    }

    private static int Check(int n, int c, int s, float epsilon)
    {
        var count = CheckDims(n, c, s, epsilon);
        if (c > 0 && (long)n * s == 0)
        {
            throw new ArgumentException($"Batch statistics need at least one value per channel; got N = {n}, S = {s}.");
        }
        return count;
    }

    /// <summary>y = (x - mean) * scale + shift, lane-wise.</summary>
    private readonly struct NormalizeOp(float mean, float scale, float shift) : IUnaryOperator
    {
        public float Invoke(float x) => (x - mean) * scale + shift;

        public Vector128<float> Invoke(Vector128<float> x) => (x - Vector128.Create(mean)) * Vector128.Create(scale) + Vector128.Create(shift);

        public Vector256<float> Invoke(Vector256<float> x) => (x - Vector256.Create(mean)) * Vector256.Create(scale) + Vector256.Create(shift);

        public Vector512<float> Invoke(Vector512<float> x) => (x - Vector512.Create(mean)) * Vector512.Create(scale) + Vector512.Create(shift);
    }

    /// <summary>dx = k * (dy - a - (x - mean) * b), lane-wise (a = mean of dy, b = invStd^2 * mean of dy * (x - mean)).</summary>
    private readonly struct InputGradientOp(float mean, float k, float a, float b) : IBinaryOperator
    {
        public float Invoke(float x, float dy) => k * (dy - a - (x - mean) * b);

        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) =>
            Vector128.Create(k) * (dy - Vector128.Create(a) - (x - Vector128.Create(mean)) * Vector128.Create(b));

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            Vector256.Create(k) * (dy - Vector256.Create(a) - (x - Vector256.Create(mean)) * Vector256.Create(b));

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            Vector512.Create(k) * (dy - Vector512.Create(a) - (x - Vector512.Create(mean)) * Vector512.Create(b));
    }

    private readonly unsafe struct TrainingChannels(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        float* savedMean, float* savedInvStd, int n, int c, int s, float epsilon, float momentum) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            if (s == 1)
            {
                ExecuteDense(start, end);
                return;
            }
            var m = (double)n * s;
            for (var ch = start; ch < end; ch++)
            {
                var sum = 0.0;
                for (var i = 0; i < n; i++)
                {
                    sum += DoubleSums.Sum(Row(x, i, ch));
                }
                var mean = sum / m;
                var squares = 0.0;
                for (var i = 0; i < n; i++)
                {
                    squares += DoubleSums.SumSquaredDeviations(Row(x, i, ch), mean);
                }
                var (meanF, scale, shift) = Finish(ch, mean, squares / m);
                for (var i = 0; i < n; i++)
                {
                    ElementwiseDriver.Unary(Row(x, i, ch), new Span<float>(y + ((long)i * c + ch) * s, s), new NormalizeOp(meanF, scale, shift));
                }
            }
        }

        /// <summary>S = 1: x is (N, C); walk rows for a block of channels with per-channel double sums on the stack.</summary>
        private void ExecuteDense(int start, int end)
        {
            Span<double> sums = stackalloc double[DenseBlock];
            Span<double> mean = stackalloc double[DenseBlock];
            Span<float> means = stackalloc float[DenseBlock];
            Span<float> scales = stackalloc float[DenseBlock];
            Span<float> shifts = stackalloc float[DenseBlock];
            for (var b0 = start; b0 < end; b0 += DenseBlock)
            {
                var w = Math.Min(DenseBlock, end - b0);
                var acc = sums[..w];
                acc.Clear();
                for (var i = 0; i < n; i++)
                {
                    var row = x + (long)i * c + b0;
                    for (var j = 0; j < w; j++)
                    {
                        acc[j] += row[j];
                    }
                }
                for (var j = 0; j < w; j++)
                {
                    mean[j] = acc[j] / n;
                }
                acc.Clear();
                for (var i = 0; i < n; i++)
                {
                    var row = x + (long)i * c + b0;
                    for (var j = 0; j < w; j++)
                    {
                        var d = row[j] - mean[j];
                        acc[j] += d * d;
                    }
                }
                for (var j = 0; j < w; j++)
                {
                    (means[j], scales[j], shifts[j]) = Finish(b0 + j, mean[j], acc[j] / n);
                }
                for (var i = 0; i < n; i++)
                {
                    var row = x + (long)i * c + b0;
                    var outRow = y + (long)i * c + b0;
                    for (var j = 0; j < w; j++)
                    {
                        outRow[j] = (row[j] - means[j]) * scales[j] + shifts[j];
                    }
                }
            }
        }

        /// <summary>Stores the saved and running statistics of a channel and returns (mean, scale, shift) for y.</summary>
        private (float Mean, float Scale, float Shift) Finish(int ch, double mean, double variance)
        {
            var invStd = (float)(1.0 / Math.Sqrt(variance + epsilon));
            var meanF = (float)mean;
            savedMean[ch] = meanF;
            savedInvStd[ch] = invStd;
            runningMean[ch] = (float)(momentum * (double)runningMean[ch] + (1.0 - momentum) * mean);
            runningVar[ch] = (float)(momentum * (double)runningVar[ch] + (1.0 - momentum) * variance);
            return (meanF, gamma[ch] * invStd, beta[ch]);
        }

        private ReadOnlySpan<float> Row(float* p, int i, int ch) => new(p + ((long)i * c + ch) * s, s);
    }

    private readonly unsafe struct InferenceRows(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        int c, int s, float epsilon) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var ch = r % c;
                var invStd = (float)(1.0 / Math.Sqrt((double)runningVar[ch] + epsilon));
                var op = new NormalizeOp(runningMean[ch], gamma[ch] * invStd, beta[ch]);
                ElementwiseDriver.Unary(new ReadOnlySpan<float>(x + (long)r * s, s), new Span<float>(y + (long)r * s, s), op);
            }
        }
    }

    private readonly unsafe struct BackwardChannels(float* x, float* dy, float* dx, float* gamma, float* savedMean, float* savedInvStd,
        float* dGamma, float* dBeta, int n, int c, int s) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            if (s == 1)
            {
                ExecuteDense(start, end);
                return;
            }
            for (var ch = start; ch < end; ch++)
            {
                double mean = savedMean[ch];
                var sumDy = 0.0;
                var sumDyXmu = 0.0;
                for (var i = 0; i < n; i++)
                {
                    var off = ((long)i * c + ch) * s;
                    var dyRow = new ReadOnlySpan<float>(dy + off, s);
                    sumDy += DoubleSums.Sum(dyRow);
                    sumDyXmu += DoubleSums.DotCentered(new ReadOnlySpan<float>(x + off, s), mean, dyRow);
                }
                var op = Finish(ch, sumDy, sumDyXmu);
                for (var i = 0; i < n; i++)
                {
                    var off = ((long)i * c + ch) * s;
                    ElementwiseDriver.Binary(new ReadOnlySpan<float>(x + off, s), new ReadOnlySpan<float>(dy + off, s), new Span<float>(dx + off, s), op);
                }
            }
        }

        private void ExecuteDense(int start, int end)
        {
            Span<double> sumDy = stackalloc double[DenseBlock];
            Span<double> sumDyXmu = stackalloc double[DenseBlock];
            Span<InputGradientOp> ops = stackalloc InputGradientOp[DenseBlock];
            for (var b0 = start; b0 < end; b0 += DenseBlock)
            {
                var w = Math.Min(DenseBlock, end - b0);
                sumDy[..w].Clear();
                sumDyXmu[..w].Clear();
                for (var i = 0; i < n; i++)
                {
                    var xRow = x + (long)i * c + b0;
                    var dyRow = dy + (long)i * c + b0;
                    for (var j = 0; j < w; j++)
                    {
                        sumDy[j] += dyRow[j];
                        sumDyXmu[j] += (xRow[j] - (double)savedMean[b0 + j]) * dyRow[j];
                    }
                }
                for (var j = 0; j < w; j++)
                {
                    ops[j] = Finish(b0 + j, sumDy[j], sumDyXmu[j]);
                }
                for (var i = 0; i < n; i++)
                {
                    var xRow = x + (long)i * c + b0;
                    var dyRow = dy + (long)i * c + b0;
                    var dxRow = dx + (long)i * c + b0;
                    for (var j = 0; j < w; j++)
                    {
                        dxRow[j] = ops[j].Invoke(xRow[j], dyRow[j]);
                    }
                }
            }
        }

        /// <summary>Accumulates dGamma and dBeta of a channel and returns the operator that computes its dx.</summary>
        private InputGradientOp Finish(int ch, double sumDy, double sumDyXmu)
        {
            double invStd = savedInvStd[ch];
            var m = (double)n * s;
            dBeta[ch] = (float)(dBeta[ch] + sumDy);
            dGamma[ch] = (float)(dGamma[ch] + sumDyXmu * invStd);
            return new InputGradientOp(savedMean[ch], (float)(gamma[ch] * invStd), (float)(sumDy / m), (float)(invStd * invStd * sumDyXmu / m));
        }
    }
}
