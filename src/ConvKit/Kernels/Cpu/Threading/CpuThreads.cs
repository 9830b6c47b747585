namespace ConvKit.Kernels.Cpu.Threading;

/// <summary>
/// A small fixed pool of persistent worker threads for kernels. <see cref="Run"/> hands the same work item to
/// every worker (the calling thread is worker 0) and returns when all have finished. It allocates nothing per
/// call, which keeps the training step free of garbage, and avoids the scheduling overhead of
/// <c>Parallel.For</c> on small layers. <see cref="RunTeams"/> splits the pool into teams, each running its own
/// share of a larger job (a shard of a batch) whose kernels then use only that team's threads.
/// </summary>
public static class CpuThreads
{
    private static readonly object Gate = new();
    private static Worker[] _workers = [];
    private static readonly Countdown Done = new();

    [ThreadStatic]
    private static bool _inside;
    [ThreadStatic]
    private static int _limit;
    [ThreadStatic]
    private static Team? t_team;
    private static int _count = DefaultCount();
    private static Team[] _teams = [];
    private static readonly TeamLeads Leads = new();

    /// <summary>
    /// How many threads kernels use (at least 1). Defaults to <c>CONVKIT_THREADS</c> or the processor count. Reading it
    /// inside a <see cref="Limit"/> scope gives at most that scope's limit.
    /// </summary>
    public static int Count
    {
        get
        {
            var count = t_team?.Size ?? _count;
            return _limit > 0 && _limit < count ? _limit : count;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (Gate)
            {
                _count = value;
            }
        }
    }

    private static int DefaultCount()
    {
        var env = Environment.GetEnvironmentVariable("CONVKIT_THREADS");
        return int.TryParse(env, out var n) && n > 0 ? n : Environment.ProcessorCount;
    }

    /// <summary>
    /// Caps <see cref="Count"/> for kernels started from the calling thread at <paramref name="threads"/> (0 removes
    /// the cap) and returns the previous cap, to restore afterwards. Results do not depend on it: kernels split their
    /// work the same way whatever the thread count.
    /// </summary>
    public static int Limit(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var previous = _limit;
        _limit = threads;
        return previous;
    }

    /// <summary>Runs <paramref name="work"/> on <see cref="Count"/> threads, or fewer when <paramref name="maxThreads"/> says so.</summary>
    public static void Run(IWorkItem work, int maxThreads = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(work);
        var n = Math.Max(1, Math.Min(Count, maxThreads));
        if (t_team is { } team && n > 1)
        {
            team.Run(work, n);
            return;
        }
        if (n == 1 || _inside)
        {
            // A kernel called from inside another kernel's work item runs on the calling thread: the pool is busy.
            work.Execute(0, 1);
            return;
        }
        lock (Gate)
        {
            EnsureWorkers(n - 1);
            var done = Done;
            done.Reset(n - 1);
            for (var i = 0; i < n - 1; i++)
            {
                _workers[i].Post(work, i + 1, n, done);
            }
            RunOwnShareAndWait(work, n, done);
        }
    }

