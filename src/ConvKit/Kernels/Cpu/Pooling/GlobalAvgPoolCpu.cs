using System.Numerics.Tensors;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Pooling;

/// <summary>
/// Global average pooling: input (planes, S) with S = H * W -&gt; output (planes), the mean of each plane
/// (Lin et al. 2013, "Network In Network", https://arxiv.org/abs/1312.4400). Planes are split over
/// <see cref="Threading.CpuThreads"/> when large; results do not depend on the thread count. Nothing here allocates.
/// </summary>
public static class GlobalAvgPoolCpu
{
    /// <summary>output[p] = (1 / S) * sum_i input[p, i].</summary>
    /// <param name="input">(planes, planeSize).</param>
    /// <param name="planes">Number of planes, N * C.</param>
    /// <param name="planeSize">Elements per plane, H * W (at least 1).</param>
    /// <param name="output">(planes), overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="planes"/> is negative or <paramref name="planeSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static unsafe void Forward(ReadOnlySpan<float> input, int planes, int planeSize, Span<float> output)
    {
        var count = Check(planes, planeSize);
        SpanChecks.AtLeast(input.Length, count, nameof(input));
        SpanChecks.AtLeast(output.Length, planes, nameof(output));
        if (planes == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; worker slices are disjoint ranges of planes inside the checked sizes.
        fixed (float* pin = input, pout = output)
        {
            ParallelRange.Run(new ForwardPlanes(pin, pout, planeSize), planes, 1, count);
        }
    }

    /// <summary>dInput[p, i] = dOutput[p] / S for every i. <paramref name="dInput"/> is OVERWRITTEN.</summary>
    /// <param name="dOutput">(planes).</param>
    /// <param name="planes">Number of planes, N * C.</param>
    /// <param name="planeSize">Elements per plane, H * W (at least 1).</param>
    /// <param name="dInput">(planes, planeSize), overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="planes"/> is negative or <paramref name="planeSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> dOutput, int planes, int planeSize, Span<float> dInput)
    {
        var count = Check(planes, planeSize);
        SpanChecks.AtLeast(dOutput.Length, planes, nameof(dOutput));
        SpanChecks.AtLeast(dInput.Length, count, nameof(dInput));
        if (planes == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; worker slices are disjoint ranges of planes inside the checked sizes.
        fixed (float* pdy = dOutput, pdx = dInput)
        {
            ParallelRange.Run(new BackwardPlanes(pdy, pdx, planeSize), planes, 1, count);
        }
    }

    private static int Check(int planes, int planeSize)
    {
        SpanChecks.NonNegative(planes, nameof(planes));
        ArgumentOutOfRangeException.ThrowIfLessThan(planeSize, 1);
        return SpanChecks.Product(planes, planeSize, "planes x planeSize");
    }

    private readonly unsafe struct ForwardPlanes(float* input, float* output, int planeSize) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var p = start; p < end; p++)
            {
                output[p] = TensorPrimitives.Sum(new ReadOnlySpan<float>(input + (long)p * planeSize, planeSize)) / planeSize;
            }
        }
    }

    private readonly unsafe struct BackwardPlanes(float* dOutput, float* dInput, int planeSize) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            for (var p = start; p < end; p++)
            {
                new Span<float>(dInput + (long)p * planeSize, planeSize).Fill(dOutput[p] / planeSize);
            }
        }
    }
}
