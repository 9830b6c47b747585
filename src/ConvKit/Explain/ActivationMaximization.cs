using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// Activation maximisation (Erhan et al. 2009; Simonyan et al. 2013, arXiv:1312.6034): the input x* that
/// maximises a target with the weights frozen, found by gradient ascent on x,
/// <para>x ← clip(x + η · ∇J(x) / rms(∇J(x))),  J(x) = t(x) − λ₁·mean|x| − λ₂·mean(x²) − λ_TV·TV(x)</para>
/// where t is a class score before softmax (softmax swapped for linear, as keras-vis does), a filter's mean or
/// summed response, or a dense unit, each taken before its layer's own activation function so that a unit that is
/// off at the start (a ReLU at zero) still gets a gradient. For a class this is the "class visualisation": what the network thinks
/// the class looks like. See <see cref="MaximizationOptions"/> for the regularisers.
/// </summary>
/// <example><code>
/// var targets = Enumerable.Range(0, 10).Select(ExplainTarget.Class).ToArray();
/// var result = ActivationMaximization.Run(model, targets, new MaximizationOptions { Steps = 200, L2 = 1, Jitter = 1 });
/// // result.Images is (10, 1, 28, 28); result.Objective[c] the trace of class c's logit
/// </code></example>
public static class ActivationMaximization
{
    private const string Method = "Activation maximisation";

    /// <summary>
    /// Maximises each target, starting from seeded noise (or <see cref="MaximizationOptions.InitialImage"/>).
    /// Targets on the same layer are optimised together as one batch; each image's start and jitter come from its
    /// own random stream, so a result does not depend on which other targets were asked for.
    /// </summary>
    /// <exception cref="ConvKitException">A target's layer does not exist or does not fit the target, an index is out of range, an option is invalid, or the model does not take images.</exception>
    public static MaximizationResult Run(Model model, IReadOnlyList<ExplainTarget> targets, MaximizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        options ??= new MaximizationOptions();
        var (c, h, w) = ModelProbe.ImageShape(model, Method);
        var p = c * h * w;
        options.Validate(p);
        if (targets.Count == 0)
        {
            throw new ConvKitException($"{Method} needs at least one target.");
        }
        foreach (var t in targets)
        {
            TargetProbe.Check(model, t, Method);
        }
        var images = new float[targets.Count * p];
        var trace = new double[targets.Count][];
        var regularized = new double[targets.Count][];
        var initial = new double[targets.Count];
        var final = new double[targets.Count];
        var groups = Enumerable.Range(0, targets.Count).GroupBy(i => TargetProbe.GroupKey(targets[i]));
        foreach (var group in groups)
        {
            var indices = group.ToArray();
            RunGroup(model, targets, indices, options, (c, h, w), images, trace, regularized, initial, final);
        }
        return new MaximizationResult(targets.ToArray(), new ImageBatch(images, targets.Count, c, h, w), trace, regularized, initial, final);
    }

    /// <summary>The value of each target on the matching image of <paramref name="images"/> (one image per target).</summary>
    /// <exception cref="ConvKitException">The counts differ, or a target or the images do not fit the model.</exception>
    public static double[] Evaluate(Model model, Tensor images, IReadOnlyList<ExplainTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var n = ModelProbe.CheckImages(model, images, Method);
        if (targets.Count != n)
        {
            throw new ConvKitException($"{Method}: {targets.Count} targets for {n} images; give one target per image.");
        }
        foreach (var t in targets)
        {
            TargetProbe.Check(model, t, Method);
        }
        var result = new double[n];
        var p = images.Length / n;
        foreach (var group in Enumerable.Range(0, n).GroupBy(i => TargetProbe.GroupKey(targets[i])))
        {
            var idx = group.ToArray();
            var batch = Tensor.Zeros(images.Shape.DropFirst().WithBatch(idx.Length));
            for (var g = 0; g < idx.Length; g++)
            {
                images.AsSpan().Slice(idx[g] * p, p).CopyTo(batch.AsSpan().Slice(g * p, p));
            }
            var probe = TargetProbe.Create(model, idx.Select(i => targets[i]).ToArray());
            var values = new double[idx.Length];
            model.Forward(batch);
            probe.Values(values);
            for (var g = 0; g < idx.Length; g++)
            {
                result[idx[g]] = values[g];
            }
        }
        return result;
    }

