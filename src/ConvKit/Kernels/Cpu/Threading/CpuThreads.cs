namespace ConvKit.Kernels.Cpu.Threading;

/// <summary>
/// A small fixed pool of persistent worker threads for kernels. <see cref="Run"/> hands the same work item to
/// every worker (the calling thread is worker 0) and returns when all have finished. It allocates nothing per
/// call, which keeps the training step free of garbage, and avoids the scheduling overhead of
/// <c>Parallel.For</c> on small layers.
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
    private static int _count = DefaultCount();

    /// <summary>
    /// How many threads kernels use (at least 1). Defaults to <c>CONVKIT_THREADS</c> or the processor count. Reading it
    /// inside a <see cref="Limit"/> scope gives at most that scope's limit.
    /// </summary>
    public static int Count
    {
        get => _limit > 0 && _limit < _count ? _limit : _count;
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
            Exception? error = null;
            _inside = true;
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
                _inside = false;
            }
            done.Wait();
            error ??= done.Error;
            if (error is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
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
