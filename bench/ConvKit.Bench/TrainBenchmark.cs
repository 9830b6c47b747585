using System.Diagnostics;
using System.Globalization;
using ConvKit.Data;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Training;
using ConvKit.Zoo;

namespace ConvKit.Bench;

/// <summary>
/// End-to-end training throughput, inference latency and peak memory of the two reference models, printed as
/// <c>RESULT key=value</c> lines in the same form as the peer harnesses in ../shared/peers:
/// A = seed-mnist (batch 64), B = keras-mnist-cnn (batch 128), Adam 1e-3, Fashion-MNIST (or MNIST) in memory as the files' bytes, converted batch by batch.
/// </summary>
public static class TrainBenchmark
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var modelKey = Arg("--model", "A");
        var epochs = int.Parse(Arg("--epochs", "1"), CultureInfo.InvariantCulture);
        var limit = int.Parse(Arg("--limit", "60000"), CultureInfo.InvariantCulture);
        var dataset = Arg("--dataset", "fashion-mnist");
        var data = Arg("--data", Environment.GetEnvironmentVariable("CONVKIT_DATA") ?? "../shared/datasets");
        var threads = Arg("--threads", "");
        if (threads.Length > 0)
        {
            Kernels.Cpu.Threading.CpuThreads.Count = int.Parse(threads, CultureInfo.InvariantCulture);
        }
        var profile = args.Contains("--profile");
        var scalingRounds = int.Parse(Arg("--scaling-rounds", "0"), CultureInfo.InvariantCulture);
        var scalingLimit = int.Parse(Arg("--scaling-limit", "12000"), CultureInfo.InvariantCulture);

        var (name, batch) = modelKey switch
        {
            "A" or "seed-mnist" => ("seed-mnist", 64),
            "B" or "keras-mnist-cnn" => ("keras-mnist-cnn", 128),
            _ when ModelZoo.Names.Contains(modelKey) => (modelKey, 128),
            _ => throw new ArgumentException($"Unknown model {modelKey}: use A (seed-mnist), B (keras-mnist-cnn) or a built-in model name."),
        };
        batch = int.Parse(Arg("--batch-size", batch.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var ds = Dataset.Load(dataset, data, allowDownload: false);
        var train = limit < ds.Train.Count ? ds.Train.Subset(0, limit) : ds.Train;
        var model = ModelZoo.Create(name, seed: 1);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var layerProfile = profile ? new LayerProfile() : null;
        model.Profile = layerProfile;
        Console.WriteLine($"# {name}, batch {batch}, {train.Count} {dataset} images, {Kernels.Cpu.Threading.CpuThreads.Count} threads, {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "Vector128")}");
        for (var e = 0; e < epochs; e++)
        {
            var gc0 = GC.CollectionCount(0);
            var h = model.Fit(train, new FitOptions { Epochs = 1, BatchSize = batch, Shuffle = true });
            // The profile covers training only, not the test-set pass.
            model.Profile = null;
            var (_, acc) = model.Evaluate(ds.Test);
            model.Profile = layerProfile;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT model={modelKey} epoch={e + 1} epoch_s={h.EpochSeconds[0]:0.000} train_img_s={h.SamplesPerSecond[0]:0} test_acc={acc:0.0000} gen0_gcs={GC.CollectionCount(0) - gc0}"));
        }
        if (layerProfile is not null)
        {
            Console.WriteLine(layerProfile);
            model.Profile = null;
        }

        // Inference: batch-1000 throughput and batch-1 latency (median of 500 after 50 warm-up calls).
        var testX = Tensor.FromBuffer(ds.Test.Subset(0, 1000).Images, new Shape(1000, 1, 28, 28));
        var thousand = testX;
        model.Predict(thousand, 1000);
        var clock = Stopwatch.StartNew();
        var reps = 5;
        for (var i = 0; i < reps; i++)
        {
            model.Predict(thousand, 1000);
        }
        var inferImgS = reps * 1000 / clock.Elapsed.TotalSeconds;
        var one = testX.Slice(0, 1);
        for (var i = 0; i < 50; i++)
        {
            model.Forward(one);
        }
        var times = new double[500];
        for (var i = 0; i < times.Length; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            model.Forward(one);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT model={modelKey} infer_b1000_img_s={inferImgS:0} latency_b1_ms={times[250]:0.000} peak_rss_mb={self.PeakWorkingSet64 / 1048576.0:0}"));

        // Thread scaling last: it trains on, so the figures above are those of the epochs they follow.
        var allThreads = Kernels.Cpu.Threading.CpuThreads.Count;
        if (scalingRounds > 0 && allThreads > 1)
        {
            var images = train.Subset(0, Math.Min(scalingLimit, train.Count));
            Console.WriteLine(ScalingBenchmark.Measure(model, images, batch, allThreads, scalingRounds).ToResultLine(modelKey));
        }
        return 0;
    }
}
