namespace ConvKit.Kernels.Cpu.Activations;

/// <summary>
/// Naive scalar twins of <see cref="ActivationsCpu"/>, written for clarity (transcendentals and sums in double) and
/// used by the tests as the definition of each function. Same arguments, same semantics, no vectors, no threads.
/// </summary>
public static class ActivationsReference
{
    /// <summary>y = max(x, 0) with IEEE maximum semantics (NaN propagates).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Max(x[i], 0f);
        }
    }

    /// <summary>dx = y &gt; 0 ? dy : 0.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (var i = 0; i < y.Length; i++)
        {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }

    /// <summary>dx = (y &gt; 0 and dy &gt; 0) ? dy : 0.</summary>
    public static void ReluBackwardGuided(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (var i = 0; i < y.Length; i++)
        {
            dx[i] = y[i] > 0f && dy[i] > 0f ? dy[i] : 0f;
        }
    }

    /// <summary>dx = max(dy, 0).</summary>
    public static void ReluBackwardRectified(ReadOnlySpan<float> dy, Span<float> dx) => Relu(dy, dx);

    /// <summary>y = x &gt; 0 ? x : alpha * x.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0f ? x[i] : alpha * x[i];
        }
    }

    /// <summary>dx = x &gt; 0 ? dy : alpha * dy.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
    {
        for (var i = 0; i < x.Length; i++)
        {
            dx[i] = x[i] > 0f ? dy[i] : alpha * dy[i];
        }
    }

    /// <summary>y = 1 / (1 + exp(-x)), evaluated in double.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = (float)(1.0 / (1.0 + Math.Exp(-(double)x[i])));
        }
    }

    /// <summary>dx = dy * y * (1 - y), evaluated in double.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (var i = 0; i < y.Length; i++)
        {
            dx[i] = (float)((double)dy[i] * y[i] * (1.0 - y[i]));
        }
    }

    /// <summary>y = tanh(x), evaluated in double.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => ScaledTanh(x, 1f, 1f, y);

    /// <summary>dx = dy * (1 - y^2), evaluated in double.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => ScaledTanhBackward(y, dy, 1f, 1f, dx);

    /// <summary>y = a * tanh(s * x), evaluated in double.</summary>
    public static void ScaledTanh(ReadOnlySpan<float> x, float a, float s, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = (float)(a * Math.Tanh((double)s * x[i]));
        }
    }

    /// <summary>dx = dy * a * s * (1 - (y / a)^2), evaluated in double.</summary>
    public static void ScaledTanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, float a, float s, Span<float> dx)
    {
        for (var i = 0; i < y.Length; i++)
        {
            var t = (double)y[i] / a;
            dx[i] = (float)(dy[i] * (double)a * s * (1.0 - t * t));
        }
    }

    /// <summary>Row-wise max-subtracted softmax of (rows, cols), evaluated in double.</summary>
    public static void Softmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> y)
    {
        for (var r = 0; r < rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < cols; j++)
            {
                max = Math.Max(max, x[r * cols + j]);
            }
            var sum = 0.0;
            for (var j = 0; j < cols; j++)
            {
                sum += Math.Exp(x[r * cols + j] - max);
            }
            for (var j = 0; j < cols; j++)
            {
                y[r * cols + j] = (float)(Math.Exp(x[r * cols + j] - max) / sum);
            }
        }
    }

    /// <summary>dx = y * (dy - sum(dy * y)) per row, evaluated in double.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, int rows, int cols, Span<float> dx)
    {
        for (var r = 0; r < rows; r++)
        {
            var dot = 0.0;
            for (var j = 0; j < cols; j++)
            {
                dot += (double)dy[r * cols + j] * y[r * cols + j];
            }
            for (var j = 0; j < cols; j++)
            {
                dx[r * cols + j] = (float)(y[r * cols + j] * (dy[r * cols + j] - dot));
            }
        }
    }
}
