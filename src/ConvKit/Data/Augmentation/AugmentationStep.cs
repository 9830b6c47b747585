namespace ConvKit.Data.Augmentation;

/// <summary>
/// One random transformation of a training image, applied in place by an <see cref="Augmenter"/>. Each step draws a
/// fixed number of random values per image from the generator it is given, whatever it decides, so the values a
/// later step sees do not depend on the earlier steps' outcomes.
/// </summary>
public abstract class AugmentationStep
{
    private protected AugmentationStep()
    {
    }

    /// <summary>The step in the text form <see cref="Augmenter.Parse"/> reads, e.g. <c>crop:4</c>.</summary>
    public abstract string Spec { get; }

    /// <summary>
    /// Checks the image shape and learns from the training images what the step needs (PCA colour jitter: the RGB
    /// covariance). Called once by <see cref="Augmenter.Prepare"/> before training.
    /// </summary>
    /// <param name="images">Training images, (count, channels, height, width).</param>
    /// <param name="count">Number of images.</param>
    /// <param name="channels">Channels per image.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <exception cref="ConvKitException">The step does not work on images of this shape.</exception>
    public virtual void Prepare(ReadOnlySpan<float> images, int count, int channels, int height, int width)
    {
    }

    /// <summary>Transforms one (channels, height, width) image in place; <paramref name="scratch"/> holds at least one image.</summary>
    internal abstract void Apply(Span<float> image, int channels, int height, int width, ref SplitMix64 random, Span<float> scratch);

    /// <inheritdoc/>
    public override string ToString() => Spec;
}
