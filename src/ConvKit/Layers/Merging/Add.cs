using ConvKit.Tensors;

namespace ConvKit.Layers.Merging;

/// <summary>The element-wise sum of inputs of one shape (ResNet's shortcut connection). No parameters.</summary>
public sealed class Add : Layer
{
    public Add(string? name = null) : base(name)
    {
    }

    public override int InputCount => -1;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        foreach (var s in inputShapes)
        {
            if (s != inputShapes[0])
            {
                throw ShapeError($"inputs must have one shape, got {FormatShapes(inputShapes)}.");
            }
        }
        return inputShapes[0];
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        context.Backend.Add(inputs[0], inputs[1], output);
        for (var i = 2; i < inputs.Count; i++)
        {
            context.Backend.Add(output, inputs[i], output);
        }
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        // An index loop: foreach over the IReadOnlyList would box its enumerator on every step.
        for (var i = 0; i < inputGradients.Count; i++)
        {
            if (inputGradients[i] is { } dx)
            {
                context.Backend.Copy(outputGradient, dx);
            }
        }
    }
}
