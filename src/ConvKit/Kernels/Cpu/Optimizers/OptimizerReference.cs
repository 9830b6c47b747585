namespace ConvKit.Kernels.Cpu.Optimizers;

/// <summary>
/// Scalar twins of <see cref="OptimizerKernels"/>: one loop, the Keras 3 formulas in float32 in the same order.
/// Same arguments and semantics; used by the tests as the definition.
/// </summary>
public static class OptimizerReference
{
    /// <summary>See <see cref="OptimizerKernels.Adam"/>.</summary>
    public static void Adam(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float lr, float beta1, float beta2, float epsilon,
        int step, float weightDecay, bool decoupled)
    {
        var alpha = (float)(lr * Math.Sqrt(1.0 - Math.Pow(beta2, step)) / (1.0 - Math.Pow(beta1, step)));
        for (var i = 0; i < param.Length; i++)
        {
            var g = grad[i];
            if (weightDecay > 0f && !decoupled)
            {
                g += weightDecay * param[i];
            }
            if (weightDecay > 0f && decoupled)
            {
                param[i] -= param[i] * (lr * weightDecay);
            }
            m[i] = OptimizerKernels.FlushMoment(m[i] + (g - m[i]) * (1f - beta1));
            v[i] = OptimizerKernels.Flush(v[i] + (g * g - v[i]) * (1f - beta2));
            param[i] -= m[i] * alpha / (MathF.Sqrt(v[i]) + epsilon);
        }
    }

    /// <summary>See <see cref="OptimizerKernels.Sgd"/>.</summary>
    public static void Sgd(Span<float> param, ReadOnlySpan<float> grad, Span<float> velocity, float lr, float momentum, bool nesterov, float weightDecay)
    {
        for (var i = 0; i < param.Length; i++)
        {
            var g = grad[i];
            if (weightDecay > 0f)
            {
                g += weightDecay * param[i];
            }
            if (momentum == 0f)
            {
                param[i] -= g * lr;
                continue;
            }
            velocity[i] = OptimizerKernels.Flush(velocity[i] * momentum - g * lr);
            param[i] += nesterov ? velocity[i] * momentum - g * lr : velocity[i];
        }
    }
}
