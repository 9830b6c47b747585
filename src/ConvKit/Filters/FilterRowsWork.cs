using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Filters;

/// <summary>
/// The parallel part of <see cref="Filter2D"/>: worker t of n computes the fixed slice
/// <c>CpuThreads.Slice(C · OH, t, n)</c> of output rows, so the result does not depend on the thread count.
/// One instance is cached per calling thread and reused; per-worker scratch grows once and is then kept.
/// </summary>
internal sealed unsafe class FilterRowsWork : IWorkItem
{
    private Scratch?[] _scratch = [];

    // Set by Filter2D.Apply for the duration of one CpuThreads.Run call, while the spans they point into are
    // pinned by a fixed statement that encloses the call; cleared again before the pins are released.
    public float* Source;
    public int SourceLength;
    public float* Destination;
    public int DestinationLength;

    public FilterGeometry Geometry;
    public float[] Weights = [];
    public float[] Column = [];
    public float[] Row = [];
    public BorderMode Border;
    public float BorderValue;

    /// <summary>Makes room for the scratch of <paramref name="threads"/> workers (called before Run, on the calling thread).</summary>
    public void Prepare(int threads)
    {
        if (_scratch.Length < threads)
        {
            Array.Resize(ref _scratch, threads);
        }
    }

    public void Execute(int threadIndex, int threadCount)
    {
        var g = Geometry;
        var (start, end) = CpuThreads.Slice(g.Channels * g.OutputHeight, threadIndex, threadCount);
        if (start >= end)
        {
            return;
        }
        var scratch = _scratch[threadIndex] ??= new Scratch();
        scratch.Ensure(FilterRows.RingLength(g), FilterRows.TempLength(g), g.KernelHeight);
        // Safe: Source/Destination point into pinned spans of SourceLength/DestinationLength floats (see above).
        var source = new ReadOnlySpan<float>(Source, SourceLength);
        var destination = new Span<float>(Destination, DestinationLength);
        FilterRows.Compute(source, g, Weights, Column, Row, Border, BorderValue, start, end,
            scratch.Ring, scratch.Temp, scratch.Tags, scratch.Offsets, destination);
    }

    private sealed class Scratch
    {
        public float[] Ring = [];
        public float[] Temp = [];
        public long[] Tags = [];
        public int[] Offsets = [];

        public void Ensure(int ring, int temp, int kernelHeight)
        {
            if (Ring.Length < ring)
            {
                Ring = new float[ring];
            }
            if (Temp.Length < temp)
            {
                Temp = new float[temp];
            }
            if (Tags.Length < kernelHeight)
            {
                Tags = new long[kernelHeight];
                Offsets = new int[kernelHeight + 1];
            }
        }
    }
}
