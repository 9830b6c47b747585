using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Optimizers;

/// <summary>
/// Parameter updates of the optimisers, applied in place to one parameter tensor (any shape, as a flat span) with its
/// gradient and per-parameter state. The arithmetic follows Keras 3 operation by operation, in float32, so a step
/// here matches a step there to rounding.
/// </summary>
/// <remarks>
/// All spans of one call must have the same length and must not overlap. Long tensors (32K elements or more) are split
/// over <see cref="Threading.CpuThreads"/> in fixed 64-element blocks, and the vector and scalar bodies perform the same
/// IEEE operations in the same order, so results are bit-identical whatever the thread count. Nothing here allocates.
/// </remarks>
public static class OptimizerKernels
{
    /// <summary>
    /// One Adam step (Kingma and Ba 2015, https://arxiv.org/abs/1412.6980) in the Keras 3 form:
    /// <code>
    /// m = m + (g - m) * (1 - beta1)            // = beta1 m + (1 - beta1) g
    /// v = v + (g^2 - v) * (1 - beta2)          // = beta2 v + (1 - beta2) g^2
    /// alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    /// p = p - m * alpha / (sqrt(v) + epsilon)
    /// </code>
    /// m is set to 0 where it falls below <see cref="MomentFloor"/> (1e-30) and v where it becomes subnormal (below
    /// 2^-126). A weight whose gradient stays 0 (one fed by a dead unit) has m shrink by beta1 every step. Arithmetic
    /// that reads or makes a subnormal takes a slow microcode path on x86: m itself turns subnormal after some 700
    /// steps, which made seed-mnist training a fifth slower from its second epoch on, and the product m * alpha does
    /// some 65 steps earlier (below 1.2e-35 with lr = 1e-3), which made keras-mnist-cnn's optimiser steps twice as
    /// slow in its second epoch. An m below 1e-30 moves a weight by less than 1e-30 * alpha / epsilon (1e-26 with
    /// Keras's lr = 1e-3 and epsilon = 1e-7), and a subnormal v is far below epsilon, so the flush leaves training as
    /// it was.
    /// With <paramref name="weightDecay"/> &gt; 0 and <paramref name="decoupled"/> true this is AdamW
    /// (Loshchilov and Hutter 2019, https://arxiv.org/abs/1711.05101) as Keras applies it: p = p - p * (lr * wd) before
    /// the update. With <paramref name="decoupled"/> false the decay is an L2 term added to the gradient,
    /// g = g + wd * p, as PyTorch's <c>Adam(weight_decay=...)</c> does. Note that epsilon here is Keras's (added to
    /// sqrt(v) before the bias correction folded into alpha), not PyTorch's.
    /// </summary>
    /// <param name="param">Parameters, updated in place.</param>
    /// <param name="grad">Gradient of the loss with respect to <paramref name="param"/>.</param>
    /// <param name="m">First-moment state, same length, updated (start at zeros).</param>
    /// <param name="v">Second-moment state, same length, updated (start at zeros).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay in [0, 1) (Keras 0.9).</param>
    /// <param name="beta2">Second-moment decay in [0, 1) (Keras 0.999).</param>
    /// <param name="epsilon">Added to sqrt(v) (Keras 1e-7); zero or more.</param>
    /// <param name="step">The 1-based number of this update, t.</param>
    /// <param name="weightDecay">Decay rate, zero or more.</param>
    /// <param name="decoupled">AdamW-style decay (true) or L2 added to the gradient (false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter or the step is out of range.</exception>
    /// <exception cref="ArgumentException">Lengths differ or spans overlap.</exception>
    public static unsafe void Adam(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float lr, float beta1, float beta2, float epsilon,
        int step, float weightDecay, bool decoupled)
    {
        CheckFinite(lr, nameof(lr));
        CheckUnit(beta1, nameof(beta1));
        CheckUnit(beta2, nameof(beta2));
        CheckNonNegative(epsilon, nameof(epsilon));
        CheckNonNegative(weightDecay, nameof(weightDecay));
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        SpanChecks.SameLength(grad.Length, param.Length, nameof(grad));
        SpanChecks.SameLength(m.Length, param.Length, nameof(m));
        SpanChecks.SameLength(v.Length, param.Length, nameof(v));
        Disjoint(param, grad, nameof(grad));
        Disjoint(param, m, nameof(m));
        Disjoint(param, v, nameof(v));
        Disjoint(m, v, nameof(v));
        Disjoint(grad, m, nameof(m));
        Disjoint(grad, v, nameof(v));
        if (param.IsEmpty)
        {
            return;
        }
        var alpha = (float)(lr * Math.Sqrt(1.0 - Math.Pow(beta2, step)) / (1.0 - Math.Pow(beta1, step)));
        var op = new AdamOp(1f - beta1, 1f - beta2, epsilon, alpha, decoupled ? 0f : weightDecay, decoupled ? lr * weightDecay : 0f);
        // Safe: the spans stay pinned until ParallelRange.Run returns, all have param.Length elements (checked), and
        // each worker touches only its own block range.
        fixed (float* pp = param, pg = grad, pm = m, pv = v)
        {
            ParallelRange.Run(new StepRange<AdamOp>(pp, pg, pm, pv, op), param.Length, ParallelRange.ElementGrain, param.Length);
        }
    }

