namespace ConvKit.Tensors;

/// <summary>Tensor memory on the CPU: a managed float array.</summary>
public sealed class CpuStorage : TensorStorage
{
    public CpuStorage(int length) => Array = new float[length];

    public CpuStorage(float[] array) => Array = array;

    public float[] Array { get; }

    public override int Length => Array.Length;
}
