namespace ConvKit.Training;

/// <summary>Whether a smaller (loss) or larger (accuracy) monitored value is better.</summary>
public enum MonitorMode
{
    /// <summary>Max for names containing "acc", min otherwise.</summary>
    Auto,
    Min,
    Max,
}
