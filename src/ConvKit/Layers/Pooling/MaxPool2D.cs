using ConvKit.Layers.Convolution;
using ConvKit.Tensors;

namespace ConvKit.Layers.Pooling;

/// <summary>
/// Max pooling: y[n,c,p,q] = max over the window of x. The backward pass routes each gradient to the position
/// that won the max (the first on ties; padding never wins). Keras' MaxPooling2D.
/// </summary>
/// <example><code>new MaxPool2D(2); new MaxPool2D(3, strides: 2) // overlapping, as in AlexNet</code></example>
public sealed class MaxPool2D : Pooling2D
{
    public MaxPool2D(int poolSize = 2, int? strides = null, Padding? padding = null, string? name = null)
        : base((poolSize, poolSize), strides is { } s ? (s, s) : null, padding, name)
    {
    }

    public MaxPool2D((int Height, int Width) poolSize, (int Height, int Width)? strides = null, Padding? padding = null, string? name = null)
        : base(poolSize, strides, padding, name)
    {
    }

    public override string TypeName => "MaxPooling2D";

    public override string DefaultNameBase => "max_pooling2d";

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
        context.Backend.MaxPool2DForward(inputs[0], output, context.Indices(0, output.Length), Geometry);

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is { } dx)
        {
            context.Backend.MaxPool2DBackward(outputGradient, context.Indices(0, output.Length), dx, Geometry, context.FoldsInputRelu ? output : null);
        }
    }
}
