using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Gemm;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Bench.Compare;

/// <summary>
/// <c>compare</c>: everything the performance targets need, measured in one run and printed as one report. The FMA
/// ceiling on 1 and all threads, SGEMM on square sizes and on the two models' layer shapes, then for each model ConvKit's
/// training run (in a fresh process, so peak memory is that model's alone), the peer's run on the same data and thread
/// count when <c>--peer</c> names one. ConvKit's run ends with its thread-scaling rounds (<see cref="ScalingBenchmark"/>).
/// </summary>
public static class CompareBenchmark
{
    private static readonly (string Key, string Name, int Batch, double Target, int ScalingImages)[] AllModels =
    [
        ("A", "seed-mnist", 64, 2.5, 12_000),
        ("B", "keras-mnist-cnn", 128, 2.0, 6_000),
    ];

    /// <summary>Alternating rounds of the thread-scaling measurement (see <see cref="ScalingBenchmark"/>).</summary>
    private const int ScalingRounds = 4;

    /// <summary>Rounds over the FMA ceiling (seven samples each) and the square SGEMM sizes and thread counts (three samples each).</summary>
    private const int SquareGemmRounds = 3;

    public const string Usage =
        "compare [--peer PATH] [--data DIR] [--epochs N] [--runs N] [--threads N] [--models A,B] [--quick]";

