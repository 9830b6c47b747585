using ConvKit.Tensors;

namespace ConvKit.Training;

/// <summary>The targets of one batch: class labels (sparse) or target rows (one-hot, regression), on the backend.</summary>
public sealed class TargetBatch
{
    internal TargetBatch(IndexBuffer? labels, Tensor? values, int count)
    {
        Labels = labels;
        Values = values;
        Count = count;
    }

    /// <summary>Integer class labels (sparse targets), or null.</summary>
    public IndexBuffer? Labels { get; internal set; }

    /// <summary>Target values with the model output's shape, or null.</summary>
    public Tensor? Values { get; internal set; }

    /// <summary>Samples in the batch.</summary>
    public int Count { get; internal set; }
}
