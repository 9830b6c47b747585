using ConvKit.Backends;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Losses;

/// <summary>Mean squared error over all elements: L = (1/M) Σ (x − t)².</summary>
public sealed class MeanSquaredError : Loss
{
    public override string Name => "mean_squared_error";

    public override bool SparseTargets => false;

    public override double Compute(IBackend backend, Tensor output, ActivationKind outputActivation, TargetBatch targets, Tensor? outputGradient, out bool gradientIsPreActivation)
    {
        ArgumentNullException.ThrowIfNull(backend);
        gradientIsPreActivation = false;
        return backend.MeanSquaredError(output, RequireValues(targets, output, Name), outputGradient);
    }
}