    public static int Run(string[] args)
    {
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var quick = args.Contains("--quick");
        var peer = Arg("--peer") ?? Environment.GetEnvironmentVariable("CONVKIT_TORCHSHARP_PEER");
        var dataRoot = Arg("--data") ?? Environment.GetEnvironmentVariable("CONVKIT_DATA") ?? "../shared/datasets";
        var dataset = Arg("--dataset") ?? "fashion-mnist";
        if (!TryInt(Arg("--epochs") ?? (quick ? "1" : "2"), out var epochs) || epochs < 1
            || !TryInt(Arg("--threads") ?? CpuThreads.Count.ToString(CultureInfo.InvariantCulture), out var threads) || threads < 1
            || !TryInt(Arg("--runs") ?? (quick ? "1" : "2"), out var runs) || runs < 1)
        {
            Console.Error.WriteLine("error: --epochs, --threads and --runs take a whole number of at least 1.");
            return 2;
        }
        var keys = (Arg("--models") ?? "A,B").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = keys.Where(k => AllModels.All(m => m.Key != k)).ToArray();
        if (unknown.Length > 0)
        {
            Console.Error.WriteLine($"error: unknown model {string.Join(", ", unknown)}: use A (seed-mnist) and/or B (keras-mnist-cnn).");
            return 2;
        }
        if (peer is not null && !File.Exists(peer))
        {
            Console.Error.WriteLine($"error: the peer program {peer} does not exist. Build ../shared/peers/torchsharp (see its README) and pass its TorchSharpPeer binary.");
            return 2;
        }
        var dataDir = Directory.Exists(Path.Combine(dataRoot, dataset)) ? Path.Combine(dataRoot, dataset) : dataRoot;
        var limit = quick ? 12_000 : 60_000;

        Console.WriteLine($"# compare: {dataset} from {dataDir}, {runs} run(s) of {epochs} epoch(s) of {limit} images per program, {threads} threads, peer {(peer ?? "none (pass --peer PATH to include TorchSharp)")}");
        var gemm = new List<GemmRow>();
        var sizes = quick ? new[] { 512, 1024 } : [512, 1024, 2048];
        var threadCounts = threads > 1 ? new[] { 1, threads } : [1];
        var operands = sizes.Select(n => (A: GemmBenchmark.Random(n * n, 1), B: GemmBenchmark.Random(n * n, 2), C: new float[n * n])).ToArray();
        var best = new double[sizes.Length, threadCounts.Length];
        // Rounds over the FMA ceiling and every size and thread count, so that a busy stretch of the machine lands on
        // one round of each rather than on every sample of one; each figure is the best sample of its rounds.
        double ceiling1 = 0, ceilingN = 0;
        for (var round = 0; round < SquareGemmRounds; round++)
        {
            ceiling1 = Math.Max(ceiling1, GemmPeak.Measure(1));
            ceilingN = threads > 1 ? Math.Max(ceilingN, GemmPeak.Measure(threads)) : ceiling1;
            for (var s = 0; s < sizes.Length; s++)
            {
                var (n, (a, b, c)) = (sizes[s], operands[s]);
                for (var ti = 0; ti < threadCounts.Length; ti++)
                {
                    var t = threadCounts[ti];
                    var seconds = GemmTiming.Measure(() => Sgemm.Multiply(false, false, n, n, n, a, n, b, n, c, n, 0f, t),
                        repeats: quick ? 2 : 3, warmupSeconds: round == 0 ? 0.3 : 0.05);
                    best[s, ti] = Math.Max(best[s, ti], 2.0 * n * n * n / seconds.Best / 1e9);
                }
            }
        }
        Console.WriteLine($"# FMA ceiling {ceiling1:0.0} GFLOP/s on 1 thread, {ceilingN:0.0} on {threads}");
        double Ceiling(int t) => t == 1 ? ceiling1 : ceilingN;
        for (var s = 0; s < sizes.Length; s++)
        {
            for (var ti = 0; ti < threadCounts.Length; ti++)
            {
                gemm.Add(new GemmRow($"{sizes[s]}x{sizes[s]}x{sizes[s]}", threadCounts[ti], best[s, ti], Ceiling(threadCounts[ti]), Square: true));
            }
        }
        foreach (var (name, flops, action, t) in GemmBenchmark.ModelCases(threads))
        {
            var seconds = GemmTiming.Measure(action, repeats: 3, warmupSeconds: 0.1);
            gemm.Add(new GemmRow(name, t, flops / seconds.Best / 1e9, Ceiling(t), Square: false));
        }
        Console.WriteLine("# GEMM timed (best of the samples)");

        var (self, selfArgs) = ChildRun.Self();
        var models = new List<ModelComparison>();
        try
        {
            foreach (var (key, name, batch, target, scalingImages) in AllModels.Where(m => keys.Contains(m.Key)))
            {
                string[] train =
                [
                    .. selfArgs, "train", "--model", key, "--epochs", Str(epochs), "--limit", Str(limit), "--threads", Str(threads),
                    "--dataset", dataset, "--data", dataRoot,
                    .. threads > 1 ? ["--scaling-rounds", Str(quick ? 2 : ScalingRounds), "--scaling-limit", Str(quick ? scalingImages / 4 : scalingImages)] : Array.Empty<string>(),
                ];
                string[] peerArgs = ["--model", key, "--epochs", Str(epochs), "--threads", Str(threads), "--data", dataDir, .. quick ? new[] { "--train-limit", Str(limit) } : []];
                var convkitRuns = new List<RunResult>();
                var peerRuns = new List<RunResult>();
                void RunConvKit(int r) => convkitRuns.Add(RunResult.Parse(ChildRun.Run(self, train, $"ConvKit {name} run {r + 1}", Console.Out), $"ConvKit {name}"));
                for (var r = 0; r < runs; r++)
                {
                    // ConvKit first in even runs and the peer first in odd ones (ConvKit, peer, peer, ConvKit, ...),
                    // so a drift of the machine's speed over the runs falls on both programs alike.
                    if (r % 2 == 0)
                    {
                        RunConvKit(r);
                    }
                    if (peer is not null)
                    {
                        peerRuns.Add(RunResult.Parse(ChildRun.Run(peer, peerArgs, $"TorchSharp {name} run {r + 1}", Console.Out), $"TorchSharp {name}"));
                    }
                    if (r % 2 == 1)
                    {
                        RunConvKit(r);
                    }
                }
                models.Add(new ModelComparison(name, batch, RunResult.Combine(convkitRuns), peerRuns.Count > 0 ? RunResult.Combine(peerRuns) : null, target)
                {
                    ConvKitTrainRuns = [.. convkitRuns.Select(x => x.TrainImagesPerSecond)],
                    PeerTrainRuns = [.. peerRuns.Select(x => x.TrainImagesPerSecond)],
                });
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }

        var report = new CompareReport
        {
            Machine = Machine(),
            PeerName = "TorchSharp",
            Threads = threads,
            CeilingOneThread = ceiling1,
            CeilingAllThreads = ceilingN,
            Models = models,
            Gemm = gemm,
        };
        Console.WriteLine();
        Console.Write(report.Render());
        return 0;
    }

    private static bool TryInt(string text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static string Str(int x) => x.ToString(CultureInfo.InvariantCulture);

    private static string Machine()
    {
        var cpu = "unknown CPU";
        try
        {
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            if (line is not null)
            {
                cpu = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        var isa = Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "Vector128";
        return $"{cpu}, {Environment.ProcessorCount} logical processors, {isa}, SGEMM kernel {Sgemm.KernelName}, {RuntimeInformation.FrameworkDescription}";
    }
}
