using ConvKit.Backends;

namespace ConvKit.Explain;

/// <summary>Settings of <see cref="Saliency"/>.</summary>
public sealed class SaliencyOptions
{
    /// <summary>How gradients pass back through ReLU units: vanilla (the true gradient), guided or rectified (deconvnet).</summary>
    public BackpropMode Modifier { get; init; } = BackpropMode.Vanilla;

    /// <summary>SmoothGrad samples: 0 computes the plain gradient; n &gt; 0 averages the gradients of n noisy copies.</summary>
    public int SmoothGradSamples { get; init; }

    /// <summary>SmoothGrad noise level σ as a fraction of each image's value range (max − min); Smilkov et al. suggest 0.1 to 0.2.</summary>
    public float NoiseLevel { get; init; } = 0.15f;

    /// <summary>Seed of the SmoothGrad noise.</summary>
    public int Seed { get; init; }

    internal void Validate()
    {
        if (SmoothGradSamples < 0)
        {
            throw new ConvKitException($"Saliency: the SmoothGrad sample count must be 0 (off) or more, got {SmoothGradSamples}.");
        }
        if (!(NoiseLevel >= 0) || !float.IsFinite(NoiseLevel))
        {
            throw new ConvKitException($"Saliency: the SmoothGrad noise level must be non-negative, got {NoiseLevel}.");
        }
        if (!Enum.IsDefined(Modifier))
        {
            throw new ConvKitException($"Saliency: unknown modifier {Modifier}.");
        }
    }
}
