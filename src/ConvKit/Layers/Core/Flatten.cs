using ConvKit.Tensors;

namespace ConvKit.Layers.Core;

/// <summary>Flattens each sample to a vector, in (C, H, W) order: (N, C, H, W) -> (N, C·H·W). No parameters.</summary>
public sealed class Flatten : Layer
{
    public Flatten(string? name = null) : base(name)
    {
    }

    protected override Shape Build(IReadOnlyList<Shape> inputShapes) => new(inputShapes[0].Size);

    public override bool OutputIsInputView => true;

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        if (!output.SharesElementsWith(inputs[0]))
        {
            context.Backend.Copy(inputs[0], output);
        }
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is { } dx && !dx.SharesElementsWith(outputGradient))
        {
            context.Backend.Copy(outputGradient, dx);
        }
    }
}
