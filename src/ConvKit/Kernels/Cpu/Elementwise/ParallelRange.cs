using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// Splits an index space [0, total) into fixed blocks of <c>grain</c> indices and hands each worker of
/// <see cref="CpuThreads"/> a contiguous run of whole blocks. Because slice boundaries are multiples of the grain
/// and each index is computed by exactly one worker with the same code, results do not depend on the thread count:
/// with a grain that is a multiple of the widest vector, no element moves between a vector body and a scalar tail.
/// Small problems (less than <see cref="MinParallelWork"/> units of work) run on the calling thread.
/// </summary>
internal static class ParallelRange
{
    /// <summary>Below this many elements of work a kernel stays on the calling thread.</summary>
    public const long MinParallelWork = 32 * 1024;

    /// <summary>Grain for flat element-wise kernels: a multiple of every vector width (64 floats = 4 x Vector512).</summary>
    public const int ElementGrain = 64;

    /// <summary>
    /// Runs <paramref name="kernel"/> over [0, <paramref name="total"/>). <paramref name="work"/> is the number of
    /// elements touched, used only to decide whether threads are worth waking. Allocates nothing after the first call
    /// on a thread (each calling thread keeps its own cached work item).
    /// </summary>
    public static void Run<TKernel>(in TKernel kernel, int total, int grain, long work)
        where TKernel : struct, IRangeKernel
    {
        if (total <= 0)
        {
            return;
        }
        var blocks = (int)(((long)total + grain - 1) / grain);
        var threads = work >= MinParallelWork ? Math.Min(CpuThreads.Count, blocks) : 1;
        if (threads <= 1)
        {
            kernel.Execute(0, total);
            return;
        }
        var item = RangeWorkItem<TKernel>.Cached;
        item.Kernel = kernel;
        item.Total = total;
        item.Grain = grain;
        try
        {
            CpuThreads.Run(item, threads);
        }
        finally
        {
            // Drop the pointers: they are only valid while the caller keeps its spans pinned.
            item.Kernel = default;
        }
    }

    /// <summary>The slice of whole blocks that worker <paramref name="index"/> of <paramref name="count"/> owns.</summary>
    public static (int Start, int End) BlockSlice(int total, int grain, int index, int count)
    {
        var blocks = (int)(((long)total + grain - 1) / grain);
        var (b0, b1) = CpuThreads.Slice(blocks, index, count);
        var start = (int)Math.Min((long)b0 * grain, total);
        var end = (int)Math.Min((long)b1 * grain, total);
        return (start, end);
    }

    private sealed class RangeWorkItem<TKernel> : IWorkItem
        where TKernel : struct, IRangeKernel
    {
        [ThreadStatic]
        private static RangeWorkItem<TKernel>? t_cached;

        public TKernel Kernel;
        public int Total;
        public int Grain;

        public static RangeWorkItem<TKernel> Cached => t_cached ??= new RangeWorkItem<TKernel>();

        public void Execute(int threadIndex, int threadCount)
        {
            var (start, end) = BlockSlice(Total, Grain, threadIndex, threadCount);
            if (start < end)
            {
                Kernel.Execute(start, end);
            }
        }
    }
}
