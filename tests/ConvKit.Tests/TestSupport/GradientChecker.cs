using ConvKit.Layers;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Tests.TestSupport;

/// <summary>
/// Finite-difference gradient checks: for L = Σ y·dy with a fixed random dy, compares the analytic gradients of
/// the model's backward pass with central differences (L(v + ε) − L(v − ε)) / 2ε, accumulated in double, for the
/// input and for every trainable parameter (its free entries; masked entries must have a zero gradient). Up to <c>maxChecks</c> elements per tensor are probed.
/// </summary>
public static class GradientChecker
{
    public static void Check(Model model, Shape inputShape, int batch = 2, int seed = 1, bool training = false,
        double epsilon = 1e-2, double rtol = 2e-2, double atol = 2e-3, int maxChecks = 40, Func<Random, float>? sampler = null)
    {
        var random = new Random(seed);
        sampler ??= r => (float)(r.NextDouble() * 2 - 1);
        var xs = new float[inputShape.Size * batch];
        for (var i = 0; i < xs.Length; i++)
        {
            xs[i] = sampler(random);
        }
        var x = Tensor.FromArray(inputShape.WithBatch(batch), xs);
        var y = model.Forward(x, training);
        var dyValues = new float[y.Length];
        for (var i = 0; i < dyValues.Length; i++)
        {
            dyValues[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var dy = Tensor.FromArray(y.Shape, dyValues);

        foreach (var p in model.Parameters.Where(p => p.Trainable))
        {
            p.Gradient!.AsSpan().Clear();
        }
        model.Forward(x, training);
        model.Backward(dy, parameterGradients: true, training: training);
        var dx = model.GetInputGradient().ToArray();
        var paramGrads = model.Parameters.Where(p => p.Trainable).ToDictionary(p => p, p => p.Gradient!.ToArray());

        double Loss()
        {
            var yy = model.Forward(x, training).AsSpan();
            double s = 0;
            for (var i = 0; i < yy.Length; i++)
            {
                s += (double)yy[i] * dyValues[i];
            }
            return s;
        }

        void Probe(Span<float> values, float[] analytic, string what, Parameter? parameter = null)
        {
            // Masked entries (a connection table's cut weights) are not parameters: their gradient must be exactly zero.
            if (parameter is not null)
            {
                for (var i = 0; i < analytic.Length; i++)
                {
                    Assert.True(parameter.IsFree(i) || analytic[i] == 0f, $"{what}[{i}] is masked but has gradient {analytic[i]}.");
                }
            }
            var idx = Enumerable.Range(0, values.Length).Where(i => parameter is null || parameter.IsFree(i))
                .OrderBy(_ => random.Next()).Take(maxChecks).ToArray();
            foreach (var i in idx)
            {
                var keep = values[i];
                values[i] = (float)(keep + epsilon);
                var plus = Loss();
                values[i] = (float)(keep - epsilon);
                var minus = Loss();
                values[i] = keep;
                var numeric = (plus - minus) / (2 * epsilon);
                var diff = Math.Abs(numeric - analytic[i]);
                Assert.True(diff <= atol + rtol * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])),
                    $"{what}[{i}]: analytic {analytic[i]}, numeric {numeric}.");
            }
        }

        Probe(x.AsSpan(), dx, "dL/dx");
        foreach (var (p, g) in paramGrads)
        {
            Probe(p.Value.AsSpan(), g, $"dL/d{p.FullName}", p);
        }
    }

    /// <summary>A model of one layer on one input of <paramref name="inputShape"/>.</summary>
    /// <summary>
    /// Distinct values k · <paramref name="spacing"/> for distinct k in [−400, 400), spaced well beyond 2ε, so no
    /// max-pool window has a near tie.
    /// </summary>
    public static Func<Random, float> Distinct(float spacing = 0.05f)
    {
        var used = new HashSet<int>();
        return r =>
        {
            int k;
            do
            {
                k = r.Next(-400, 400);
            }
            while (!used.Add(k));
            return k * spacing;
        };
    }

    public static Model Single(Layer layer, Shape inputShape, int seed = 3)
    {
        var input = Input.Create(inputShape);
        return new Model(input, layer.Call(input), seed: seed);
    }
}
