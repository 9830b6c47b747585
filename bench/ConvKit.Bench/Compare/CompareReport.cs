using System.Globalization;
using System.Text;

namespace ConvKit.Bench.Compare;

/// <summary>One model measured by ConvKit and, when it was run, by the peer.</summary>
/// <param name="Name">The model's name, as in the zoo.</param>
/// <param name="Batch">Training batch size.</param>
/// <param name="ConvKit">ConvKit on the compared thread count, with its thread-scaling rounds when it ran them.</param>
/// <param name="Peer">The peer on the same thread count; null when no peer was given.</param>
/// <param name="TrainTarget">The training images/s ratio to the peer this model should reach.</param>
public sealed record ModelComparison(string Name, int Batch, RunResult ConvKit, RunResult? Peer, double TrainTarget)
{
    /// <summary>Each ConvKit run's training images/s, in the order run (one entry when the figures come from one run).</summary>
    public IReadOnlyList<double> ConvKitTrainRuns { get; init; } = [];

    /// <summary>Each peer run's training images/s, in the order run.</summary>
    public IReadOnlyList<double> PeerTrainRuns { get; init; } = [];
}

/// <summary>One SGEMM timing and the FMA ceiling on the same thread count.</summary>
public sealed record GemmRow(string Label, int Threads, double GFlops, double Ceiling, bool Square);

/// <summary>
/// The <c>compare</c> command's findings, rendered as Markdown tables: the models side by side with the peer,
/// the GEMM against the measured FMA ceiling, and each of the targets with whether this run met it.
/// </summary>
public sealed class CompareReport
{
    /// <summary>Training speed, latency, throughput and memory ratios a run must reach (see docs/kernels.md).</summary>
    public const double LatencyTarget = 2, InferenceTarget = 2, MemoryTarget = 4, GemmPeakTarget = 0.75, ScalingTarget = 0.9;

    public required string Machine { get; init; }

    public required string PeerName { get; init; }
    public required int Threads { get; init; }
    public required double CeilingOneThread { get; init; }
    public required double CeilingAllThreads { get; init; }
    public required IReadOnlyList<ModelComparison> Models { get; init; }
    public required IReadOnlyList<GemmRow> Gemm { get; init; }

    /// <summary>The FMA ceiling's all-threads / one-thread speed-up measured in this run.</summary>
    public double CeilingSpeedUp => CeilingAllThreads / CeilingOneThread;

    /// <summary>Every target with this run's figure; <c>Met</c> is null when the run lacks what the target needs.</summary>
    public IReadOnlyList<(string Target, string Measured, bool? Met)> Targets()
    {
        var rows = new List<(string, string, bool?)>();
        foreach (var m in Models)
        {
            var p = m.Peer;
            rows.Add(PeerRow($"{m.Name} training >= {m.TrainTarget:0.0#}x {PeerName}",
                p is null ? null : m.ConvKit.TrainImagesPerSecond / p.TrainImagesPerSecond, m.TrainTarget, ""));
            rows.Add(PeerRow($"{m.Name} batch-1 latency <= 1/{LatencyTarget:0} of {PeerName}'s",
                p is null ? null : p.LatencyMs / m.ConvKit.LatencyMs, LatencyTarget, " faster"));
            rows.Add(PeerRow($"{m.Name} batch-1000 inference >= {InferenceTarget:0}x {PeerName}",
                p is null ? null : m.ConvKit.InferImagesPerSecond / p.InferImagesPerSecond, InferenceTarget, ""));
            rows.Add(PeerRow($"{m.Name} peak memory <= 1/{MemoryTarget:0} of {PeerName}'s",
                p is null ? null : p.PeakMemoryMb / m.ConvKit.PeakMemoryMb, MemoryTarget, " less"));
            if (m.ConvKit.Scaling is { } scaling)
            {
                var share = scaling.SpeedUp / scaling.CeilingSpeedUp;
                rows.Add(($"{m.Name} {scaling.Threads}/1-thread speed-up >= {Pct(ScalingTarget)} of the FMA ceiling's",
                    $"{Ratio(scaling.SpeedUp)} vs {Ratio(scaling.CeilingSpeedUp)} ({Pct(share)})", share >= ScalingTarget));
            }
        }
        foreach (var g in Gemm.Where(g => g.Square))
        {
            rows.Add(($"SGEMM {g.Label} on {g.Threads} thread{(g.Threads == 1 ? "" : "s")} >= {Pct(GemmPeakTarget)} of the FMA ceiling",
                $"{Pct(g.GFlops / g.Ceiling)}", g.GFlops / g.Ceiling >= GemmPeakTarget));
        }
        var squares = Gemm.Where(g => g.Square).GroupBy(g => g.Label);
        foreach (var size in squares)
        {
            var one = size.FirstOrDefault(g => g.Threads == 1);
            var all = size.FirstOrDefault(g => g.Threads == Threads);
            if (one is not null && all is not null && Threads > 1)
            {
                var speedUp = all.GFlops / one.GFlops;
                rows.Add(($"SGEMM {size.Key} {Threads}/1-thread speed-up >= {Pct(ScalingTarget)} of the FMA ceiling's",
                    $"{Ratio(speedUp)} vs {Ratio(CeilingSpeedUp)} ({Pct(speedUp / CeilingSpeedUp)})", speedUp / CeilingSpeedUp >= ScalingTarget));
            }
        }
        return rows;
    }

