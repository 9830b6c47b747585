using System.Diagnostics;
using System.Globalization;
using ConvKit.Losses;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Zoo;

namespace ConvKit.Bench;

/// <summary>
/// Forward and training images/s of the classic architectures at their papers' input sizes (AlexNet 227x227x3,
/// GoogLeNet and single-tower AlexNet 224x224x3; LeNet-5, VGG-small and ResNet-small on 28x28x1), on random images,
/// with SGD (momentum 0.9), printed as <c>RESULT key=value</c> lines.
/// </summary>
public static class ClassicBenchmark
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var batch = int.Parse(Arg("--batch-size", "32"), CultureInfo.InvariantCulture);
        var steps = int.Parse(Arg("--steps", "3"), CultureInfo.InvariantCulture);
        var models = Arg("--models", "alexnet,alexnet-single,googlenet").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var threads = Arg("--threads", "");
        if (threads.Length > 0)
        {
            Kernels.Cpu.Threading.CpuThreads.Count = int.Parse(threads, CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"# batch {batch}, {steps} timed steps after one warm-up, {Kernels.Cpu.Threading.CpuThreads.Count} threads");
        foreach (var name in models)
        {
            var shape = ModelZoo.DefaultInputShape(name);
            var classes = ModelZoo.DefaultClasses(name);
            var model = ModelZoo.Create(name, shape, classes, seed: 1);
            model.Compile(new Sgd(0.001f, momentum: 0.9f), new SparseCategoricalCrossentropy(), ["accuracy"]);
            var random = new Random(1);
            var pixels = new float[batch * shape.Size];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = random.NextSingle();
            }
            var x = Tensor.FromBuffer(pixels, shape.WithBatch(batch));
            var labels = Enumerable.Range(0, batch).Select(i => i % classes).ToArray();

            model.Predict(x, batch);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++)
            {
                model.Predict(x, batch);
            }
            var forward = steps * batch / clock.Elapsed.TotalSeconds;

            model.TrainOnBatch(x, labels);
            clock.Restart();
            for (var i = 0; i < steps; i++)
            {
                model.TrainOnBatch(x, labels);
            }
            var training = steps * batch / clock.Elapsed.TotalSeconds;
            using var process = Process.GetCurrentProcess();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT model={name} input={string.Join('x', shape.ToArray())} params={model.CountParameters()} forward_img_s={forward:0.0} train_img_s={training:0.0} peak_mb={process.PeakWorkingSet64 / (1 << 20)}"));
        }
        return 0;
    }
}
