namespace ConvKit.Tensors;

/// <summary>The memory behind one or more tensors; each backend has its own kind.</summary>
public abstract class TensorStorage
{
    /// <summary>Capacity in float32 elements.</summary>
    public abstract int Length { get; }
}
