namespace ConvKit.Training;

/// <summary>The metrics at the end of an epoch, as callbacks see them.</summary>
public sealed class EpochLogs
{
    internal Dictionary<string, double> Values { get; } = [];

    public double this[string metric] => Values[metric];

    public bool TryGet(string metric, out double value) => Values.TryGetValue(metric, out value);

    public IEnumerable<string> Names => Values.Keys;

    /// <summary>Seconds the epoch's training loop took.</summary>
    public double Seconds { get; internal set; }
}
