using ConvKit.Backends;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Losses;

/// <summary>
/// Cross-entropy with integer class labels: L = −(1/N) Σ_n log p[n, y_n]. With <c>fromLogits</c> the output is
/// passed through a log-softmax; otherwise the output holds probabilities (clipped to [1e-7, 1 − 1e-7]). When the
/// output layer ends in softmax, the loss and the softmax are fused and the gradient (p − onehot)/N goes straight
/// to the softmax's input, which is exact and stable, as Keras does.
/// </summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false) : Loss
{
    public bool FromLogits { get; } = fromLogits;

    public override string Name => "sparse_categorical_crossentropy";

    public override bool SparseTargets => true;

    public override double Compute(IBackend backend, Tensor output, ActivationKind outputActivation, TargetBatch targets, Tensor? outputGradient, out bool gradientIsPreActivation)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var labels = RequireLabels(targets, Name);
        gradientIsPreActivation = false;
        if (FromLogits)
        {
            var probabilities = Scratch(backend, output.Shape);
            return backend.SparseSoftmaxCrossEntropy(output, labels, probabilities, outputGradient);
        }
        var loss = backend.SparseCrossEntropyFromProbabilities(output, labels, outputActivation == ActivationKind.Softmax ? null : outputGradient);
        if (outputGradient is not null && outputActivation == ActivationKind.Softmax)
        {
            backend.SoftmaxCrossEntropyGradient(output, labels, outputGradient);
            gradientIsPreActivation = true;
        }
        return loss;
    }

    private Tensor? _scratch;

    private Tensor Scratch(IBackend backend, Shape shape)
    {
        if (_scratch is null || _scratch.Shape != shape || _scratch.Backend != backend)
        {
            _scratch = backend.Allocate(shape);
        }
        return _scratch;
    }
}
