using System.Diagnostics;
using System.Globalization;
using ConvKit.Filters;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Bench;

/// <summary>
/// Throughput of <see cref="Filter2D"/> on a 4000 × 3000 colour image (3 channels, float planes): a 3 × 3 and a
/// 7 × 7 kernel (direct 2-D path) and a 5 × 5 Gaussian (separable path, and direct for comparison), against the
/// naive reference <see cref="Filter2DReference"/> (one border lookup per tap, double sums) and against a plain
/// scalar loop over the interior (no border handling at all, float sums: the best a straightforward loop does).
/// Megapixels per second count image pixels (width × height), all three channels filtered. The two baselines are
/// timed on a 4000 × 300 strip of the same image (their cost per pixel does not depend on the height) so that a
/// run stays short.
/// </summary>
/// <remarks>Arguments: <c>[width] [height] [repeats]</c>, default 4000 3000 3.</remarks>
public static class FilterBench
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var width = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
        var height = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000;
        var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        const int channels = 3;
        var image = new float[channels * height * width];
        var rng = new Random(1);
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = (float)rng.NextDouble();
        }
        var stripHeight = Math.Min(height, 300);
        var strip = image.AsSpan(0, channels * stripHeight * width).ToArray();
        var output = new float[image.Length];
        var megapixels = width * (double)height / 1e6;

        Console.WriteLine($"Filter2D on a {width}x{height} colour image ({channels} channels), {Environment.ProcessorCount} processors, " +
                          $"Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");
        Console.WriteLine("kernel                      path            threads   ms/image     MP/s   vs naive reference");
        (string Name, Kernel2D Kernel)[] cases =
        [
            ("3x3 (sharpen)", NamedKernels.Sharpen()),
            ("7x7 (random)", new Kernel2D("random-7x7", 7, 7, Enumerable.Range(0, 49).Select(i => (float)Math.Sin(i)).ToArray())),
            ("5x5 Gaussian sigma 1.2", NamedKernels.Gaussian(5, 1.2)),
            ("5x5 Gaussian sigma 1.2", NamedKernels.Gaussian(5, 1.2).AsNonSeparable()),
        ];
        var options = FilterOptions.Default;
        var saved = CpuThreads.Count;
        try
        {
            foreach (var (name, kernel) in cases)
            {
                var naiveOut = new float[strip.Length];
                var naiveSeconds = Time(1, () => Filter2DReference.Apply(strip, channels, stripHeight, width, kernel, options, naiveOut));
                var naiveRate = width * (double)stripHeight / 1e6 / naiveSeconds;
                Print(name, "naive reference", 1, naiveSeconds * height / stripHeight, naiveRate, 1);
                var scalarSeconds = Time(repeats, () => ScalarLoop(strip, channels, stripHeight, width, kernel, naiveOut));
                var scalarRate = width * (double)stripHeight / 1e6 / scalarSeconds;
                Print(name, "scalar loop", 1, scalarSeconds * height / stripHeight, scalarRate, scalarRate / naiveRate);
                var path = kernel.IsSeparable ? "separable SIMD" : "2-D SIMD";
                foreach (var threads in new[] { 1, saved }.Distinct())
                {
                    CpuThreads.Count = threads;
                    var seconds = Time(repeats, () => Filter2D.Apply(image, channels, height, width, kernel, options, output));
                    Print(name, path, threads, seconds, megapixels / seconds, megapixels / seconds / naiveRate);
                }
                CpuThreads.Count = saved;
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
        return 0;
    }

    private static void Print(string name, string path, int threads, double seconds, double rate, double speedup) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-27} {path,-15} {threads,7} {seconds * 1000,10:F1} {rate,8:F1} {speedup,9:F1}x"));

    /// <summary>
    /// The textbook loop, valid region only: <c>out[c, y, x] = Σ_ij K[i, j] · I[c, y + i, x + j]</c> in float.
    /// </summary>
    private static void ScalarLoop(float[] src, int channels, int h, int w, Kernel2D kernel, float[] dst)
    {
        int kh = kernel.Height, kw = kernel.Width, oh = h - kh + 1, ow = w - kw + 1;
        var k = kernel.ToArray();
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    var sum = 0f;
                    for (var i = 0; i < kh; i++)
                    {
                        for (var j = 0; j < kw; j++)
                        {
                            sum += k[i * kw + j] * src[(c * h + y + i) * w + x + j];
                        }
                    }
                    dst[(c * oh + y) * ow + x] = sum;
                }
            }
        }
    }

    /// <summary>Best of <paramref name="repeats"/> timed runs after one warm-up run.</summary>
    private static double Time(int repeats, Action action)
    {
        action();
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
