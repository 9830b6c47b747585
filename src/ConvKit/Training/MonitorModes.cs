namespace ConvKit.Training;

/// <summary>Shared logic of the callbacks that watch a metric.</summary>
internal static class MonitorModes
{
    public static MonitorMode Resolve(MonitorMode mode, string monitor) =>
        mode != MonitorMode.Auto ? mode : monitor.Contains("acc", StringComparison.Ordinal) ? MonitorMode.Max : MonitorMode.Min;

    public static double Read(EpochLogs logs, string monitor) =>
        logs.TryGet(monitor, out var v)
            ? v
            : throw new ConvKitException($"The monitored metric '{monitor}' is not available; available: {string.Join(", ", logs.Names)}. Validation metrics need validation data.");

    public static bool Improved(MonitorMode mode, double value, double best, double minDelta) =>
        mode == MonitorMode.Min ? value < best - minDelta : value > best + minDelta;
}