    private static void RunGroup(Model model, IReadOnlyList<ExplainTarget> targets, int[] indices, MaximizationOptions o, (int C, int H, int W) shape,
        float[] images, double[][] trace, double[][] regularized, double[] initial, double[] final)
    {
        var (c, h, w) = shape;
        var p = c * h * w;
        var g = indices.Length;
        var probe = TargetProbe.Create(model, indices.Select(i => targets[i]).ToArray());
        var x = new float[g * p];
        var rngs = new ExplainRandom[g];
        var range = o.InputHigh - o.InputLow;
        for (var k = 0; k < g; k++)
        {
            rngs[k] = new ExplainRandom(o.Seed, indices[k]);
            var xi = x.AsSpan(k * p, p);
            if (o.InitialImage is { } start)
            {
                start.CopyTo(xi);
            }
            else
            {
                var mid = o.InputLow + 0.5f * range;
                for (var j = 0; j < p; j++)
                {
                    xi[j] = mid + (float)((rngs[k].NextDouble() - 0.5) * o.InitialNoise * range);
                }
            }
            trace[indices[k]] = new double[o.Steps];
            regularized[indices[k]] = new double[o.Steps];
        }
        var input = Tensor.Zeros(new Shape(g, c, h, w));
        var values = new double[g];
        var grad = new float[p];
        var shifts = new (int Dy, int Dx)[g];

        input.CopyFrom(x);
        model.Forward(input);
        probe.Values(values);
        for (var k = 0; k < g; k++)
        {
            initial[indices[k]] = values[k];
        }

        for (var step = 0; step < o.Steps; step++)
        {
            var inp = input.AsSpan();
            for (var k = 0; k < g; k++)
            {
                shifts[k] = rngs[k].NextShift(o.Jitter);
                ImageOps.Roll(x.AsSpan(k * p, p), c, h, w, shifts[k].Dy, shifts[k].Dx, inp.Slice(k * p, p));
            }
            model.Forward(input);
            probe.Values(values);
            probe.Backward();
            var dx = model.GetInputGradient().AsSpan();
            for (var k = 0; k < g; k++)
            {
                var xi = x.AsSpan(k * p, p);
                ImageOps.Roll(dx.Slice(k * p, p), c, h, w, -shifts[k].Dy, -shifts[k].Dx, grad);
                var penalty = Penalties(xi, (c, h, w), o, grad);
                trace[indices[k]][step] = values[k];
                regularized[indices[k]][step] = values[k] - penalty;
                ImageOps.AscentStep(xi, grad, o.LearningRate, o.Clip, o.InputLow, o.InputHigh);
            }
        }

        input.CopyFrom(x);
        model.Forward(input);
        probe.Values(values);
        for (var k = 0; k < g; k++)
        {
            final[indices[k]] = values[k];
            x.AsSpan(k * p, p).CopyTo(images.AsSpan(indices[k] * p, p));
        }
    }

    /// <summary>λ₁·mean|x| + λ₂·mean(x²) + λ_TV·TV(x); subtracts their gradient from <paramref name="grad"/>.</summary>
    private static double Penalties(ReadOnlySpan<float> x, (int C, int H, int W) shape, MaximizationOptions o, Span<float> grad)
    {
        double penalty = 0;
        var n = x.Length;
        if (o.L1 > 0 || o.L2 > 0)
        {
            double l1 = 0, l2 = 0;
            var k1 = o.L1 / n;
            var k2 = 2f * o.L2 / n;
            for (var j = 0; j < n; j++)
            {
                var v = x[j];
                l1 += Math.Abs(v);
                l2 += (double)v * v;
                grad[j] -= k1 * MathF.Sign(v) + k2 * v;
            }
            penalty += o.L1 * l1 / n + o.L2 * l2 / n;
        }
        if (o.TotalVariation > 0)
        {
            penalty += o.TotalVariation * ImageOps.TotalVariation(x, shape.C, shape.H, shape.W, -o.TotalVariation, grad);
        }
        return penalty;
    }
}