    /// <summary>
    /// Runs <c>work.Execute(t, teams)</c> once for every team t in [0, <paramref name="teams"/>). The threads are
    /// split into at most that many teams of neighbours; each team's first thread runs its teams' shares one after
    /// another, and a kernel started from a share runs on that team's threads only (<see cref="Count"/> there is the
    /// team's size). With one thread, or from inside another kernel, the shares run one after another on the calling
    /// thread. Like <see cref="Run"/>, it allocates nothing per call.
    /// </summary>
    public static void RunTeams(IWorkItem work, int teams)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(teams, 1);
        var n = Count;
        var leads = Math.Min(teams, n);
        if (leads == 1 || _inside || t_team is not null)
        {
            for (var t = 0; t < teams; t++)
            {
                work.Execute(t, teams);
            }
            return;
        }
        lock (Gate)
        {
            EnsureWorkers(n - 1);
            EnsureTeams(n, leads);
            var done = Done;
            done.Reset(leads - 1);
            Leads.Set(work, teams);
            for (var l = 1; l < leads; l++)
            {
                _workers[_teams[l].First - 1].Post(Leads, l, leads, done);
            }
            try
            {
                RunOwnShareAndWait(Leads, leads, done);
            }
            finally
            {
                Leads.Set(null, 0);
            }
        }
    }

    /// <summary>
    /// Runs share 0 of <paramref name="work"/> (of <paramref name="n"/>) on the calling thread as a kernel, so anything
    /// it starts runs inline, then waits for the posted shares and rethrows the first error.
    /// </summary>
    private static void RunOwnShareAndWait(IWorkItem work, int n, Countdown done)
    {
        Exception? error = null;
        var wasInside = _inside;
        var team = t_team;
        _inside = true;
        t_team = null;
        try
        {
            work.Execute(0, n);
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            _inside = wasInside;
            t_team = team;
        }
        done.Wait();
        error ??= done.Error;
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary>Makes <see cref="_teams"/> cut <paramref name="threads"/> threads into <paramref name="leads"/> teams (under the gate).</summary>
    private static void EnsureTeams(int threads, int leads)
    {
        if (_teams.Length == leads && _teams[^1].First + _teams[^1].Size == threads)
        {
            return;
        }
        var teams = new Team[leads];
        for (var l = 0; l < leads; l++)
        {
            var (start, end) = Slice(threads, l, leads);
            var helpers = new Worker[end - start - 1];
            for (var h = 0; h < helpers.Length; h++)
            {
                helpers[h] = _workers[start + h];
            }
            teams[l] = new Team(start, end - start, helpers);
        }
        _teams = teams;
    }

    /// <summary>The half-open slice [start, end) of <paramref name="total"/> items that worker <paramref name="index"/> of <paramref name="count"/> owns.</summary>
    public static (int Start, int End) Slice(int total, int index, int count)
    {
        var start = (int)((long)total * index / count);
        var end = (int)((long)total * (index + 1) / count);
        return (start, end);
    }

    private static void EnsureWorkers(int needed)
    {
        if (_workers.Length >= needed)
        {
            return;
        }
        var grown = new Worker[needed];
        Array.Copy(_workers, grown, _workers.Length);
        for (var i = _workers.Length; i < needed; i++)
        {
            grown[i] = new Worker(i + 1);
        }
        _workers = grown;
    }

    /// <summary>What each team's first thread runs in a <see cref="RunTeams"/> call: its teams' shares, in order.</summary>
    private sealed class TeamLeads : IWorkItem
    {
        private IWorkItem? _work;
        private int _shares;

        public void Set(IWorkItem? work, int shares)
        {
            _work = work;
            _shares = shares;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var (first, last) = Slice(_shares, threadIndex, threadCount);
            t_team = _teams[threadIndex];
            try
            {
                for (var t = first; t < last; t++)
                {
                    _work!.Execute(t, _shares);
                }
            }
            finally
            {
                t_team = null;
            }
        }
    }

    /// <summary>
    /// Threads [First, First + Size) of the pool during a <see cref="RunTeams"/> call: the first runs the shares,
    /// the others (workers First + 1, ...) help with the kernels those shares start.
    /// </summary>
    private sealed class Team(int first, int size, Worker[] helpers)
    {
        private readonly Countdown _done = new();

        public int First { get; } = first;

        public int Size { get; } = size;

        /// <summary>Runs <paramref name="work"/> on the first <paramref name="n"/> threads of the team (n &lt;= Size).</summary>
        public void Run(IWorkItem work, int n)
        {
            n = Math.Min(n, helpers.Length + 1);
            if (n == 1)
            {
                work.Execute(0, 1);
                return;
            }
            _done.Reset(n - 1);
            for (var i = 0; i < n - 1; i++)
            {
                helpers[i].Post(work, i + 1, n, _done);
            }
            RunOwnShareAndWait(work, n, _done);
        }
    }

    /// <summary>Completion counter of the <see cref="Run"/> call in flight (one at a time, under the gate).</summary>
    private sealed class Countdown
    {
        private readonly ManualResetEventSlim _event = new(false, 200);
        private int _remaining;

        // Create the kernel event now: ManualResetEventSlim makes it lazily on the first blocking wait, which
        // would be an allocation in the middle of training on a busy machine.
        public Countdown() => _ = _event.WaitHandle;

        public Exception? Error { get; private set; }

        public void Reset(int count)
        {
            _remaining = count;
            Error = null;
            _event.Reset();
        }

        public void Signal(Exception? error)
        {
            if (error is not null)
            {
                Error = error;
            }
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _event.Set();
            }
        }

        public void Wait() => _event.Wait();
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _start = new(false, 2000);
        private IWorkItem? _work;
        private int _index;
        private int _count;
        private Countdown? _done;

        public Worker(int id)
        {
            _ = _start.WaitHandle;
            var t = new Thread(Loop) { IsBackground = true, Name = $"ConvKit worker {id}" };
            t.Start();
        }

        public void Post(IWorkItem work, int index, int count, Countdown done)
        {
            _work = work;
            _index = index;
            _count = count;
            _done = done;
            _start.Set();
        }

        private void Loop()
        {
            _inside = true;
            while (true)
            {
                _start.Wait();
                _start.Reset();
                Exception? error = null;
                try
                {
                    _work!.Execute(_index, _count);
                }
                catch (Exception e)
                {
                    error = e;
                }
                var done = _done!;
                _work = null;
                done.Signal(error);
            }
        }
    }
}
