namespace ConvKit.Training;

/// <summary>Running figures within an epoch; one instance is reused for every batch.</summary>
public sealed class BatchLogs
{
    /// <summary>0-based batch index within the epoch.</summary>
    public int Batch { get; internal set; }

    public int BatchesPerEpoch { get; internal set; }

    /// <summary>Mean loss over the epoch so far.</summary>
    public double Loss { get; internal set; }

    /// <summary>Accuracy over the epoch so far (NaN when not tracked).</summary>
    public double Accuracy { get; internal set; }

    /// <summary>The loss of this batch alone.</summary>
    public double BatchLoss { get; internal set; }

    public int SamplesSeen { get; internal set; }

    public double ElapsedSeconds { get; internal set; }
}
