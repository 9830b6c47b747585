using System.Globalization;

namespace ConvKit.Data.Augmentation;

/// <summary>
/// Pads the image with <see cref="Padding"/> zero pixels on every side and cuts a window of the original size back
/// out at a random position (the CIFAR recipe of He et al. 2016, §4.2: pad 4, crop 32x32): with offsets
/// <c>dy, dx</c> uniform in <c>0..2P</c>, <c>out[c, y, x] = in[c, y + dy − P, x + dx − P]</c>, and 0 where that
/// falls outside. Padding 0 is the identity.
/// </summary>
public sealed class RandomCrop : AugmentationStep
{
    /// <summary>A random crop with <paramref name="padding"/> pixels of zero padding.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="padding"/> is negative.</exception>
    public RandomCrop(int padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Padding = padding;
    }

    /// <summary>Zero pixels added on each side before cropping.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override string Spec => string.Create(CultureInfo.InvariantCulture, $"crop:{Padding}");

    /// <summary>
    /// The crop of <paramref name="source"/>, padded by <paramref name="padding"/>, whose top-left corner is at
    /// (<paramref name="dy"/>, <paramref name="dx"/>) of the padded image, into <paramref name="destination"/> (same shape).
    /// </summary>
    public static void Crop(ReadOnlySpan<float> source, int channels, int height, int width, int padding, int dy, int dx, Span<float> destination)
    {
        var sy = dy - padding;   // source row of destination row 0
        var sx = dx - padding;
        var x0 = Math.Max(0, -sx);
        var x1 = Math.Min(width, width - sx);
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                var dst = destination.Slice((c * height + y) * width, width);
                var from = y + sy;
                if (from < 0 || from >= height || x0 >= x1)
                {
                    dst.Clear();
                    continue;
                }
                dst[..x0].Clear();
                source.Slice((c * height + from) * width + x0 + sx, x1 - x0).CopyTo(dst[x0..x1]);
                dst[x1..].Clear();
            }
        }
    }

    internal override void Apply(Span<float> image, int channels, int height, int width, ref SplitMix64 random, Span<float> scratch)
    {
        var dy = random.NextBelow(2 * Padding + 1);
        var dx = random.NextBelow(2 * Padding + 1);
        if (dy == Padding && dx == Padding)
        {
            return;
        }
        var copy = scratch[..image.Length];
        image.CopyTo(copy);
        Crop(copy, channels, height, width, Padding, dy, dx, image);
    }
}
