using ConvKit.Backends;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Losses;

/// <summary>
/// A loss: the mean over the batch of a per-sample penalty between the model's output and the targets, with its
/// gradient with respect to the output.
/// </summary>
public abstract class Loss
{
    /// <summary>The Keras name, e.g. <c>sparse_categorical_crossentropy</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the targets are class labels (true) or values shaped like the output (false).</summary>
    public abstract bool SparseTargets { get; }

    /// <summary>
    /// Returns the mean loss. When <paramref name="outputGradient"/> is given, writes dLoss/dOutput into it, or,
    /// when this loss fuses with the output layer's activation (softmax + cross-entropy), the gradient with respect
    /// to the activation's input, and then sets <paramref name="gradientIsPreActivation"/>.
    /// </summary>
    public abstract double Compute(IBackend backend, Tensor output, ActivationKind outputActivation, TargetBatch targets, Tensor? outputGradient, out bool gradientIsPreActivation);

    /// <summary>Looks a loss up by its Keras name.</summary>
    public static Loss FromName(string name) => name switch
    {
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "binary_crossentropy" => new BinaryCrossentropy(),
        "mse" or "mean_squared_error" => new MeanSquaredError(),
        _ => throw new ConvKitException($"Unknown loss '{name}'. Known: sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy, mean_squared_error."),
    };

    protected static IndexBuffer RequireLabels(TargetBatch targets, string loss) =>
        targets.Labels ?? throw new ConvKitException($"The loss {loss} needs integer class labels as targets.");

    protected static Tensor RequireValues(TargetBatch targets, Tensor output, string loss)
    {
        var v = targets.Values ?? throw new ConvKitException($"The loss {loss} needs target values shaped like the output {output.Shape}, not class labels.");
        if (v.Shape != output.Shape)
        {
            throw new ConvKitException($"The loss {loss} got targets of shape {v.Shape} for an output of shape {output.Shape}.");
        }
        return v;
    }
}
