namespace ConvKit.Training;

/// <summary>Sets the optimiser's learning rate at the start of each epoch from (epoch, current rate) (Keras' LearningRateScheduler).</summary>
public sealed class LearningRateScheduler(Func<int, float, float> schedule) : Callback
{
    public override void OnEpochBegin(int epoch)
    {
        var opt = Model?.Optimizer ?? throw new ConvKitException("LearningRateScheduler needs a compiled model.");
        var lr = schedule(epoch, opt.LearningRate);
        if (!(lr > 0f) || float.IsInfinity(lr))
        {
            throw new ConvKitException($"The learning-rate schedule returned {lr} for epoch {epoch}; it must be a positive number.");
        }
        opt.LearningRate = lr;
    }
}
