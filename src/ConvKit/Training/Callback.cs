using ConvKit.Models;

namespace ConvKit.Training;

/// <summary>Hooks into training, as Keras callbacks. Set <see cref="Model.StopTraining"/> to end training early.</summary>
public abstract class Callback
{
    /// <summary>The model being trained (set before <see cref="OnTrainBegin"/>).</summary>
    public Model? Model { get; internal set; }

    public virtual void OnTrainBegin()
    {
    }

    public virtual void OnEpochBegin(int epoch)
    {
    }

    public virtual void OnBatchEnd(BatchLogs logs)
    {
    }

    public virtual void OnEpochEnd(int epoch, EpochLogs logs)
    {
    }

    public virtual void OnTrainEnd()
    {
    }
}
