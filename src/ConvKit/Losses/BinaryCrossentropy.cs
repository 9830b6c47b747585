using ConvKit.Backends;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Losses;

/// <summary>
/// Binary cross-entropy, the mean over all elements of −[t log p + (1 − t) log(1 − p)]. With <c>fromLogits</c> it
/// uses the stable form max(x, 0) − x·t + log(1 + e^−|x|); otherwise p is clipped to [1e-7, 1 − 1e-7].
/// </summary>
public sealed class BinaryCrossentropy(bool fromLogits = false) : Loss
{
    public bool FromLogits { get; } = fromLogits;

    public override string Name => "binary_crossentropy";

    public override bool SparseTargets => false;

    public override double Compute(IBackend backend, Tensor output, ActivationKind outputActivation, TargetBatch targets, Tensor? outputGradient, out bool gradientIsPreActivation)
    {
        ArgumentNullException.ThrowIfNull(backend);
        gradientIsPreActivation = false;
        return backend.BinaryCrossEntropy(output, RequireValues(targets, output, Name), FromLogits, outputGradient);
    }
}
