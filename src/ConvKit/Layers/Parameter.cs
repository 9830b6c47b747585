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

    /// <summary>
    /// Which entries are free to learn, as 1 (free) and 0 (fixed at zero), or null when every entry is free. A layer
    /// sets it from <see cref="Layer.Build"/> (Conv2D's connection table); masked entries are zeroed after
    /// initialisation and their gradient is zeroed after every backward pass, so no optimiser moves them.
    /// </summary>
    public Tensor? Mask { get; private set; }

    /// <summary>The number of values that are really parameters: the connected entries when masked, else all of them. Every parameter counter uses it.</summary>
    public long FreeCount => _freeCount >= 0 ? _freeCount : Value.Length;

    private long _freeCount = -1;

    /// <summary>Whether entry <paramref name="index"/> (flat, row-major) is free to learn.</summary>
    public bool IsFree(int index) => Mask is null || Mask.AsSpan()[index] != 0f;

    internal void SetMask(ReadOnlySpan<float> mask)
    {
        if (mask.Length != Value.Length)
        {
            throw new ArgumentException($"A mask of {mask.Length} entries does not fit parameter {Name} of shape {Shape}.", nameof(mask));
        }
        var m = Value.Backend.Allocate(Value.Shape);
        m.CopyFrom(mask);
        Mask = m;
        long free = 0;
        foreach (var v in mask)
        {
            free += v != 0f ? 1 : 0;
        }
        _freeCount = free;
    }

    /// <summary>Zeroes the masked entries of the value (after initialisation or loading).</summary>
    internal void ApplyMaskToValue()
    {
        if (Mask is not null)
        {
            Value.Backend.Multiply(Value, Mask, Value);
        }
    }
}
