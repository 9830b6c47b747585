using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// Saliency maps (Simonyan, Vedaldi and Zisserman 2013, arXiv:1312.6034): the gradient of the class score z_c
/// (before softmax) with respect to the input, M(y, x) = max_ch |∂z_c / ∂x[ch, y, x]|: the pixels whose change
/// would change the score most. Modifiers change how the gradient crosses ReLU units (y = max(u, 0)):
/// <list type="bullet">
/// <item>vanilla: du = dy · [u &gt; 0], the true gradient;</item>
/// <item>guided (Springenberg et al. 2015, arXiv:1412.6806): du = max(dy, 0) · [u &gt; 0];</item>
/// <item>rectified, deconvnet-style (Zeiler and Fergus 2014): du = max(dy, 0), whatever u was.</item>
/// </list>
/// SmoothGrad (Smilkov et al. 2017, arXiv:1706.03825) averages the gradient over n copies x + N(0, σ²),
/// σ = noise level · (max x − min x).
/// </summary>
/// <example><code>
/// var s = Saliency.Compute(model, images, options: new SaliencyOptions { Modifier = BackpropMode.Guided });
/// // s.Maps: (N, 1, 28, 28); s.Gradients: (N, 1, 28, 28) signed
/// </code></example>
public static class Saliency
{
    private const string Method = "Saliency";

    /// <summary>The saliency of <paramref name="images"/> (N, C, H, W) for <paramref name="classes"/> (one per image; null: the predicted class).</summary>
    /// <exception cref="ConvKitException">The images do not fit the model, a class is out of range, or an option is invalid.</exception>
    public static SaliencyResult Compute(Model model, Tensor images, int[]? classes = null, SaliencyOptions? options = null)
    {
        options ??= new SaliencyOptions();
        options.Validate();
        var n = ModelProbe.CheckImages(model, images, Method);
        var (c, h, w) = ModelProbe.ImageShape(model, Method);
        var targets = ModelProbe.ResolveClasses(model, model.Forward(images), classes, Method);
        var gradients = InputGradients(model, images, targets, options);
        var maps = new float[n * h * w];
        ImageOps.MaxAbsOverChannels(gradients, n, c, h * w, maps);
        return new SaliencyResult(new ImageBatch(gradients, n, c, h, w), new ImageBatch(maps, n, 1, h, w), targets);
    }

    /// <summary>∂z_c/∂x (N, C, H, W) under the options' modifier, averaged over SmoothGrad copies when asked.</summary>
    internal static float[] InputGradients(Model model, Tensor images, int[] classes, SaliencyOptions options)
    {
        var n = images.Shape[0];
        var result = new float[images.Length];
        if (options.SmoothGradSamples == 0)
        {
            model.Forward(images);
            ModelProbe.BackwardClassScores(model, n, classes, options.Modifier);
            model.GetInputGradient().AsSpan().CopyTo(result);
            return result;
        }
        var p = images.Length / n;
        var source = images.AsSpan();
        var sigma = new float[n];
        for (var i = 0; i < n; i++)
        {
            var img = source.Slice(i * p, p);
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            foreach (var v in img)
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
            sigma[i] = options.NoiseLevel * (hi - lo);
        }
        var rngs = Enumerable.Range(0, n).Select(i => new ExplainRandom(options.Seed, i)).ToArray();
        var noisy = Tensor.Zeros(images.Shape);
        for (var s = 0; s < options.SmoothGradSamples; s++)
        {
            var x = noisy.AsSpan();
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < p; j++)
                {
                    x[i * p + j] = source[i * p + j] + (float)(sigma[i] * rngs[i].NextGaussian());
                }
            }
            model.Forward(noisy);
            ModelProbe.BackwardClassScores(model, n, classes, options.Modifier);
            var g = model.GetInputGradient().AsSpan();
            for (var j = 0; j < result.Length; j++)
            {
                result[j] += g[j];
            }
        }
        var inv = 1f / options.SmoothGradSamples;
        for (var j = 0; j < result.Length; j++)
        {
            result[j] *= inv;
        }
        return result;
    }
}
