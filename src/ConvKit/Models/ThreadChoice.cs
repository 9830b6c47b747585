namespace ConvKit.Models;

/// <summary>
/// Decides, for one small inference batch size, whether the CPU kernels run on all of
/// <see cref="Kernels.Cpu.Threading.CpuThreads"/> or on the calling thread alone. A pass over one image of a small
/// network is a few dozen short kernels, and waking the other threads for each can cost more than it saves, so the
/// first passes run in blocks on each in turn and the faster by median time is kept from then on. The first pass of
/// each block is not counted: on this project's two-core machine a pass on one thread right after passes on both
/// measured slow. The median, because passes on several threads of a busy machine are now and then fast and often
/// slow. The trials are run again after 128 passes, then after 1,024 and 8,192 more, and the latest decision holds:
/// the first is often made while the JIT compiler still runs on the other core, which makes passes on every thread look
/// slow (keras-mnist-cnn on one image: one thread was chosen in about half of the runs, 0.29 ms a pass against 0.19 ms
/// on two). Only time is at stake: the kernels split their work the same way whatever the thread count, so both give
/// the same bits.
/// </summary>
internal sealed class ThreadChoice
{
    /// <summary>Inference batches up to this size are timed both ways; larger ones always use every thread.</summary>
    public const int MaxBatch = 8;

    /// <summary>Passes in each block of trials on one setting.</summary>
    public const int Block = 4;

    /// <summary>Blocks of trials on each setting.</summary>
    private const int BlocksEach = 2;

    /// <summary>Passes timed before deciding: blocks on every thread and on one, in turn.</summary>
    public const int Trials = 2 * BlocksEach * Block;

    /// <summary>Passes after the first decision before the trials are run again; each later gap is 8 times longer.</summary>
    public const int FirstRetrial = 128;

    /// <summary>The longest gap: after it, the decision is final.</summary>
    public const int LastRetrial = 8192;

    /// <summary>Passes counted for each setting: every block's but the first.</summary>
    private const int Counted = BlocksEach * (Block - 1);

    private readonly long[] _all = new long[Counted];
    private readonly long[] _one = new long[Counted];
    private int _allCount;
    private int _oneCount;
    private int _trial;
    private int _sinceDecision;
    private int _retrialAfter = FirstRetrial;

    /// <summary>The chosen cap: 0 while still timing or when every thread won, 1 when one thread won.</summary>
    public int Chosen { get; private set; }

    /// <summary>Whether a round of trials is over (until the next round starts).</summary>
    public bool Decided => _trial >= Trials;

    /// <summary>The thread cap for the next pass, for <see cref="Kernels.Cpu.Threading.CpuThreads.Limit"/> (0: none).</summary>
    public int Next() => Decided ? Chosen : _trial / Block % 2 == 0 ? 0 : 1;

    /// <summary>Records how long the pass run under <paramref name="limit"/> (from <see cref="Next"/>) took.</summary>
    public void Record(int limit, long ticks)
    {
        if (Decided)
        {
            if (_retrialAfter <= LastRetrial && ++_sinceDecision >= _retrialAfter)
            {
                _trial = 0;
                _allCount = 0;
                _oneCount = 0;
                _sinceDecision = 0;
                _retrialAfter *= 8;
            }
            return;
        }
        if (_trial % Block != 0)
        {
            if (limit == 1)
            {
                _one[_oneCount++] = ticks;
            }
            else
            {
                _all[_allCount++] = ticks;
            }
        }
        if (++_trial == Trials)
        {
            Array.Sort(_all);
            Array.Sort(_one);
            Chosen = _one[Counted / 2] < _all[Counted / 2] ? 1 : 0;
        }
    }
}
