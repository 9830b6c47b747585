namespace ConvKit.Tensors;

/// <summary>Integer data owned by a backend: class labels, max-pooling argmax positions.</summary>
public abstract class IndexBuffer
{
    public abstract int Length { get; }
}
