using ConvKit.Tensors;

namespace ConvKit.Layers.Pooling;

/// <summary>The mean of each feature map: (N, C, H, W) -> (N, C). No parameters.</summary>
public sealed class GlobalAveragePooling2D : Layer
{
    public GlobalAveragePooling2D(string? name = null) : base(name)
    {
    }

    public override string DefaultNameBase => "global_average_pooling2d";

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 3)
        {
            throw ShapeError($"expects input (channels, height, width), got {s}.");
        }
        return new Shape(s[0]);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
        context.Backend.GlobalAvgPoolForward(inputs[0], output);

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is { } dx)
        {
            context.Backend.GlobalAvgPoolBackward(outputGradient, dx);
        }
    }
}
