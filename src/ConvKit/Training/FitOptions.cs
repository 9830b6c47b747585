using ConvKit.Data.Augmentation;
using ConvKit.Tensors;

namespace ConvKit.Training;

/// <summary>Options of <see cref="Models.Model.Fit(Tensor, int[], FitOptions?)"/>, with Keras' defaults.</summary>
public sealed record FitOptions
{
    public int BatchSize { get; init; } = 32;

    public int Epochs { get; init; } = 1;

    /// <summary>The fraction of the training data held out for validation: the last samples, before shuffling (as Keras).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Explicit validation inputs (overrides <see cref="ValidationSplit"/>).</summary>
    public Tensor? ValidationX { get; init; }

    /// <summary>Labels of <see cref="ValidationX"/> (sparse losses).</summary>
    public int[]? ValidationLabels { get; init; }

    /// <summary>Target values of <see cref="ValidationX"/> (dense losses).</summary>
    public Tensor? ValidationTargets { get; init; }

    /// <summary>Shuffle the training samples each epoch (seeded by the model's seed and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    public IReadOnlyList<Callback> Callbacks { get; init; } = [];

    /// <summary>Where to print the Keras-style progress bar; null for silence.</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>The first epoch (0-based), to resume training.</summary>
    public int InitialEpoch { get; init; }

    /// <summary>
    /// Random transformations applied to each training batch after it is gathered and before the forward pass
    /// (images (N, C, H, W) only); validation data is never augmented. Null for none.
    /// </summary>
    public Augmenter? Augmentation { get; init; }
}
