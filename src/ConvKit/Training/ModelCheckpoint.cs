namespace ConvKit.Training;

/// <summary>
/// Saves the model after each epoch, or with <c>saveBestOnly</c> only when the monitored metric improved (Keras'
/// ModelCheckpoint). The path may contain <c>{epoch}</c> (1-based). Saves are atomic.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private double _best;

    public ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, bool includeOptimizer = true, MonitorMode mode = MonitorMode.Auto)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
        IncludeOptimizer = includeOptimizer;
        Mode = MonitorModes.Resolve(mode, monitor);
    }

    public string Path { get; }

    public string Monitor { get; }

    public bool SaveBestOnly { get; }

    public bool IncludeOptimizer { get; }

    public MonitorMode Mode { get; }

    /// <summary>Epochs (0-based) at which a file was written.</summary>
    public List<int> SavedEpochs { get; } = [];

    public override void OnTrainBegin()
    {
        _best = Mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        SavedEpochs.Clear();
    }

    public override void OnEpochEnd(int epoch, EpochLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (SaveBestOnly)
        {
            var value = MonitorModes.Read(logs, Monitor);
            if (!MonitorModes.Improved(Mode, value, _best, 0))
            {
                return;
            }
            _best = value;
        }
        Model!.Save(Path.Replace("{epoch}", (epoch + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), IncludeOptimizer);
        SavedEpochs.Add(epoch);
    }
}
