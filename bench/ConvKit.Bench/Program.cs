namespace ConvKit.Bench;

/// <summary>
/// Micro-benchmarks for ConvKit's kernels: <c>dotnet run -c Release --project bench/ConvKit.Bench -- SUBCOMMAND</c>.
/// Each subcommand lives in its own files; add a case here for a new one.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            return Dispatch(args);
        }
        catch (Exception ex) when (ex is ConvKitException or ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static int Dispatch(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "help";
        var rest = args.Length > 0 ? args[1..] : [];
        switch (command)
        {
            case "gemm":
                return GemmBenchmark.Run(rest);
            case "train":
                return TrainBenchmark.Run(rest);
            case "filter":
                return FilterBench.Run(rest);
            case "classic":
                return ClassicBenchmark.Run(rest);
            case "compare":
                return Compare.CompareBenchmark.Run(rest);
            default:
                Console.WriteLine("usage: ConvKit.Bench <subcommand> [options]");
                Console.WriteLine($"  {Compare.CompareBenchmark.Usage}");
                Console.WriteLine("                             the performance report: ConvKit beside TorchSharp, GEMM against the FMA ceiling, targets met");
                Console.WriteLine("  gemm [--quick] [--steps]   FMA peak, SGEMM GFLOP/s on square and CNN shapes, convolution kernels");
                Console.WriteLine("  filter                     megapixels/s of 3x3, 7x7 and 5x5 Gaussian filters on a 4000x3000 colour image");
                Console.WriteLine("  classic [--models alexnet,alexnet-single,googlenet] [--batch-size 32] [--steps 3]");
                Console.WriteLine("                             forward and training images/s of the classic architectures at their input sizes");
                Console.WriteLine("  train --model A|B [--epochs N] [--limit N] [--threads N] [--profile] [--scaling-rounds N] [--scaling-limit N] [--dataset fashion-mnist|mnist] [--data DIR]");
                Console.WriteLine("                             training images/s, test accuracy, inference throughput and latency, peak memory");
                return command == "help" ? 0 : 2;
        }
    }
}