    /// <summary>
    /// One SGD step with optional momentum, Keras 3 semantics (Sutskever et al. 2013 for the momentum forms):
    /// <code>
    /// g = g + weightDecay * p                   // L2, when weightDecay &gt; 0
    /// momentum = 0:  p = p - g * lr
    /// otherwise:     velocity = velocity * momentum - g * lr
    ///                p = p + velocity                            (classical)
    ///                p = p + (velocity * momentum - g * lr)      (nesterov)
    /// </code>
    /// The velocity is set to 0 where it becomes subnormal, as Adam's moments are (see <see cref="Adam"/>).
    /// </summary>
    /// <param name="param">Parameters, updated in place.</param>
    /// <param name="grad">Gradient, same length.</param>
    /// <param name="velocity">Momentum state, same length, updated (start at zeros); ignored and may be empty when momentum is 0.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum in [0, 1].</param>
    /// <param name="nesterov">Use Nesterov momentum.</param>
    /// <param name="weightDecay">L2 coefficient added to the gradient, zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    /// <exception cref="ArgumentException">Lengths differ or spans overlap.</exception>
    public static unsafe void Sgd(Span<float> param, ReadOnlySpan<float> grad, Span<float> velocity, float lr, float momentum, bool nesterov, float weightDecay)
    {
        CheckFinite(lr, nameof(lr));
        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1].");
        }
        CheckNonNegative(weightDecay, nameof(weightDecay));
        SpanChecks.SameLength(grad.Length, param.Length, nameof(grad));
        Disjoint(param, grad, nameof(grad));
        if (momentum == 0f)
        {
            ElementwiseDriver.ParallelBinary(param, grad, param, new PlainSgdOp(lr, weightDecay));
            return;
        }
        SpanChecks.SameLength(velocity.Length, param.Length, nameof(velocity));
        Disjoint(param, velocity, nameof(velocity));
        Disjoint(grad, velocity, nameof(velocity));
        if (param.IsEmpty)
        {
            return;
        }
        // Safe: the spans stay pinned until ParallelRange.Run returns, all have param.Length elements (checked), and
        // each worker touches only its own block range. The second state pointer is never dereferenced by SGD.
        fixed (float* pp = param, pg = grad, pm = velocity)
        {
            if (nesterov)
            {
                ParallelRange.Run(new StepRange<MomentumOp<Nesterov>>(pp, pg, pm, null, new MomentumOp<Nesterov>(lr, momentum, weightDecay)), param.Length, ParallelRange.ElementGrain, param.Length);
            }
            else
            {
                ParallelRange.Run(new StepRange<MomentumOp<Classical>>(pp, pg, pm, null, new MomentumOp<Classical>(lr, momentum, weightDecay)), param.Length, ParallelRange.ElementGrain, param.Length);
            }
        }
    }

    private static void CheckFinite(float value, string name)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite.");
        }
    }

    private static void CheckUnit(float value, string name)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
        }
    }

    private static void CheckNonNegative(float value, string name)
    {
        if (!(value >= 0f) || float.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and zero or more.");
        }
    }

    private static void Disjoint(ReadOnlySpan<float> a, ReadOnlySpan<float> b, string name)
    {
        if (a.Overlaps(b))
        {
            throw new ArgumentException($"{name} overlaps another argument; optimiser state needs separate buffers.", name);
        }
    }

    /// <summary>
    /// A per-element update p' = f(p, g, m, v) that also updates the state m (and v when <see cref="UsesSecondState"/>).
    /// All four bodies perform the same IEEE operations in the same order.
    /// </summary>
    private interface IStepOperator
    {
        bool UsesSecondState { get; }

        float Step(float p, float g, ref float m, ref float v);

        Vector128<float> Step(Vector128<float> p, Vector128<float> g, ref Vector128<float> m, ref Vector128<float> v);

        Vector256<float> Step(Vector256<float> p, Vector256<float> g, ref Vector256<float> m, ref Vector256<float> v);

        Vector512<float> Step(Vector512<float> p, Vector512<float> g, ref Vector512<float> m, ref Vector512<float> v);
    }

    /// <summary>The smallest normal float, 2^-126.</summary>
    internal const float SmallestNormal = 1.17549435e-38f;

    /// <summary>Adam's first moment is set to 0 below this magnitude (see <see cref="Adam"/>).</summary>
    internal const float MomentFloor = 1e-30f;

    /// <summary>m, or 0 where |m| is below <see cref="MomentFloor"/>.</summary>
    internal static float FlushMoment(float m) => ZeroBelow(m, MomentFloor);

    private static Vector128<float> FlushMoment(Vector128<float> m) => ZeroBelow(m, MomentFloor);

    private static Vector256<float> FlushMoment(Vector256<float> m) => ZeroBelow(m, MomentFloor);

    private static Vector512<float> FlushMoment(Vector512<float> m) => ZeroBelow(m, MomentFloor);

    /// <summary>x, or 0 where x is subnormal (|x| below 2^-126).</summary>
    internal static float Flush(float x) => ZeroBelow(x, SmallestNormal);

    private static Vector128<float> Flush(Vector128<float> x) => ZeroBelow(x, SmallestNormal);

    private static Vector256<float> Flush(Vector256<float> x) => ZeroBelow(x, SmallestNormal);

    private static Vector512<float> Flush(Vector512<float> x) => ZeroBelow(x, SmallestNormal);

    /// <summary>x, or 0 where |x| is below <paramref name="floor"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ZeroBelow(float x, float floor) => MathF.Abs(x) < floor ? 0f : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ZeroBelow(Vector128<float> x, float floor) =>
        Vector128.ConditionalSelect(Vector128.LessThan(Vector128.Abs(x), Vector128.Create(floor)), Vector128<float>.Zero, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ZeroBelow(Vector256<float> x, float floor) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(floor)), Vector256<float>.Zero, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ZeroBelow(Vector512<float> x, float floor) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(floor)), Vector512<float>.Zero, x);

    private readonly struct AdamOp(float oneMinusBeta1, float oneMinusBeta2, float epsilon, float alpha, float l2, float decay) : IStepOperator
    {
        public bool UsesSecondState => true;

        public float Step(float p, float g, ref float m, ref float v)
        {
            if (l2 != 0f)
            {
                g += l2 * p;
            }
            if (decay != 0f)
            {
                p -= p * decay;
            }
            m = FlushMoment(m + (g - m) * oneMinusBeta1);
            v = Flush(v + (g * g - v) * oneMinusBeta2);
            return p - m * alpha / (MathF.Sqrt(v) + epsilon);
        }

        public Vector128<float> Step(Vector128<float> p, Vector128<float> g, ref Vector128<float> m, ref Vector128<float> v)
        {
            if (l2 != 0f)
            {
                g += Vector128.Create(l2) * p;
            }
            if (decay != 0f)
            {
                p -= p * Vector128.Create(decay);
            }
            m = FlushMoment(m + (g - m) * Vector128.Create(oneMinusBeta1));
            v = Flush(v + (g * g - v) * Vector128.Create(oneMinusBeta2));
            return p - m * Vector128.Create(alpha) / (Vector128.Sqrt(v) + Vector128.Create(epsilon));
        }

        public Vector256<float> Step(Vector256<float> p, Vector256<float> g, ref Vector256<float> m, ref Vector256<float> v)
        {
            if (l2 != 0f)
            {
                g += Vector256.Create(l2) * p;
            }
            if (decay != 0f)
            {
                p -= p * Vector256.Create(decay);
            }
            m = FlushMoment(m + (g - m) * Vector256.Create(oneMinusBeta1));
            v = Flush(v + (g * g - v) * Vector256.Create(oneMinusBeta2));
            return p - m * Vector256.Create(alpha) / (Vector256.Sqrt(v) + Vector256.Create(epsilon));
        }

        public Vector512<float> Step(Vector512<float> p, Vector512<float> g, ref Vector512<float> m, ref Vector512<float> v)
        {
            if (l2 != 0f)
            {
                g += Vector512.Create(l2) * p;
            }
            if (decay != 0f)
            {
                p -= p * Vector512.Create(decay);
            }
            m = FlushMoment(m + (g - m) * Vector512.Create(oneMinusBeta1));
            v = Flush(v + (g * g - v) * Vector512.Create(oneMinusBeta2));
            return p - m * Vector512.Create(alpha) / (Vector512.Sqrt(v) + Vector512.Create(epsilon));
        }
    }

    private interface IMomentumKind
    {
        static abstract bool IsNesterov { get; }
    }

    private readonly struct Classical : IMomentumKind
    {
        public static bool IsNesterov => false;
    }

    private readonly struct Nesterov : IMomentumKind
    {
        public static bool IsNesterov => true;
    }

    /// <summary>velocity = velocity * momentum - g * lr; p += velocity, or p += velocity * momentum - g * lr (Nesterov).</summary>
    private readonly struct MomentumOp<TKind>(float lr, float momentum, float l2) : IStepOperator
        where TKind : struct, IMomentumKind
    {
        public bool UsesSecondState => false;

        public float Step(float p, float g, ref float m, ref float v)
        {
            if (l2 != 0f)
            {
                g += l2 * p;
            }
            m = Flush(m * momentum - g * lr);
            return TKind.IsNesterov ? p + (m * momentum - g * lr) : p + m;
        }

        public Vector128<float> Step(Vector128<float> p, Vector128<float> g, ref Vector128<float> m, ref Vector128<float> v)
        {
            if (l2 != 0f)
            {
                g += Vector128.Create(l2) * p;
            }
            m = Flush(m * Vector128.Create(momentum) - g * Vector128.Create(lr));
            return TKind.IsNesterov ? p + (m * Vector128.Create(momentum) - g * Vector128.Create(lr)) : p + m;
        }

        public Vector256<float> Step(Vector256<float> p, Vector256<float> g, ref Vector256<float> m, ref Vector256<float> v)
        {
            if (l2 != 0f)
            {
                g += Vector256.Create(l2) * p;
            }
            m = Flush(m * Vector256.Create(momentum) - g * Vector256.Create(lr));
            return TKind.IsNesterov ? p + (m * Vector256.Create(momentum) - g * Vector256.Create(lr)) : p + m;
        }

        public Vector512<float> Step(Vector512<float> p, Vector512<float> g, ref Vector512<float> m, ref Vector512<float> v)
        {
            if (l2 != 0f)
            {
                g += Vector512.Create(l2) * p;
            }
            m = Flush(m * Vector512.Create(momentum) - g * Vector512.Create(lr));
            return TKind.IsNesterov ? p + (m * Vector512.Create(momentum) - g * Vector512.Create(lr)) : p + m;
        }
    }

    /// <summary>p = p - (g + l2 * p) * lr.</summary>
    private readonly struct PlainSgdOp(float lr, float l2) : IBinaryOperator
    {
        public float Invoke(float p, float g) => p - (l2 != 0f ? g + l2 * p : g) * lr;

        public Vector128<float> Invoke(Vector128<float> p, Vector128<float> g) => p - (l2 != 0f ? g + Vector128.Create(l2) * p : g) * Vector128.Create(lr);

        public Vector256<float> Invoke(Vector256<float> p, Vector256<float> g) => p - (l2 != 0f ? g + Vector256.Create(l2) * p : g) * Vector256.Create(lr);

        public Vector512<float> Invoke(Vector512<float> p, Vector512<float> g) => p - (l2 != 0f ? g + Vector512.Create(l2) * p : g) * Vector512.Create(lr);
    }

    /// <summary>Applies an <see cref="IStepOperator"/> to elements [start, end): Vector512, Vector256, Vector128, then scalars.</summary>
    private readonly unsafe struct StepRange<TOp>(float* p, float* g, float* m, float* v, TOp op) : IRangeKernel
        where TOp : struct, IStepOperator
    {
        public void Execute(int start, int end)
        {
            var i = start;
            var second = op.UsesSecondState;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= end; i += 16)
                {
                    var mm = Vector512.Load(m + i);
                    var vv = second ? Vector512.Load(v + i) : default;
                    Vector512.Store(op.Step(Vector512.Load(p + i), Vector512.Load(g + i), ref mm, ref vv), p + i);
                    Vector512.Store(mm, m + i);
                    if (second)
                    {
                        Vector512.Store(vv, v + i);
                    }
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var mm = Vector256.Load(m + i);
                    var vv = second ? Vector256.Load(v + i) : default;
                    Vector256.Store(op.Step(Vector256.Load(p + i), Vector256.Load(g + i), ref mm, ref vv), p + i);
                    Vector256.Store(mm, m + i);
                    if (second)
                    {
                        Vector256.Store(vv, v + i);
                    }
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= end; i += 4)
                {
                    var mm = Vector128.Load(m + i);
                    var vv = second ? Vector128.Load(v + i) : default;
                    Vector128.Store(op.Step(Vector128.Load(p + i), Vector128.Load(g + i), ref mm, ref vv), p + i);
                    Vector128.Store(mm, m + i);
                    if (second)
                    {
                        Vector128.Store(vv, v + i);
                    }
                }
            }
            for (; i < end; i++)
            {
                var mm = m[i];
                var vv = second ? v[i] : 0f;
                p[i] = op.Step(p[i], g[i], ref mm, ref vv);
                m[i] = mm;
                if (second)
                {
                    v[i] = vv;
                }
            }
        }
    }
}
