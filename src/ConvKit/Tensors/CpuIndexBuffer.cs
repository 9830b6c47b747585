namespace ConvKit.Tensors;

/// <summary>Integer data on the CPU: a managed int array.</summary>
public sealed class CpuIndexBuffer : IndexBuffer
{
    public CpuIndexBuffer(int length) => Array = new int[length];

    public int[] Array { get; }

    public override int Length => Array.Length;
}
