using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Tests.Kernels.Threading;

public class CpuThreadsTests
{
    private sealed class Outer : IWorkItem
    {
        public int[] Inner = new int[8];

        public void Execute(int threadIndex, int threadCount) =>
            CpuThreads.Run(new InnerWork(Inner, threadIndex));
    }

    private sealed class InnerWork(int[] into, int outer) : IWorkItem
    {
        public void Execute(int threadIndex, int threadCount) => Interlocked.Add(ref into[outer], threadCount);
    }

    [Fact]
    public async Task NestedRunExecutesInlineInsteadOfDeadlocking()
    {
        var outer = new Outer();
        var task = Task.Run(() => CpuThreads.Run(outer, 2));
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == task, "a nested CpuThreads.Run deadlocked");
        // Each outer worker ran the inner work once, alone (threadCount 1).
        Assert.All(outer.Inner.Take(Math.Min(2, CpuThreads.Count)), v => Assert.Equal(1, v));
    }

    [Fact]
    public void SlicesCoverEverythingOnce()
    {
        for (var total = 0; total < 50; total++)
        {
            for (var count = 1; count <= 4; count++)
            {
                var next = 0;
                for (var i = 0; i < count; i++)
                {
                    var (start, end) = CpuThreads.Slice(total, i, count);
                    Assert.Equal(next, start);
                    next = end;
                }
                Assert.Equal(total, next);
            }
        }
    }
}
