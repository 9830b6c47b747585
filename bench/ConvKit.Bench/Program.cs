namespace ConvKit.Bench;

/// <summary>
/// Micro-benchmarks for ConvKit's kernels: <c>dotnet run -c Release --project bench/ConvKit.Bench -- SUBCOMMAND</c>.
/// Each subcommand lives in its own files; add a case here for a new one.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "help";
        var rest = args.Length > 0 ? args[1..] : [];
        switch (command)
        {
            case "gemm":
                return GemmBenchmark.Run(rest);
            default:
                Console.WriteLine("usage: ConvKit.Bench <subcommand> [options]");
                Console.WriteLine("  gemm [--quick] [--steps]   FMA peak, SGEMM GFLOP/s on square and CNN shapes, convolution kernels");
                return command == "help" ? 0 : 2;
        }
    }
}
