using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>One call of a layer in a model graph: the layer, the nodes that feed it, and its per-sample output shape.</summary>
public sealed class Node
{
    internal Node(Layer layer, Node[] inbound, Shape outputShape)
    {
        Layer = layer;
        Inbound = inbound;
        OutputShape = outputShape;
    }

    public Layer Layer { get; }

    public IReadOnlyList<Node> Inbound { get; }

    public Shape OutputShape { get; }
}
