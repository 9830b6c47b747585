namespace ConvKit.Tests.Kernels.Elementwise;

/// <summary>
/// Tests that change the global <c>CpuThreads.Count</c> run in this collection, alone, so no other test changes the
/// count under them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "Kernel ops thread count";
}
