using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Models;

namespace ConvKit.Explain;

/// <summary>
/// The learned filters of a convolution layer (what the notes call "visualising the weights"): the first
/// layer's filters are small images of the patterns it responds to.
/// </summary>
/// <example><code>
/// var bank = ConvolutionFilters.Get(model);             // the first Conv2D
/// ImageBatch tiles = bank.Normalized();                 // (K, C, KH, KW) in [0, 1]
/// </code></example>
public static class ConvolutionFilters
{
    /// <summary>The weights of Conv2D layer <paramref name="layerName"/> (default: the first Conv2D of the model).</summary>
    /// <exception cref="ConvKitException">No such layer, the layer is not a Conv2D, or the model has none.</exception>
    public static FilterBank Get(Model model, string? layerName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Conv2D conv;
        if (layerName is null)
        {
            conv = model.Layers.OfType<Conv2D>().FirstOrDefault()
                ?? throw new ConvKitException($"Model '{model.Name}' has no convolution layer, so it has no filters to show.");
        }
        else
        {
            var layer = model.GetLayer(layerName);
            conv = layer as Conv2D ?? throw new ConvKitException(
                $"Layer '{layerName}' is a {layer.TypeName}, not a convolution; convolution layers: {string.Join(", ", model.Layers.OfType<Conv2D>().Select(l => l.Name))}.");
        }
        var k = conv.Kernel.Shape;
        var node = model.Nodes.First(n => n.Layer == conv);
        var takesImages = node.Inbound.Count == 1 && node.Inbound[0].Layer is InputLayer && k[1] is 1 or 3 && conv.Groups == 1;
        return new FilterBank(conv.Name, conv.Kernel.Value.ToArray(), k[0], k[1], k[2], k[3], takesImages);
    }
}
