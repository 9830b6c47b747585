namespace ConvKit.Kernels.Cpu.Normalization;

/// <summary>
/// Naive twins of <see cref="BatchNormCpu"/> and <see cref="LocalResponseNormCpu"/>: the formulas written out with
/// plain loops in double. Same arguments and semantics; used by the tests as the definition.
/// </summary>
public static class NormalizationReference
{
    /// <summary>See <see cref="BatchNormCpu.ForwardTraining"/>.</summary>
    public static void BatchNormForwardTraining(ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon, float momentum,
        Span<float> runningMean, Span<float> runningVar, Span<float> savedMean, Span<float> savedInvStd, Span<float> y)
    {
        for (var ch = 0; ch < c; ch++)
        {
            var m = n * s;
            var mean = 0.0;
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    mean += x[(i * c + ch) * s + k];
                }
            }
            mean /= m;
            var variance = 0.0;
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    var d = x[(i * c + ch) * s + k] - mean;
                    variance += d * d;
                }
            }
            variance /= m;
            var invStd = 1.0 / Math.Sqrt(variance + epsilon);
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    var idx = (i * c + ch) * s + k;
                    y[idx] = (float)(gamma[ch] * (x[idx] - mean) * invStd + beta[ch]);
                }
            }
            savedMean[ch] = (float)mean;
            savedInvStd[ch] = (float)invStd;
            runningMean[ch] = (float)(momentum * runningMean[ch] + (1.0 - momentum) * mean);
            runningVar[ch] = (float)(momentum * runningVar[ch] + (1.0 - momentum) * variance);
        }
    }

    /// <summary>See <see cref="BatchNormCpu.ForwardInference"/>.</summary>
    public static void BatchNormForwardInference(ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float epsilon, Span<float> y)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var k = 0; k < s; k++)
                {
                    var idx = (i * c + ch) * s + k;
                    y[idx] = (float)(gamma[ch] * (x[idx] - (double)runningMean[ch]) / Math.Sqrt(runningVar[ch] + (double)epsilon) + beta[ch]);
                }
            }
        }
    }

    /// <summary>See <see cref="BatchNormCpu.BackwardTraining"/>.</summary>
    public static void BatchNormBackwardTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int n, int c, int s, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> dx, Span<float> dGamma, Span<float> dBeta)
    {
        for (var ch = 0; ch < c; ch++)
        {
            var m = (double)n * s;
            var sumDy = 0.0;
            var sumDyXhat = 0.0;
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    var idx = (i * c + ch) * s + k;
                    var xhat = (x[idx] - (double)savedMean[ch]) * savedInvStd[ch];
                    sumDy += dy[idx];
                    sumDyXhat += dy[idx] * xhat;
                }
            }
            dBeta[ch] = (float)(dBeta[ch] + sumDy);
            dGamma[ch] = (float)(dGamma[ch] + sumDyXhat);
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    var idx = (i * c + ch) * s + k;
                    var xhat = (x[idx] - (double)savedMean[ch]) * savedInvStd[ch];
                    dx[idx] = (float)((double)gamma[ch] * savedInvStd[ch] / m * (m * dy[idx] - sumDy - xhat * sumDyXhat));
                }
            }
        }
    }

    /// <summary>See <see cref="LocalResponseNormCpu.Forward"/>.</summary>
    public static void LrnForward(ReadOnlySpan<float> x, int n, int c, int s, int size, float alpha, float beta, float k, Span<float> y, Span<float> scaleSaved)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var p = 0; p < s; p++)
                {
                    var sum = 0.0;
                    for (var j = ch - size / 2; j <= ch + (size - 1) / 2; j++)
                    {
                        if (j >= 0 && j < c)
                        {
                            double v = x[(i * c + j) * s + p];
                            sum += v * v;
                        }
                    }
                    var idx = (i * c + ch) * s + p;
                    var scale = k + (double)alpha / size * sum;
                    scaleSaved[idx] = (float)scale;
                    y[idx] = (float)(x[idx] * Math.Pow(scale, -beta));
                }
            }
        }
    }

    /// <summary>See <see cref="LocalResponseNormCpu.Backward"/>.</summary>
    public static void LrnBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> scaleSaved, ReadOnlySpan<float> dy,
        int n, int c, int s, int size, float alpha, float beta, float k, Span<float> dx)
    {
        _ = k;
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var p = 0; p < s; p++)
                {
                    var idx = (i * c + ch) * s + p;
                    var sum = 0.0;
                    // Every channel j whose window [j - size/2, j + (size-1)/2] contains ch.
                    for (var j = 0; j < c; j++)
                    {
                        if (ch >= j - size / 2 && ch <= j + (size - 1) / 2)
                        {
                            var jdx = (i * c + j) * s + p;
                            sum += (double)dy[jdx] * y[jdx] / scaleSaved[jdx];
                        }
                    }
                    dx[idx] = (float)(dy[idx] * Math.Pow(scaleSaved[idx], -beta) - 2.0 * alpha * beta / size * x[idx] * sum);
                }
            }
        }
    }
}
