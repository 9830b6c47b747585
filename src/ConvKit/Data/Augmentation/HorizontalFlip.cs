using System.Globalization;

namespace ConvKit.Data.Augmentation;

/// <summary>
/// Mirrors the image left to right with probability <see cref="Probability"/>:
/// <c>out[c, y, x] = in[c, y, W − 1 − x]</c>. Flipping twice is the identity.
/// </summary>
public sealed class HorizontalFlip : AugmentationStep
{
    /// <summary>A flip with probability <paramref name="probability"/> (0.5 by default, as in the CIFAR and ImageNet recipes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The probability is not in [0, 1].</exception>
    public HorizontalFlip(double probability = 0.5)
    {
        if (!(probability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The flip probability must be in [0, 1].");
        }
        Probability = probability;
    }

    /// <summary>Chance of flipping each image.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public override string Spec => Probability == 0.5 ? "flip" : string.Create(CultureInfo.InvariantCulture, $"flip:{Probability}");

    /// <summary>Mirrors every row of a (channels, height, width) image in place.</summary>
    public static void Flip(Span<float> image, int channels, int height, int width)
    {
        for (var row = 0; row < channels * height; row++)
        {
            image.Slice(row * width, width).Reverse();
        }
    }

    internal override void Apply(Span<float> image, int channels, int height, int width, ref SplitMix64 random, Span<float> scratch)
    {
        if (random.NextDouble() < Probability)
        {
            Flip(image, channels, height, width);
        }
    }
}
