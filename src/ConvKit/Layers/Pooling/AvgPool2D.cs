using System.Text.Json.Nodes;
using ConvKit.Layers.Convolution;
using ConvKit.Tensors;

namespace ConvKit.Layers.Pooling;

/// <summary>
/// Average pooling: y = mean of the window. With padding, <c>countIncludePad</c> decides whether padded zeros count
/// in the mean: false by default for 'same' (Keras/TensorFlow), true by default for explicit padding (PyTorch).
/// Keras' AveragePooling2D.
/// </summary>
public sealed class AvgPool2D : Pooling2D
{
    public AvgPool2D(int poolSize = 2, int? strides = null, Padding? padding = null, bool? countIncludePad = null, string? name = null)
        : this((poolSize, poolSize), strides is { } s ? (s, s) : null, padding, countIncludePad, name)
    {
    }

    public AvgPool2D((int Height, int Width) poolSize, (int Height, int Width)? strides = null, Padding? padding = null, bool? countIncludePad = null, string? name = null)
        : base(poolSize, strides, padding, name)
    {
        CountIncludePad = countIncludePad ?? Padding.Mode == PaddingMode.Explicit;
    }

    public bool CountIncludePad { get; }

    public override string TypeName => "AveragePooling2D";

    public override string DefaultNameBase => "average_pooling2d";

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
        context.Backend.AvgPool2DForward(inputs[0], output, Geometry, CountIncludePad);

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is { } dx)
        {
            context.Backend.AvgPool2DBackward(outputGradient, dx, Geometry, CountIncludePad);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["count_include_pad"] = CountIncludePad;
        return c;
    }
}
