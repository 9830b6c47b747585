using System.Globalization;

namespace ConvKit.Bench.Compare;

/// <summary>
/// A model's thread scaling measured in alternating rounds (<see cref="ScalingBenchmark"/>): the best training
/// images/s and the best FMA-ceiling GFLOP/s on one thread and on <paramref name="Threads"/>.
/// </summary>
public sealed record ThreadScaling(int Threads, int Rounds, double ImagesOneThread, double ImagesAllThreads, double CeilingOneThread, double CeilingAllThreads)
{
    private static readonly string[] Keys =
        ["scaling_threads", "scaling_rounds", "scaling_1t_img_s", "scaling_nt_img_s", "scaling_ceiling_1t", "scaling_ceiling_nt"];

    /// <summary>The model's all-threads / one-thread training speed-up.</summary>
    public double SpeedUp => ImagesAllThreads / ImagesOneThread;

    /// <summary>The FMA ceiling's all-threads / one-thread speed-up over the same rounds.</summary>
    public double CeilingSpeedUp => CeilingAllThreads / CeilingOneThread;

    /// <summary>The rounds of several runs on the same thread count as one: each figure the best of all of them.</summary>
    public static ThreadScaling Combine(IReadOnlyList<ThreadScaling> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        if (runs.Any(r => r.Threads != runs[0].Threads))
        {
            throw new ArgumentException("Thread-scaling runs on different thread counts cannot be combined.", nameof(runs));
        }
        return new ThreadScaling(runs[0].Threads, runs.Sum(r => r.Rounds), runs.Max(r => r.ImagesOneThread), runs.Max(r => r.ImagesAllThreads),
            runs.Max(r => r.CeilingOneThread), runs.Max(r => r.CeilingAllThreads));
    }

    /// <summary>The <c>RESULT</c> line that <see cref="FromPairs"/> reads back.</summary>
    public string ToResultLine(string modelKey) => string.Create(CultureInfo.InvariantCulture,
        $"RESULT model={modelKey} scaling_threads={Threads} scaling_rounds={Rounds} scaling_1t_img_s={ImagesOneThread:0} scaling_nt_img_s={ImagesAllThreads:0} scaling_ceiling_1t={CeilingOneThread:0.0} scaling_ceiling_nt={CeilingAllThreads:0.0}");

    /// <summary>
    /// The figures of a parsed <c>RESULT</c> line, or null when it has no scaling figure; throws
    /// <see cref="FormatException"/> naming the missing key when it has some but not all.
    /// </summary>
    public static ThreadScaling? FromPairs(Dictionary<string, string> pairs, string source)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (!Keys.Any(pairs.ContainsKey))
        {
            return null;
        }
        var values = new double[Keys.Length];
        for (var i = 0; i < Keys.Length; i++)
        {
            if (!RunResult.TryGet(pairs, [Keys[i]], out values[i]) || !(values[i] > 0))
            {
                throw new FormatException($"{source} printed a thread-scaling line without a positive {Keys[i]}.");
            }
        }
        return new ThreadScaling((int)values[0], (int)values[1], values[2], values[3], values[4], values[5]);
    }
}
