using ConvKit.Backends;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Losses;

/// <summary>
/// Cross-entropy with target distributions (one-hot rows): L = −(1/N) Σ_n Σ_k t[n,k] log p[n,k]. Fuses with a
/// softmax output layer like <see cref="SparseCategoricalCrossentropy"/>.
/// </summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false) : Loss
{
    private Tensor? _scratch;

    public bool FromLogits { get; } = fromLogits;

    public override string Name => "categorical_crossentropy";

    public override bool SparseTargets => false;

    public override double Compute(IBackend backend, Tensor output, ActivationKind outputActivation, TargetBatch targets, Tensor? outputGradient, out bool gradientIsPreActivation)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var t = RequireValues(targets, output, Name);
        gradientIsPreActivation = false;
        if (FromLogits)
        {
            if (_scratch is null || _scratch.Shape != output.Shape || _scratch.Backend != backend)
            {
                _scratch = backend.Allocate(output.Shape);
            }
            return backend.SoftmaxCrossEntropy(output, t, _scratch, outputGradient);
        }
        var loss = backend.CrossEntropyFromProbabilities(output, t, outputActivation == ActivationKind.Softmax ? null : outputGradient);
        if (outputGradient is not null && outputActivation == ActivationKind.Softmax)
        {
            backend.SoftmaxCrossEntropyGradient(output, t, outputGradient);
            gradientIsPreActivation = true;
        }
        return loss;
    }
}
