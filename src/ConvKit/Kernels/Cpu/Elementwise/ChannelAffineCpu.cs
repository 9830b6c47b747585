using System.Numerics.Tensors;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// A per-channel affine map of (N, C, S) data, y[n, c, s] = scale[c] · x[n, c, s] + bias[c], and its gradients
/// (LeNet-5's subsampling layers: one trainable coefficient and one bias per map). Rows of S are processed with
/// <see cref="TensorPrimitives"/>; gradient sums accumulate in double in a fixed order. Nothing here allocates.
/// </summary>
public static class ChannelAffineCpu
{
    /// <summary>y[n, c, s] = scale[c] · x[n, c, s] + bias[c]. <paramref name="y"/> is overwritten and may alias x.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Forward(ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> y)
    {
        var count = Check(n, c, s);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.AtLeast(scale.Length, c, nameof(scale));
        SpanChecks.AtLeast(bias.Length, c, nameof(bias));
        for (var r = 0; r < n * c; r++)
        {
            var ch = r % c;
            var row = y.Slice(r * s, s);
            TensorPrimitives.Multiply(x.Slice(r * s, s), scale[ch], row);
            TensorPrimitives.Add(row, bias[ch], row);
        }
    }

    /// <summary>
    /// dx[n, c, s] = scale[c] · dy[n, c, s] (overwritten; skipped when <paramref name="dx"/> is empty; may alias dy),
    /// dScale[c] += Σ_{n,s} dy · x and dBias[c] += Σ_{n,s} dy (accumulated, summed in double).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int n, int c, int s, ReadOnlySpan<float> scale,
        Span<float> dx, Span<float> dScale, Span<float> dBias)
    {
        var count = Check(n, c, s);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(dy.Length, count, nameof(dy));
        SpanChecks.AtLeast(scale.Length, c, nameof(scale));
        SpanChecks.AtLeast(dScale.Length, c, nameof(dScale));
        SpanChecks.AtLeast(dBias.Length, c, nameof(dBias));
        if (!dx.IsEmpty)
        {
            SpanChecks.AtLeast(dx.Length, count, nameof(dx));
        }
        for (var ch = 0; ch < c; ch++)
        {
            double sumDyX = 0, sumDy = 0;
            for (var i = 0; i < n; i++)
            {
                var at = (i * c + ch) * s;
                var dyRow = dy.Slice(at, s);
                var xRow = x.Slice(at, s);
                for (var k = 0; k < s; k++)
                {
                    sumDyX += (double)dyRow[k] * xRow[k];
                    sumDy += dyRow[k];
                }
            }
            dScale[ch] = (float)(dScale[ch] + sumDyX);
            dBias[ch] = (float)(dBias[ch] + sumDy);
        }
        if (!dx.IsEmpty)
        {
            for (var r = 0; r < n * c; r++)
            {
                TensorPrimitives.Multiply(dy.Slice(r * s, s), scale[r % c], dx.Slice(r * s, s));
            }
        }
    }

    private static int Check(int n, int c, int s)
    {
        SpanChecks.NonNegative(n, nameof(n));
        SpanChecks.NonNegative(c, nameof(c));
        SpanChecks.NonNegative(s, nameof(s));
        return SpanChecks.Product(n, c, s, "n x c x s");
    }
}
