namespace ConvKit.Training;

/// <summary>
/// Stops training when the monitored metric has not improved by more than <c>minDelta</c> for <c>patience</c>
/// epochs; with <c>restoreBestWeights</c> the weights of the best epoch are put back at the end (Keras' EarlyStopping).
/// </summary>
public sealed class EarlyStopping : Callback
{
    private float[][]? _best;
    private double _bestValue;
    private int _wait;

    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, bool restoreBestWeights = false, MonitorMode mode = MonitorMode.Auto)
    {
        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
        Mode = MonitorModes.Resolve(mode, monitor);
    }

    public string Monitor { get; }

    public double MinDelta { get; }

    public int Patience { get; }

    public bool RestoreBestWeights { get; }

    public MonitorMode Mode { get; }

    /// <summary>The epoch (0-based) at which training was stopped, or -1.</summary>
    public int StoppedEpoch { get; private set; } = -1;

    /// <summary>The epoch (0-based) with the best monitored value.</summary>
    public int BestEpoch { get; private set; } = -1;

    public override void OnTrainBegin()
    {
        _wait = 0;
        _best = null;
        _bestValue = Mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        StoppedEpoch = -1;
        BestEpoch = -1;
    }

    public override void OnEpochEnd(int epoch, EpochLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var value = MonitorModes.Read(logs, Monitor);
        if (MonitorModes.Improved(Mode, value, _bestValue, MinDelta))
        {
            _bestValue = value;
            BestEpoch = epoch;
            _wait = 0;
            if (RestoreBestWeights)
            {
                _best = Model!.Parameters.Select(p => p.Value.ToArray()).ToArray();
            }
            return;
        }
        _wait++;
        if (_wait > Patience)
        {
            StoppedEpoch = epoch;
            Model!.StopTraining = true;
        }
    }

    public override void OnTrainEnd()
    {
        if (RestoreBestWeights && _best is not null && StoppedEpoch >= 0)
        {
            var ps = Model!.Parameters;
            for (var i = 0; i < ps.Count; i++)
            {
                ps[i].Value.CopyFrom(_best[i]);
            }
        }
    }
}
