using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Layers;

/// <summary>Keras' <c>keras.Input</c>: a symbolic input tensor for the functional API.</summary>
/// <example><code>
/// var x = Input.Create(1, 28, 28);
/// var y = new Dense(10).Call(new Flatten().Call(x));
/// var model = new Model(x, y);
/// </code></example>
public static class Input
{
    /// <summary>A symbolic input of the given per-sample shape (channels, height, width for images).</summary>
    public static SymbolicTensor Create(params int[] shape) => new InputLayer(new Shape(shape)).Output;

    public static SymbolicTensor Create(Shape shape, string? name = null) => new InputLayer(shape, name).Output;
}
