namespace ConvKit.Training;

/// <summary>Stops training as soon as a batch loss is NaN or infinite.</summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>Whether training was stopped for a non-finite loss.</summary>
    public bool Triggered { get; private set; }

    public override void OnBatchEnd(BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (!double.IsFinite(logs.BatchLoss))
        {
            Triggered = true;
            Model!.StopTraining = true;
        }
    }
}
