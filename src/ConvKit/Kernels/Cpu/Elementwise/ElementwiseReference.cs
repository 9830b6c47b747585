namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// Naive scalar twins of <see cref="ElementwiseCpu"/>: index arithmetic written out, sums in double, no vectors and no
/// threads. Same arguments and semantics; used by the tests as the definition.
/// </summary>
public static class ElementwiseReference
{
    /// <summary>x[n, c, s] += bias[c].</summary>
    public static void AddChannelBias(Span<float> x, int n, int c, int s, ReadOnlySpan<float> bias)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var k = 0; k < s; k++)
                {
                    x[(i * c + ch) * s + k] += bias[ch];
                }
            }
        }
    }

    /// <summary>dBias[c] += sum over n, s of dy[n, c, s].</summary>
    public static void AccumulateChannelBiasGradient(ReadOnlySpan<float> dy, int n, int c, int s, Span<float> dBias)
    {
        for (var ch = 0; ch < c; ch++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    sum += dy[(i * c + ch) * s + k];
                }
            }
            dBias[ch] = (float)(dBias[ch] + sum);
        }
    }

    /// <summary>x[r, j] += bias[j].</summary>
    public static void AddRowBias(Span<float> x, int rows, int cols, ReadOnlySpan<float> bias) => AddChannelBias(x, rows, cols, 1, bias);

    /// <summary>dBias[j] += sum_r dy[r, j], summed over r in order in double.</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> dy, int rows, int cols, Span<float> dBias) =>
        AccumulateChannelBiasGradient(dy, rows, cols, 1, dBias);

    /// <summary>mask[i] = (Uniform(seed, step, i) &gt;= rate) ? 1 / (1 - rate) : 0; y = x * mask.</summary>
    public static void DropoutForward(ReadOnlySpan<float> x, float rate, ulong seed, ulong step, Span<float> mask, Span<float> y, ulong first = 0)
    {
        for (var i = 0; i < x.Length; i++)
        {
            mask[i] = CounterRng.Uniform(seed, step, first + (ulong)i) >= rate ? 1f / (1f - rate) : 0f;
            y[i] = x[i] * mask[i];
        }
    }

    /// <summary>y = a * b.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (var i = 0; i < a.Length; i++)
        {
            y[i] = a[i] * b[i];
        }
    }

    /// <summary>y = a + b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (var i = 0; i < a.Length; i++)
        {
            y[i] = a[i] + b[i];
        }
    }

    /// <summary>acc += x.</summary>
    public static void AddInPlace(Span<float> acc, ReadOnlySpan<float> x) => Add(acc, x, acc);

    /// <summary>dst[n, dstChannelOffset + c, s] = src[n, c, s].</summary>
    public static void CopyChannels(ReadOnlySpan<float> src, int n, int srcChannels, int s, Span<float> dst, int dstChannels, int dstChannelOffset)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < srcChannels; ch++)
            {
                for (var k = 0; k < s; k++)
                {
                    dst[(i * dstChannels + dstChannelOffset + ch) * s + k] = src[(i * srcChannels + ch) * s + k];
                }
            }
        }
    }

    /// <summary>dst[n, c, s] = src[n, srcChannelOffset + c, s].</summary>
    public static void ExtractChannels(ReadOnlySpan<float> src, int n, int srcChannels, int s, int srcChannelOffset, Span<float> dst, int dstChannels)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < dstChannels; ch++)
            {
                for (var k = 0; k < s; k++)
                {
                    dst[(i * dstChannels + ch) * s + k] = src[(i * srcChannels + srcChannelOffset + ch) * s + k];
                }
            }
        }
    }
}
