namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// The body of a parallel kernel: computes the part of the result owned by the half-open index range
/// [start, end) of some index space (elements, rows, planes or channels).
/// Implementations are small structs that carry the kernel's scalars and the pointers of spans that the caller
/// keeps pinned while <see cref="ParallelRange.Run{TKernel}"/> runs.
/// </summary>
internal interface IRangeKernel
{
    void Execute(int start, int end);
}
