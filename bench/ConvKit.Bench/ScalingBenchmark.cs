using ConvKit.Bench.Compare;
using ConvKit.Data;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Models;
using ConvKit.Training;

namespace ConvKit.Bench;

/// <summary>
/// A model's thread scaling next to the FMA ceiling's, measured in one window: rounds that each time the ceiling and
/// one training pass over the same images on one thread and on all of them, in the order 1, N then N, 1 in
/// alternate rounds. A shared machine's speed drifts over minutes, and separate runs minutes apart can put a busy
/// stretch under one thread count only; here every round sees both counts within seconds of each other, and each
/// figure is the best of its rounds, as the ceiling's samples are.
/// </summary>
public static class ScalingBenchmark
{
    /// <summary>
    /// Trains <paramref name="model"/> (compiled, already warm) for <paramref name="rounds"/> x 2 epochs of
    /// <paramref name="images"/>, alternating one thread and <paramref name="threads"/>. The model's weights move on,
    /// so call it after every figure that depends on them. Leaves <see cref="CpuThreads.Count"/> as it found it.
    /// </summary>
    public static ThreadScaling Measure(Model model, ImageSet images, int batch, int threads, int rounds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        double img1 = 0, imgN = 0, ceil1 = 0, ceilN = 0;
        var options = new FitOptions { Epochs = 1, BatchSize = batch, Shuffle = true };
        var previous = CpuThreads.Count;
        try
        {
            for (var r = 0; r < rounds; r++)
            {
                foreach (var t in r % 2 == 0 ? new[] { 1, threads } : [threads, 1])
                {
                    CpuThreads.Count = t;
                    var ceiling = GemmPeak.Measure(t);
                    var rate = model.Fit(images, options).SamplesPerSecond[0];
                    if (t == 1)
                    {
                        (img1, ceil1) = (Math.Max(img1, rate), Math.Max(ceil1, ceiling));
                    }
                    else
                    {
                        (imgN, ceilN) = (Math.Max(imgN, rate), Math.Max(ceilN, ceiling));
                    }
                }
            }
        }
        finally
        {
            CpuThreads.Count = previous;
        }
        return new ThreadScaling(threads, rounds, img1, imgN, ceil1, ceilN);
    }
}
