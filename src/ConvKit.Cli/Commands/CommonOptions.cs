using System.CommandLine;

namespace ConvKit.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "Folder holding the dataset (the dataset's own folder or its parent). Default: $CONVKIT_DATA, system locations, the user cache, then a verified download.",
    };

    public static Option<string> Dataset() => new("--dataset")
    {
        Description = "Dataset name: mnist or fashion-mnist.",
        DefaultValueFactory = _ => "mnist",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one machine-readable JSON object on stdout instead of text.",
    };

    public static Option<bool> NoDownload() => new("--no-download")
    {
        Description = "Never download the dataset; fail if it is not found locally.",
    };

    public static Option<int?> Threads() => new("--threads")
    {
        Description = "CPU threads for the kernels (default: $CONVKIT_THREADS or all processors).",
    };

    public static void ApplyThreads(int? threads)
    {
        if (threads is { } t)
        {
            if (t < 1)
            {
                throw new UserErrorException($"--threads must be at least 1, got {t}.");
            }
            Kernels.Cpu.Threading.CpuThreads.Count = t;
        }
    }
}