    /// <summary>A target judged from a ConvKit/peer ratio, or not measured when <paramref name="ratio"/> is null (no peer run).</summary>
    private static (string, string, bool?) PeerRow(string target, double? ratio, double needed, string suffix) =>
        ratio is { } r ? (target, Ratio(r) + suffix, r >= needed) : (target, "no peer", null);

    /// <summary>The three tables as Markdown.</summary>
    public string Render()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}. {Threads} threads unless a row says otherwise.");
        s.AppendLine(CultureInfo.InvariantCulture, $"FMA ceiling: {CeilingOneThread:0.0} GFLOP/s on 1 thread, {CeilingAllThreads:0.0} on {Threads} ({Ratio(CeilingSpeedUp)}).");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"| model | ConvKit train images/s | {PeerName} train images/s | ratio | batch-1 latency ms (ConvKit / {PeerName}) | batch-1000 images/s (ConvKit / {PeerName}) | peak memory MB (ConvKit / {PeerName}) | ConvKit {Threads}/1-thread speed-up (FMA ceiling) | test accuracy (ConvKit / {PeerName}) |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var m in Models)
        {
            var c = m.ConvKit;
            var p = m.Peer;
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Name} (batch {m.Batch}) | {N0(c.TrainImagesPerSecond)} | {(p is null ? "-" : N0(p.TrainImagesPerSecond))} | {(p is null ? "-" : Ratio(c.TrainImagesPerSecond / p.TrainImagesPerSecond))} " +
                $"| {c.LatencyMs:0.000} / {(p is null ? "-" : p.LatencyMs.ToString("0.000", CultureInfo.InvariantCulture))} " +
                $"| {N0(c.InferImagesPerSecond)} / {(p is null ? "-" : N0(p.InferImagesPerSecond))} " +
                $"| {N0(c.PeakMemoryMb)} / {(p is null ? "-" : N0(p.PeakMemoryMb))} " +
                $"| {(c.Scaling is not { } sc ? "-" : $"{Ratio(sc.SpeedUp)} ({Ratio(sc.CeilingSpeedUp)})")} " +
                $"| {Percent(c.TestAccuracy)} / {(p is null ? "-" : Percent(p.TestAccuracy))} |");
        }
        // Runs of each program per model whose figures were combined (RunResult.Combine).
        var runs = Models.Count == 0 ? 0 : Models.Max(m => m.ConvKitTrainRuns.Count);
        if (runs > 1)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture,
                $"Each program ran {runs} times per model, ConvKit first in odd-numbered runs and the peer first in even ones; the figures are the best of the runs (peak memory: the highest). Training images/s by run:");
            foreach (var m in Models)
            {
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"- {m.Name}: ConvKit {string.Join(" / ", m.ConvKitTrainRuns.Select(N0))}{(m.PeerTrainRuns.Count == 0 ? "" : $", {PeerName} {string.Join(" / ", m.PeerTrainRuns.Select(N0))}")}");
            }
        }
        if (Models.Select(m => m.ConvKit.Scaling).OfType<ThreadScaling>().FirstOrDefault() is { } first)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture,
                $"Speed-ups: the best of {first.Rounds} rounds per model, alternating 1 and {first.Threads} threads, each timing the FMA ceiling and a training pass; the ceiling's in brackets.");
        }
        s.AppendLine();
        s.AppendLine("| SGEMM | threads | GFLOP/s | FMA ceiling GFLOP/s | % of ceiling |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var g in Gemm)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {g.Label} | {g.Threads} | {g.GFlops:0.0} | {g.Ceiling:0.0} | {Pct(g.GFlops / g.Ceiling)} |");
        }
        s.AppendLine();
        s.AppendLine("| target | this run | met |");
        s.AppendLine("| --- | ---: | --- |");
        foreach (var (target, measured, met) in Targets())
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {measured} | {(met is null ? "not measured" : met.Value ? "yes" : "no")} |");
        }
        return s.ToString();
    }

    private static string N0(double x) => x.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double x) => x.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    private static string Pct(double x) => (100 * x).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Percent(double x) => double.IsNaN(x) ? "-" : (100 * x).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
