using ConvKit.Backends;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017, arXiv:1610.02391): where in the image a convolution layer found the evidence
/// for a class. With A^k the layer's feature maps (after its activation) and z_c the class score before softmax,
/// <para>α_k = (1 / (h·w)) Σ_{y,x} ∂z_c / ∂A^k[y, x],   L = ReLU(Σ_k α_k A^k)</para>
/// L is upsampled to the input size (bilinear) and scaled to [0, 1]. Guided Grad-CAM multiplies it, pixel by
/// pixel, with the guided-backpropagation gradient for a map that is both class-discriminative and detailed.
/// </summary>
/// <example><code>
/// var cam = GradCam.Compute(model, images);                  // the last Conv2D, the predicted classes
/// var guided = GradCam.Guided(model, images, layerName: "conv2d");
/// </code></example>
public static class GradCam
{
    private const string Method = "Grad-CAM";

    /// <summary>
    /// Grad-CAM of <paramref name="images"/> (N, C, H, W) on <paramref name="layerName"/> (default: the last Conv2D)
    /// for <paramref name="classes"/> (one per image; null: the predicted class).
    /// </summary>
    /// <exception cref="ConvKitException">The layer does not exist or has no feature maps (a dense layer), the images do not fit the model, or a class is out of range.</exception>
    public static GradCamResult Compute(Model model, Tensor images, int[]? classes = null, string? layerName = null)
    {
        var n = ModelProbe.CheckImages(model, images, Method);
        var (_, h, w) = ModelProbe.ImageShape(model, Method);
        layerName ??= ModelProbe.LastConvolution(model, Method);
        var node = ModelProbe.SpatialNode(model, layerName, Method);
        var (k, lh, lw) = (node.OutputShape[0], node.OutputShape[1], node.OutputShape[2]);
        var targets = ModelProbe.ResolveClasses(model, model.Forward(images), classes, Method);
        ModelProbe.BackwardClassScores(model, n, targets, BackpropMode.Vanilla);
        var a = model.GetActivation(layerName).AsSpan();
        var da = model.GetActivationGradient(layerName).AsSpan();
        var plane = lh * lw;
        var weights = new float[n * k];
        var layerMaps = new float[n * plane];
        var heatmaps = new float[n * h * w];
        for (var i = 0; i < n; i++)
        {
            var map = layerMaps.AsSpan(i * plane, plane);
            for (var ch = 0; ch < k; ch++)
            {
                var offset = (i * k + ch) * plane;
                double sum = 0;
                foreach (var g in da.Slice(offset, plane))
                {
                    sum += g;
                }
                var alpha = (float)(sum / plane);
                weights[i * k + ch] = alpha;
                var ak = a.Slice(offset, plane);
                for (var j = 0; j < plane; j++)
                {
                    map[j] += alpha * ak[j];
                }
            }
            var max = 0f;
            for (var j = 0; j < plane; j++)
            {
                map[j] = Math.Max(map[j], 0f);
                max = Math.Max(max, map[j]);
            }
            var heat = heatmaps.AsSpan(i * h * w, h * w);
            ImageOps.Bilinear(map, lh, lw, heat, h, w);
            if (max > 0)
            {
                for (var j = 0; j < heat.Length; j++)
                {
                    heat[j] /= max;
                }
            }
        }
        return new GradCamResult(layerName, new ImageBatch(heatmaps, n, 1, h, w), new ImageBatch(layerMaps, n, 1, lh, lw), weights, k, targets);
    }

    /// <summary>
    /// Guided Grad-CAM: <see cref="Compute"/>'s upsampled heat map times the guided-backpropagation gradient
    /// ∂z_c/∂x (ReLUs pass only positive gradients where they were active).
    /// </summary>
    /// <exception cref="ConvKitException">As <see cref="Compute"/>.</exception>
    public static GuidedGradCamResult Guided(Model model, Tensor images, int[]? classes = null, string? layerName = null)
    {
        var cam = Compute(model, images, classes, layerName);
        var guided = Saliency.Compute(model, images, cam.Classes, new SaliencyOptions { Modifier = BackpropMode.Guided });
        var g = guided.Gradients;
        var (n, c, h, w) = (g.Count, g.Channels, g.Height, g.Width);
        var product = new float[g.Values.Length];
        var plane = h * w;
        for (var i = 0; i < n; i++)
        {
            var heat = cam.Heatmaps.Image(i);
            for (var ch = 0; ch < c; ch++)
            {
                TensorPrimitives.Multiply(g.Plane(i, ch), heat, product.AsSpan((i * c + ch) * plane, plane));
            }
        }
        var maps = new float[n * plane];
        ImageOps.MaxAbsOverChannels(product, n, c, plane, maps);
        return new GuidedGradCamResult(cam, guided, new ImageBatch(product, n, c, h, w), new ImageBatch(maps, n, 1, h, w));
    }
}
