using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Convolution;
using ConvKit.Kernels.Cpu.Gemm;
using ConvKit.Kernels.Cpu.Pooling;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Bench;

/// <summary>
/// <c>gemm</c>: the FMA ceiling, SGEMM on square sizes, and the GEMM and convolution shapes of two small MNIST
/// CNNs, each as GFLOP/s and as a percentage of the ceiling measured in the same run.
/// Options: <c>--quick</c> (fewer, smaller cases), <c>--pool</c> (only the max-pooling rows), <c>--conv</c> (only the convolution rows), <c>--steps</c> (the naive-to-fast walk-through of docs/kernels.md).
/// </summary>
public static class GemmBenchmark
{
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var threads = CpuThreads.Count;
        Console.WriteLine($"SGEMM kernel {Sgemm.KernelName}, {threads} threads, Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}");
        var peak1 = GemmPeak.Measure(1);
        var peakN = threads > 1 ? GemmPeak.Measure(threads) : peak1;
        Console.WriteLine($"FMA peak ({GemmPeak.Chains} independent {GemmPeak.Lanes}-wide FMA chains): {peak1:F1} GFLOP/s on 1 thread, {peakN:F1} GFLOP/s on {threads}");
        double Peak(int t) => t == 1 ? peak1 : peakN;

        if (args.Contains("--steps"))
        {
            GemmSteps.Run(peak1, peakN, threads);
            return 0;
        }

        if (args.Contains("--conv"))
        {
            foreach (var (name, flops, action, t) in ModelCases(threads).Where(c => c.Name.Contains("conv", StringComparison.Ordinal)))
            {
                Print($"{name,-58}", flops, GemmTiming.Measure(action, repeats: quick ? 3 : 7, warmupSeconds: quick ? 0.1 : 0.3), Peak(t));
            }
            return 0;
        }
        if (args.Contains("--pool"))
        {
            PrintPooling(threads, quick);
            return 0;
        }

        Console.WriteLine();
        Console.WriteLine("Square SGEMM C = A * B (row-major, no transposes)");
        Console.WriteLine($"{"n",6} {"threads",8}{Header}");
        foreach (var n in quick ? new[] { 256, 512, 1024 } : [256, 512, 1024, 2048])
        {
            var a = Random(n * n, 1);
            var b = Random(n * n, 2);
            var c = new float[n * n];
            foreach (var t in threads > 1 ? new[] { 1, threads } : [1])
            {
                var seconds = GemmTiming.Measure(() => Sgemm.Multiply(false, false, n, n, n, a, n, b, n, c, n, 0f, t),
                    repeats: quick ? 3 : 7, warmupSeconds: quick ? 0.2 : 0.5);
                Print($"{n,6} {t,8}", 2.0 * n * n * n, seconds, Peak(t));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"CNN shapes on {threads} threads (GEMM rows: one call; conv rows: Conv2DCpu over the whole batch)");
        Console.WriteLine($"{"case",-58}{Header}");
        foreach (var (name, flops, action, t) in ModelCases(threads))
        {
            var seconds = GemmTiming.Measure(action, repeats: quick ? 3 : 7, warmupSeconds: quick ? 0.1 : 0.3);
            Print($"{name,-58}", flops, seconds, Peak(t));
        }
        PrintPooling(threads, quick);
        return 0;
    }

    private static void PrintPooling(int threads, bool quick)
    {
        Console.WriteLine();
        Console.WriteLine($"Max pooling 2x2 on {threads} threads (input floats read per ns)");
        Console.WriteLine($"{"case",-58} {"median ms",10} {"floats/ns",10} {"best ms",10}");
        foreach (var (name, floats, action) in PoolCases())
        {
            var seconds = GemmTiming.Measure(action, repeats: quick ? 3 : 7, warmupSeconds: quick ? 0.1 : 0.3);
            Console.WriteLine($"{name,-58} {seconds.Median * 1e3,10:F3} {floats / seconds.Median / 1e9,10:F2} {seconds.Best * 1e3,10:F3}");
        }
    }

