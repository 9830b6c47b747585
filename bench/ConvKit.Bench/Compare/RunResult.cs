using System.Globalization;

namespace ConvKit.Bench.Compare;

/// <summary>
/// One model's figures from a training run, read from the <c>RESULT key=value ...</c> lines that both
/// <c>ConvKit.Bench train</c> and the peer harnesses in ../shared/peers print.
/// </summary>
/// <param name="TrainImagesPerSecond">The fastest epoch's training images/s (later epochs are warm).</param>
/// <param name="InferImagesPerSecond">Batch-1000 inference images/s.</param>
/// <param name="LatencyMs">Median batch-1 latency.</param>
/// <param name="PeakMemoryMb">Peak resident set of the whole process.</param>
/// <param name="TestAccuracy">Test accuracy after the last epoch.</param>
/// <param name="Epochs">How many epochs the run reported.</param>
/// <param name="Scaling">The run's thread-scaling rounds (<c>train --scaling-rounds</c>); null when it ran none.</param>
public sealed record RunResult(double TrainImagesPerSecond, double InferImagesPerSecond, double LatencyMs, double PeakMemoryMb, double TestAccuracy, int Epochs,
    ThreadScaling? Scaling = null)
{
    // ConvKit's key first, then the peer harness's spelling of the same figure.
    private static readonly string[] TrainKeys = ["train_img_s", "train_sps"];
    private static readonly string[] InferKeys = ["infer_b1000_img_s", "infer_sps"];
    private static readonly string[] LatencyKeys = ["latency_b1_ms", "lat1_ms"];

    /// <summary>The key/value pairs of a <c>RESULT</c> line, or null when <paramref name="line"/> is not one.</summary>
    public static Dictionary<string, string>? ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.Trim();
        if (!trimmed.StartsWith("RESULT ", StringComparison.Ordinal))
        {
            return null;
        }
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in trimmed["RESULT ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                pairs[token[..eq]] = token[(eq + 1)..];
            }
        }
        return pairs;
    }

    /// <summary>
    /// Reads a run's output. Throws <see cref="FormatException"/> naming the missing figure when the output lacks
    /// an epoch line or the inference line.
    /// </summary>
    public static RunResult Parse(IEnumerable<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        double bestTrain = 0, infer = double.NaN, latency = double.NaN, peak = double.NaN, accuracy = double.NaN;
        var epochs = 0;
        ThreadScaling? scaling = null;
        foreach (var pairs in lines.Select(ParseLine).OfType<Dictionary<string, string>>())
        {
            if (TryGet(pairs, TrainKeys, out var train))
            {
                epochs++;
                bestTrain = Math.Max(bestTrain, train);
                if (TryGet(pairs, ["test_acc"], out var acc))
                {
                    accuracy = acc;
                }
            }
            if (TryGet(pairs, InferKeys, out var i))
            {
                infer = i;
            }
            if (TryGet(pairs, LatencyKeys, out var l))
            {
                latency = l;
            }
            if (TryGet(pairs, ["peak_rss_mb"], out var p))
            {
                peak = p;
            }
            scaling = ThreadScaling.FromPairs(pairs, source) ?? scaling;
        }
        if (epochs == 0)
        {
            throw new FormatException($"{source} printed no RESULT line with training images/s ({string.Join(" or ", TrainKeys)}).");
        }
        if (double.IsNaN(infer) || double.IsNaN(latency) || double.IsNaN(peak))
        {
            throw new FormatException($"{source} printed no RESULT line with inference throughput, batch-1 latency and peak_rss_mb.");
        }
        return new RunResult(bestTrain, infer, latency, peak, accuracy, epochs, scaling);
    }

    /// <summary>
    /// Several runs of one program as one: the best training and inference rate, the lowest latency and the highest
    /// peak memory of any run, the last run's accuracy, and the scaling rounds of all of them.
    /// </summary>
    public static RunResult Combine(IReadOnlyList<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        var scalings = runs.Select(r => r.Scaling).OfType<ThreadScaling>().ToArray();
        return new RunResult(runs.Max(r => r.TrainImagesPerSecond), runs.Max(r => r.InferImagesPerSecond), runs.Min(r => r.LatencyMs),
            runs.Max(r => r.PeakMemoryMb), runs[^1].TestAccuracy, runs.Sum(r => r.Epochs), scalings.Length == 0 ? null : ThreadScaling.Combine(scalings));
    }

    internal static bool TryGet(Dictionary<string, string> pairs, string[] keys, out double value)
    {
        foreach (var key in keys)
        {
            if (pairs.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                return true;
            }
        }
        value = double.NaN;
        return false;
    }
}
