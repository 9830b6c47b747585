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

    /// <summary>Records, per team, how many times it ran, the thread count its kernels see and the threads of one kernel.</summary>
    private sealed class TeamProbe : IWorkItem
    {
        public readonly int[] Runs = new int[8];
        public readonly int[] CountInside = new int[8];
        public readonly HashSet<int>[] KernelThreads = Enumerable.Range(0, 8).Select(_ => new HashSet<int>()).ToArray();
        public int Teams;

        public void Execute(int threadIndex, int threadCount)
        {
            Teams = threadCount;
            Interlocked.Increment(ref Runs[threadIndex]);
            CountInside[threadIndex] = CpuThreads.Count;
            var kernel = new ThreadRecorder(KernelThreads[threadIndex]);
            CpuThreads.Run(kernel);
        }
    }

    private sealed class ThreadRecorder(HashSet<int> threads) : IWorkItem
    {
        public void Execute(int threadIndex, int threadCount)
        {
            lock (threads)
            {
                threads.Add(Environment.CurrentManagedThreadId);
            }
        }
    }

    [Theory]
    [InlineData(4, 2, 2)]
    [InlineData(3, 2, 1)]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 1)]
    [InlineData(1, 2, 1)]
    public async Task TeamsEachRunOnceAndTheirKernelsUseOnlyTheirOwnThreads(int threads, int teams, int smallestTeam)
    {
        var saved = CpuThreads.Count;
        try
        {
            CpuThreads.Count = threads;
            var probe = new TeamProbe();
            var task = Task.Run(() => CpuThreads.RunTeams(probe, teams));
            Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10))) == task, "RunTeams deadlocked");
            await task;
            Assert.Equal(teams, probe.Teams);
            Assert.All(probe.Runs.Take(teams), r => Assert.Equal(1, r));
            Assert.All(probe.Runs.Skip(teams), r => Assert.Equal(0, r));
            Assert.Equal(smallestTeam, probe.CountInside.Take(teams).Min());
            // A kernel started by a share runs on as many threads as its team has, and no two concurrent teams share one.
            for (var t = 0; t < teams; t++)
            {
                Assert.Equal(probe.CountInside[t], probe.KernelThreads[t].Count);
            }
            if (threads >= teams)
            {
                var all = probe.KernelThreads.Take(teams).SelectMany(x => x).ToArray();
                Assert.Equal(all.Length, all.Distinct().Count());
            }
            Assert.Equal(threads, CpuThreads.Count);
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    private sealed class FailingTeam : IWorkItem
    {
        public void Execute(int threadIndex, int threadCount)
        {
            if (threadIndex == threadCount - 1)
            {
                throw new InvalidOperationException("team failed");
            }
        }
    }

    [Fact]
    public async Task AnExceptionInATeamReachesTheCallerAndThePoolStillWorks()
    {
        var saved = CpuThreads.Count;
        try
        {
            CpuThreads.Count = 2;
            var error = await Task.Run(() => Assert.Throws<InvalidOperationException>(() => CpuThreads.RunTeams(new FailingTeam(), 2)));
            Assert.Equal("team failed", error.Message);
            var probe = new TeamProbe();
            await Task.Run(() => CpuThreads.RunTeams(probe, 2));
            Assert.Equal([1, 1], probe.Runs.Take(2));
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
