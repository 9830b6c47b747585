using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// The activations of layers for given inputs, one map per channel: what each filter responds to in this image.
/// A layer with feature maps (C, H, W) gives an <see cref="ImageBatch"/> (N, C, H, W); a layer with a vector
/// output (units) gives (N, 1, 1, units), one strip per image.
/// </summary>
/// <example><code>
/// var maps = FeatureMaps.Compute(model, images, "conv2d", "conv2d_1");
/// // maps[0] is (N, 16, 28, 28) for seed-mnist's first convolution
/// </code></example>
public static class FeatureMaps
{
    /// <summary>The activations (after each layer's own activation function) of <paramref name="layerNames"/> for <paramref name="images"/> (N, C, H, W), from one forward pass.</summary>
    /// <exception cref="ConvKitException">A layer does not exist, or the images do not fit the model's input.</exception>
    public static IReadOnlyList<ImageBatch> Compute(Model model, Tensor images, params string[] layerNames)
    {
        ArgumentNullException.ThrowIfNull(layerNames);
        var n = ModelProbe.CheckImages(model, images, "Feature maps");
        foreach (var name in layerNames)
        {
            ModelProbe.Node(model, name);
        }
        model.Forward(images, training: false);
        var result = new ImageBatch[layerNames.Length];
        for (var i = 0; i < layerNames.Length; i++)
        {
            var a = model.GetActivation(layerNames[i]);
            var s = a.Shape;
            result[i] = s.Rank switch
            {
                4 => new ImageBatch(a.ToArray(), n, s[1], s[2], s[3]),
                2 => new ImageBatch(a.ToArray(), n, 1, 1, s[1]),
                _ => throw new ConvKitException($"Layer '{layerNames[i]}' outputs {s.DropFirst()} per sample; feature maps need (C, H, W) or a vector."),
            };
        }
        return result;
    }

    /// <summary>The layers worth showing as feature maps: every layer after the input whose output is (C, H, W), in graph order.</summary>
    public static IReadOnlyList<string> SpatialLayers(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ModelProbe.SpatialLayerNames(model);
    }
}
