namespace ConvKit.Filters;

/// <summary>
/// The colour-histogram feature: for each channel, how many pixels fall in each of <c>bins</c> equal intervals of
/// [0, 256). An 8-bit value v goes to bin <c>⌊v · bins / 256⌋</c>, exactly as OpenCV's
/// <c>calcHist(img, [c], None, [bins], [0, 256])</c>. The feature ignores where pixels are, which is why it
/// cannot tell a red car from a red apple, and why learned filters replaced it.
/// </summary>
public static class ColorHistogram
{
    /// <summary>
    /// Counts the (C, H, W) bytes of <paramref name="pixels"/> into <paramref name="destination"/>, (C, bins), row c
    /// holding channel c. With <paramref name="normalize"/> each channel's counts are divided by H · W so they sum to 1.
    /// </summary>
    /// <exception cref="ConvKitException"><paramref name="bins"/> is not in [1, 256].</exception>
    /// <exception cref="ArgumentException">A span does not match the shape.</exception>
    public static void Compute(ReadOnlySpan<byte> pixels, int channels, int height, int width, int bins, bool normalize, Span<float> destination)
    {
        CheckBins(bins);
        var plane = height * width;
        if (channels < 1 || plane < 1 || pixels.Length != channels * plane)
        {
            throw new ArgumentException($"Expected (C, H, W) = ({channels}, {height}, {width}) pixels, got {pixels.Length}.", nameof(pixels));
        }
        if (destination.Length != channels * bins)
        {
            throw new ArgumentException($"Expected {channels} x {bins} histogram values, got {destination.Length}.", nameof(destination));
        }
        destination.Clear();
        for (var c = 0; c < channels; c++)
        {
            var counts = destination.Slice(c * bins, bins);
            foreach (var v in pixels.Slice(c * plane, plane))
            {
                counts[v * bins >> 8]++;
            }
            if (normalize)
            {
                for (var b = 0; b < bins; b++)
                {
                    counts[b] /= plane;
                }
            }
        }
    }

    /// <summary>The (C, bins) histogram of 8-bit (C, H, W) pixels, flattened channel by channel.</summary>
    public static float[] Compute(ReadOnlySpan<byte> pixels, int channels, int height, int width, int bins, bool normalize = false)
    {
        CheckBins(bins);
        var result = new float[Math.Max(channels, 0) * bins];
        Compute(pixels, channels, height, width, bins, normalize, result);
        return result;
    }

    /// <summary>
    /// The (C, bins) histogram of an image with values in [0, 1], each value first quantised to 8 bits as
    /// <c>clamp(round(v · 255), 0, 255)</c> (so an image loaded from an 8-bit file gives its exact byte histogram).
    /// </summary>
    public static float[] Compute(ImagePlanes image, int bins, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bytes = new byte[image.Data.Length];
        ByteConversion.Saturate(image.Data, bytes, 255);
        return Compute(bytes, image.Channels, image.Height, image.Width, bins, normalize);
    }

    private static void CheckBins(int bins)
    {
        if (bins < 1 || bins > 256)
        {
            throw new ConvKitException($"A colour histogram needs between 1 and 256 bins per channel, got {bins}.");
        }
    }
}