    internal static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = random.NextSingle() * 2f - 1f;
        }
        return x;
    }

    /// <summary>Column titles matching <see cref="Print"/>.</summary>
    internal static string Header => $" {"median ms",10} {"GFLOP/s",9} {"% peak",7} {"best",7} {"% peak",7}";

    /// <summary>One result line: median time, its GFLOP/s and share of the peak, then the same for the best sample.</summary>
    internal static void Print(string label, double flops, (double Median, double Best) seconds, double peak)
    {
        var median = flops / seconds.Median / 1e9;
        var best = flops / seconds.Best / 1e9;
        Console.WriteLine($"{label} {seconds.Median * 1e3,10:F3} {median,9:F1} {100 * median / peak,6:F0}% {best,7:F1} {100 * best / peak,6:F0}%");
    }

    /// <summary>The GEMMs and convolutions of seed-mnist (batch 64) and keras-mnist-cnn (batch 128).</summary>
    internal static IEnumerable<(string Name, double Flops, Action Run, int Threads)> ModelCases(int threads)
    {
        // seed-mnist: Conv2D 16 3x3 same on 1x28x28, MaxPool2, Conv2D 32 3x3 same, MaxPool2, Dense 1568->128, Dense 128->10.
        foreach (var c in Conv("seed  conv1 16@3x3 same 1x28x28 N=64", Conv2DGeometry.Create(1, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1), 64, threads, firstLayer: true))
        {
            yield return c;
        }
        foreach (var c in Conv("seed  conv2 32@3x3 same 16x14x14 N=64", Conv2DGeometry.Create(16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1), 64, threads, firstLayer: false))
        {
            yield return c;
        }
        foreach (var c in Dense("seed  dense1 1568->128 N=64", 64, 1568, 128, threads))
        {
            yield return c;
        }
        foreach (var c in Dense("seed  dense2 128->10 N=64", 64, 128, 10, threads))
        {
            yield return c;
        }
        // keras-mnist-cnn: Conv2D 32 3x3 valid, Conv2D 64 3x3 valid on 32x26x26, MaxPool, Dense 9216->128, Dense 128->10.
        foreach (var c in Conv("keras conv1 32@3x3 valid 1x28x28 N=128", Conv2DGeometry.Create(1, 28, 28, 32, 3, 3), 128, threads, firstLayer: true))
        {
            yield return c;
        }
        foreach (var c in Conv("keras conv2 64@3x3 valid 32x26x26 N=128", Conv2DGeometry.Create(32, 26, 26, 64, 3, 3), 128, threads, firstLayer: false))
        {
            yield return c;
        }
        foreach (var c in Dense("keras dense1 9216->128 N=128", 128, 9216, 128, threads))
        {
            yield return c;
        }
        foreach (var c in Dense("keras dense2 128->10 N=128", 128, 128, 10, threads))
        {
            yield return c;
        }
    }

    private static IEnumerable<(string, double, Action, int)> Conv(string name, Conv2DGeometry g, int batch, int threads, bool firstLayer)
    {
        var input = Random(batch * g.InputSize, 1);
        var weight = Random(g.WeightSize, 2);
        var bias = Random(g.Filters, 3);
        var output = new float[batch * g.OutputSize];
        var dInput = new float[batch * g.InputSize];
        var dWeight = new float[g.WeightSize];
        var dBias = new float[g.Filters];
        var workspace = new float[Math.Max(Math.Max(Conv2DCpu.ForwardWorkspaceSize(g, batch, threads), Conv2DCpu.BackwardDataWorkspaceSize(g, batch, threads)),
            Conv2DCpu.BackwardFilterWorkspaceSize(g, batch, threads))];
        var flops = 2.0 * batch * g.Filters * g.ColumnRows * g.OutPlane;
        var (m, n, k) = (g.GroupFilters, g.OutPlane, g.ColumnRows);
        var columns = Random(k * n, 4);
        yield return ($"{name} fwd GEMM/image {m}x{n}x{k} 1T", 2.0 * m * n * k,
            () => Sgemm.Multiply(false, false, m, n, k, weight, k, columns, n, output, n, 0f, 1), 1);
        yield return ($"{name} dW GEMM/image {m}x{k}x{n} 1T", 2.0 * m * n * k,
            () => Sgemm.Multiply(false, true, m, k, n, output, n, columns, n, dWeight, k, 1f, 1), 1);
        if (!firstLayer)
        {
            yield return ($"{name} dX GEMM/image {k}x{n}x{m} 1T", 2.0 * m * n * k,
                () => Sgemm.Multiply(true, false, k, n, m, weight, k, output, n, columns, n, 0f, 1), 1);
        }
        // The rates count the direct convolution's FLOPs, so on the Winograd path (2.25x fewer multiplies) they can
        // pass the FMA ceiling; the label says so.
        static string Path(ConvPath path) => path == ConvPath.Im2Col ? "" : $" ({path})";
        yield return ($"{name} forward{Path(Conv2DCpu.Choose(g, ConvPath.Fastest, backwardData: false))}", flops, () => Conv2DCpu.Forward(input, weight, bias, batch, g, output, workspace), threads);
        if (!firstLayer)
        {
            yield return ($"{name} backward data{Path(Conv2DCpu.Choose(g, ConvPath.Fastest, backwardData: true))}", flops, () => Conv2DCpu.BackwardData(output, weight, batch, g, dInput, workspace), threads);
        }
        yield return ($"{name} backward filter{Path(Conv2DCpu.ChooseFilter(g, ConvPath.Fastest))}", flops, () => Conv2DCpu.BackwardFilter(input, output, batch, g, dWeight, dBias, workspace), threads);
    }

    /// <summary>The max-pooling layers of seed-mnist (batch 64) and keras-mnist-cnn (batch 128), forward and backward.</summary>
    private static IEnumerable<(string Name, double Floats, Action Run)> PoolCases()
    {
        foreach (var (name, planes, size) in new[] { ("seed  pool1 16x28x28 N=64", 64 * 16, 28), ("seed  pool2 32x14x14 N=64", 64 * 32, 14), ("keras pool 64x24x24 N=128", 128 * 64, 24) })
        {
            var g = Pool2DGeometry.Create(size, size, 2, 2, 2, 2);
            var x = Random(planes * g.InputPlaneSize, 5);
            var y = new float[planes * g.OutputPlaneSize];
            var argmax = new int[y.Length];
            var dx = new float[x.Length];
            yield return ($"{name} forward", x.Length, () => MaxPool2DCpu.Forward(x, planes, g, y, argmax));
            yield return ($"{name} backward", x.Length, () => MaxPool2DCpu.Backward(y, argmax, planes, g, dx));
        }
    }

    private static IEnumerable<(string, double, Action, int)> Dense(string name, int batch, int inputs, int outputs, int threads)
    {
        var x = Random(batch * inputs, 1);
        var w = Random(inputs * outputs, 2); // (in x out)
        var y = new float[batch * outputs];
        var dx = new float[batch * inputs];
        var dw = new float[inputs * outputs];
        var flops = 2.0 * batch * inputs * outputs;
        yield return ($"{name} y=xW {batch}x{outputs}x{inputs}", flops,
            () => Sgemm.Multiply(false, false, batch, outputs, inputs, x, inputs, w, outputs, y, outputs, 0f), threads);
        yield return ($"{name} dW+=x^T dy {inputs}x{outputs}x{batch}", flops,
            () => Sgemm.Multiply(true, false, inputs, outputs, batch, x, inputs, y, outputs, dw, outputs, 1f), threads);
        yield return ($"{name} dx=dy W^T {batch}x{inputs}x{outputs}", flops,
            () => Sgemm.Multiply(false, true, batch, inputs, outputs, y, outputs, w, outputs, dx, inputs, 0f), threads);
    }
}
