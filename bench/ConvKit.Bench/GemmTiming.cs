using System.Diagnostics;

namespace ConvKit.Bench;

/// <summary>A plain Stopwatch harness: warm up, then the median of repeated timings, each long enough to read.</summary>
public static class GemmTiming
{
    /// <summary>
    /// Median seconds per call of <paramref name="action"/>. Warms up for about <paramref name="warmupSeconds"/>
    /// (enough for tiered compilation to reach optimised code), then takes <paramref name="repeats"/> samples, each
    /// timing as many back-to-back calls as fill about <paramref name="sampleSeconds"/>.
    /// </summary>
    public static double MedianSeconds(Action action, int repeats = 7, double sampleSeconds = 0.05, double warmupSeconds = 0.3) =>
        Measure(action, repeats, sampleSeconds, warmupSeconds).Median;

    /// <summary>
    /// As <see cref="MedianSeconds"/>, also returning the fastest sample: on a shared machine noise only adds time,
    /// so the best sample is the better estimate of what the code can do, the median of what it did.
    /// </summary>
    public static (double Median, double Best) Measure(Action action, int repeats = 7, double sampleSeconds = 0.05, double warmupSeconds = 0.3)
    {
        ArgumentNullException.ThrowIfNull(action);
        var sw = Stopwatch.StartNew();
        var calls = 0;
        while (calls < 5 || sw.Elapsed.TotalSeconds < warmupSeconds)
        {
            action();
            calls++;
        }
        var perCall = sw.Elapsed.TotalSeconds / calls;
        var batch = Math.Max(1, (int)(sampleSeconds / Math.Max(perCall, 1e-9)));
        var samples = new double[repeats];
        for (var r = 0; r < repeats; r++)
        {
            sw.Restart();
            for (var i = 0; i < batch; i++)
            {
                action();
            }
            samples[r] = sw.Elapsed.TotalSeconds / batch;
        }
        Array.Sort(samples);
        return (samples[repeats / 2], samples[0]);
    }
}
