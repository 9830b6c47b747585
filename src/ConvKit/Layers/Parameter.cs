using ConvKit.Initializers;
using ConvKit.Tensors;

namespace ConvKit.Layers;

/// <summary>
/// A weight tensor of a layer with its gradient. Trainable parameters are updated by the optimiser;
/// non-trainable ones (batch norm's moving statistics) are state that is saved with the model.
/// </summary>
public sealed class Parameter
{
    internal Parameter(Layer owner, string name, Tensor value, bool trainable, IInitializer initializer)
    {
        Owner = owner;
        Name = name;
        Value = value;
        Trainable = trainable;
        Initializer = initializer;
        Gradient = trainable ? value.Backend.Allocate(value.Shape) : null;
    }

    /// <summary>The layer this parameter belongs to.</summary>
    public Layer Owner { get; }

    /// <summary>The short name within the layer, e.g. <c>kernel</c> or <c>bias</c>.</summary>
    public string Name { get; }

    /// <summary>The name within the model, e.g. <c>conv2d.kernel</c>.</summary>
    public string FullName => $"{Owner.Name}.{Name}";

    public Tensor Value { get; }

    /// <summary>dLoss/dValue, accumulated by the backward pass; null for non-trainable parameters.</summary>
    public Tensor? Gradient { get; }

    public bool Trainable { get; }

    public IInitializer Initializer { get; }

    public Shape Shape => Value.Shape;
}
