namespace ConvKit.Kernels.Cpu.Threading;

/// <summary>
/// A piece of parallel work. Each of <c>threadCount</c> workers calls <see cref="Execute"/> once with its own
/// index and computes a fixed slice of the result that depends only on (threadIndex, threadCount), never on
/// scheduling, so results are identical from run to run.
/// </summary>
public interface IWorkItem
{
    void Execute(int threadIndex, int threadCount);
}
