namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>Naive scalar twin of <see cref="ChannelAffineCpu"/>: the formulas with index arithmetic written out, sums in double.</summary>
public static class ChannelAffineReference
{
    /// <summary>See <see cref="ChannelAffineCpu.Forward"/>.</summary>
    public static void Forward(ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> y)
    {
        for (var i = 0; i < n * c * s; i++)
        {
            var ch = i / s % c;
            y[i] = scale[ch] * x[i] + bias[ch];
        }
    }

    /// <summary>See <see cref="ChannelAffineCpu.Backward"/>.</summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int n, int c, int s, ReadOnlySpan<float> scale,
        Span<float> dx, Span<float> dScale, Span<float> dBias)
    {
        var sumDyX = new double[c];
        var sumDy = new double[c];
        for (var i = 0; i < n * c * s; i++)
        {
            var ch = i / s % c;
            sumDyX[ch] += (double)dy[i] * x[i];
            sumDy[ch] += dy[i];
            if (!dx.IsEmpty)
            {
                dx[i] = scale[ch] * dy[i];
            }
        }
        for (var ch = 0; ch < c; ch++)
        {
            dScale[ch] = (float)(dScale[ch] + sumDyX[ch]);
            dBias[ch] = (float)(dBias[ch] + sumDy[ch]);
        }
    }
}
