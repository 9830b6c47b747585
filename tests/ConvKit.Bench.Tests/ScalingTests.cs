using ConvKit.Data;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Losses;
using ConvKit.Optimizers;
using ConvKit.Zoo;

namespace ConvKit.Bench.Tests;

/// <summary>The thread-scaling rounds train on both thread counts and hand the thread count back as they found it.</summary>
public class ScalingTests
{
    [Fact]
    public void RoundsTimeBothThreadCountsAndRestoreTheCount()
    {
        var rng = new Random(5);
        var pixels = new float[192 * 28 * 28];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)rng.NextDouble();
        }
        var labels = Enumerable.Range(0, 192).Select(i => i % 10).ToArray();
        var images = new ImageSet(pixels, labels, 1, 28, 28, [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var model = ModelZoo.Create("seed-mnist", seed: 1);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var before = CpuThreads.Count;

        var result = ScalingBenchmark.Measure(model, images, batch: 64, threads: 2, rounds: 2);

        Assert.Equal(before, CpuThreads.Count);
        Assert.Equal((2, 2), (result.Threads, result.Rounds));
        Assert.All(new[] { result.ImagesOneThread, result.ImagesAllThreads, result.CeilingOneThread, result.CeilingAllThreads }, x => Assert.True(x > 0 && double.IsFinite(x), $"{x}"));
    }
}
