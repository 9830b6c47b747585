using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Tests.Kernels.Threading;

[Collection(ConvKit.Tests.Kernels.Elementwise.ThreadCountCollection.Name)]
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

    private sealed class CountRecorder : IWorkItem
    {
        public int Seen;

        public void Execute(int threadIndex, int threadCount)
        {
            if (threadIndex == 0)
            {
                Seen = threadCount;
            }
        }
    }

    [Fact]
    public async Task LimitCapsOnlyTheCallingThreadUntilRestored()
    {
        var saved = CpuThreads.Count;
        try
        {
            CpuThreads.Count = 3;
            var (capped, ran, restored) = await Task.Run(() =>
            {
                var previous = CpuThreads.Limit(2);
                var count = CpuThreads.Count;
                var work = new CountRecorder();
                CpuThreads.Run(work);
                CpuThreads.Limit(previous);
                return (count, work.Seen, CpuThreads.Count);
            });
            Assert.Equal(2, capped);
            Assert.Equal(2, ran);
            Assert.Equal(3, restored);

            // The test thread never set a limit: it still runs on every thread.
            var elsewhere = new CountRecorder();
            CpuThreads.Run(elsewhere);
            Assert.Equal(3, CpuThreads.Count);
            Assert.Equal(3, elsewhere.Seen);
            Assert.Throws<ArgumentOutOfRangeException>(() => CpuThreads.Limit(-1));
        }
        finally
        {
            CpuThreads.Count = saved;
        }
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
