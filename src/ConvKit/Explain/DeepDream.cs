using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// Deep Dream (Mordvintsev, Olah and Tyka 2015, "Inceptionism"): start from an image and amplify whatever a
/// layer sees in it, by gradient ascent on the image of a function of that layer's activations a (see
/// <see cref="DreamObjective"/>):
/// <para>x ← clip(x + η · R_o(∇ₓJ) / rms(R_o(∇ₓJ)))</para>
/// with jitter, and octaves: R_o resamples the gradient to 1 / s^o of the input size and back (bilinear), so the
/// coarsest octave paints large structures and the finest adds detail. The model's input size stays fixed,
/// which is what lets it work for any model, dense layers included.
/// </summary>
/// <example><code>
/// var dream = DeepDream.Run(model, images, "conv2d_1", new DreamOptions { Steps = 30, Octaves = 3 });
/// // dream.Images: same shape as images; dream.FinalNorm[i] &gt; dream.InitialNorm[i]
/// </code></example>
public static class DeepDream
{
    private const string Method = "Deep Dream";

    /// <summary>Dreams every image of <paramref name="images"/> (N, C, H, W) on layer <paramref name="layerName"/>.</summary>
    /// <exception cref="ConvKitException">The layer does not exist, the images do not fit the model, or an option is invalid.</exception>
    public static DreamResult Run(Model model, Tensor images, string layerName, DreamOptions? options = null)
    {
        options ??= new DreamOptions();
        options.Validate();
        var n = ModelProbe.CheckImages(model, images, Method);
        var node = ModelProbe.Node(model, layerName);
        if (node.Layer is Layers.InputLayer)
        {
            throw new ConvKitException($"{Method} needs a layer inside the network; '{layerName}' is the input.");
        }
        var (c, h, w) = ModelProbe.ImageShape(model, Method);
        var p = c * h * w;
        var x = images.ToArray();
        ImageOps.Clip(x, options.InputLow, options.InputHigh);
        var input = Tensor.Zeros(images.Shape);
        var seed = Tensor.Zeros(node.OutputShape.WithBatch(n));
        var rngs = Enumerable.Range(0, n).Select(i => new ExplainRandom(options.Seed, i)).ToArray();
        var trace = Enumerable.Range(0, n).Select(_ => new double[options.Steps * options.Octaves]).ToArray();
        var initial = Norms(model, input, x, layerName, n);
        var grad = new float[p];
        var shifts = new (int Dy, int Dx)[n];
        var step = 0;
        for (var octave = options.Octaves - 1; octave >= 0; octave--)
        {
            var factor = Math.Pow(options.OctaveScale, octave);
            var lh = Math.Max(1, (int)Math.Round(h / factor));
            var lw = Math.Max(1, (int)Math.Round(w / factor));
            var low = new float[lh * lw];
            for (var s = 0; s < options.Steps; s++, step++)
            {
                var inp = input.AsSpan();
                for (var i = 0; i < n; i++)
                {
                    shifts[i] = rngs[i].NextShift(options.Jitter);
                    ImageOps.Roll(x.AsSpan(i * p, p), c, h, w, shifts[i].Dy, shifts[i].Dx, inp.Slice(i * p, p));
                }
                model.Forward(input);
                var a = model.GetActivation(layerName).AsSpan();
                var sd = seed.AsSpan();
                var size = a.Length / n;
                for (var i = 0; i < n; i++)
                {
                    trace[i][step] = Objective(a.Slice(i * size, size), sd.Slice(i * size, size), options.Objective);
                }
                model.Backward(layerName, seed);
                var dx = model.GetInputGradient().AsSpan();
                for (var i = 0; i < n; i++)
                {
                    ImageOps.Roll(dx.Slice(i * p, p), c, h, w, -shifts[i].Dy, -shifts[i].Dx, grad);
                    if (octave > 0)
                    {
                        for (var ch = 0; ch < c; ch++)
                        {
                            var plane = grad.AsSpan(ch * h * w, h * w);
                            ImageOps.Bilinear(plane, h, w, low, lh, lw);
                            ImageOps.Bilinear(low, lh, lw, plane, h, w);
                        }
                    }
                    ImageOps.AscentStep(x.AsSpan(i * p, p), grad, options.LearningRate, clip: true, options.InputLow, options.InputHigh);
                }
            }
        }
        var final = Norms(model, input, x, layerName, n);
        return new DreamResult(layerName, new ImageBatch(x, n, c, h, w), initial, final, trace);
    }

    /// <summary>The objective of one image's activations <paramref name="a"/>, writing its gradient into <paramref name="seed"/>.</summary>
    private static double Objective(ReadOnlySpan<float> a, Span<float> seed, DreamObjective objective)
    {
        double sum = 0;
        if (objective == DreamObjective.Norm)
        {
            foreach (var v in a)
            {
                sum += (double)v * v;
            }
            var norm = Math.Sqrt(sum);
            var inv = norm > 0 ? (float)(1 / norm) : 0f;
            for (var j = 0; j < a.Length; j++)
            {
                seed[j] = a[j] * inv;
            }
            return norm;
        }
        for (var j = 0; j < a.Length; j++)
        {
            sum += Math.Abs(a[j]);
            seed[j] = MathF.Sign(a[j]);
        }
        return sum;
    }

    private static double[] Norms(Model model, Tensor input, float[] x, string layerName, int n)
    {
        input.CopyFrom(x);
        model.Forward(input);
        var a = model.GetActivation(layerName).AsSpan();
        var size = a.Length / n;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            double s = 0;
            foreach (var v in a.Slice(i * size, size))
            {
                s += (double)v * v;
            }
            result[i] = Math.Sqrt(s);
        }
        return result;
    }
}
