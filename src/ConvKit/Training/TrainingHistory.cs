namespace ConvKit.Training;

/// <summary>What <c>Fit</c> returns: per-epoch metrics (loss, accuracy, val_loss, val_accuracy) and timings.</summary>
public sealed class TrainingHistory
{
    private readonly Dictionary<string, List<double>> _metrics = [];

    /// <summary>Metric name -> one value per epoch.</summary>
    public IReadOnlyDictionary<string, List<double>> Metrics => _metrics;

    /// <summary>Wall time of each epoch's training loop (without validation), in seconds.</summary>
    public List<double> EpochSeconds { get; } = [];

    /// <summary>Training samples processed per second in each epoch.</summary>
    public List<double> SamplesPerSecond { get; } = [];

    public int Epochs => EpochSeconds.Count;

    public IReadOnlyList<double> this[string metric] =>
        _metrics.TryGetValue(metric, out var v) ? v : throw new KeyNotFoundException($"No metric '{metric}' in the history; it has {string.Join(", ", _metrics.Keys)}.");

    internal void Add(string metric, double value)
    {
        if (!_metrics.TryGetValue(metric, out var list))
        {
            list = [];
            _metrics[metric] = list;
        }
        list.Add(value);
    }
}
