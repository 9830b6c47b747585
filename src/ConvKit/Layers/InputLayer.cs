using System.Text.Json.Nodes;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Layers;

/// <summary>
/// The entry point of a model: declares the per-sample input shape, e.g. (1, 28, 28) for MNIST (channels, height, width).
/// </summary>
/// <example><code>var model = new Sequential(new InputLayer(new Shape(1, 28, 28)), new Conv2D(16, 3), ...);</code></example>
public sealed class InputLayer : Layer
{
    public InputLayer(Shape shape, string? name = null) : base(name)
    {
        if (shape.Rank == 0 || shape.Size == 0)
        {
            throw new ConvKitException($"An input shape needs at least one non-zero dimension, got {shape}.");
        }
        Shape = shape;
        EnsureBuilt([]);
        Output = new SymbolicTensor(new Node(this, [], shape));
    }

    /// <summary>The per-sample shape.</summary>
    public Shape Shape { get; }

    /// <summary>The symbolic tensor this input produces.</summary>
    public SymbolicTensor Output { get; }

    public override int InputCount => 0;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes) => Shape;

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["shape"] = new JsonArray(Shape.ToArray().Select(d => (JsonNode)d).ToArray());
        return c;
    }
}
