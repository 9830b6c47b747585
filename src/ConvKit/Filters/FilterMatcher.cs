namespace ConvKit.Filters;

/// <summary>
/// Relates a trained network's first-layer filters to the classic kernels: for each learned filter, the named
/// kernel of the same size with the largest |cosine similarity| <c>cos = ⟨w, k⟩ / (‖w‖ ‖k‖)</c>, and that cosine
/// with its sign. Matching on |cos| treats a negated detector as the same detector (a −Sobel x still finds
/// vertical edges), and the reported sign says which polarity it learned.
/// </summary>
/// <example>
/// <code>
/// // weights of a Conv2D layer, shape (K, C, KH, KW)
/// foreach (var m in FilterMatcher.Match(weights, 16, 1, 3, 3))
///     Console.WriteLine($"filter {m.Filter}: {m.KernelName} cos {m.Cosine:F2}");
/// </code>
/// </example>
public static class FilterMatcher
{
    /// <summary>
    /// Matches every filter of <paramref name="weights"/>, laid out (K, C, KH, KW) as in a Conv2D layer, against
    /// <paramref name="candidates"/> (by default <see cref="KernelCatalog.LinearKernels"/> of size KH). Ties keep the
    /// earlier candidate; a filter of zero norm gets cosine 0 and the first candidate.
    /// </summary>
    /// <exception cref="ConvKitException">The weights do not have K · C · KH · KW values, or no candidate has the filters' size.</exception>
    public static IReadOnlyList<FilterMatch> Match(
        ReadOnlySpan<float> weights,
        int filters,
        int channels,
        int kernelHeight,
        int kernelWidth,
        ChannelMatching mode = ChannelMatching.Averaged,
        IReadOnlyList<Kernel2D>? candidates = null)
    {
        if (filters < 1 || channels < 1 || kernelHeight < 1 || kernelWidth < 1)
        {
            throw new ConvKitException($"Filter weights need a positive shape (K, C, KH, KW), got ({filters}, {channels}, {kernelHeight}, {kernelWidth}).");
        }
        var area = kernelHeight * kernelWidth;
        if (weights.Length != (long)filters * channels * area)
        {
            throw new ConvKitException($"Filter weights of shape (K, C, KH, KW) = ({filters}, {channels}, {kernelHeight}, {kernelWidth}) need {(long)filters * channels * area} values, got {weights.Length}.");
        }
        candidates ??= kernelHeight == kernelWidth ? KernelCatalog.LinearKernels(kernelHeight) : [];
        var usable = candidates.Where(k => k.Height == kernelHeight && k.Width == kernelWidth).ToArray();
        if (usable.Length == 0)
        {
            throw new ConvKitException($"No named kernel is {kernelHeight}x{kernelWidth}; the named kernels are square with odd sizes (3x3 has the most).");
        }
        var results = new List<FilterMatch>();
        var slice = new float[area];
        for (var k = 0; k < filters; k++)
        {
            var filter = weights.Slice(k * channels * area, channels * area);
            if (mode == ChannelMatching.Averaged)
            {
                for (var i = 0; i < area; i++)
                {
                    var s = 0.0;
                    for (var c = 0; c < channels; c++)
                    {
                        s += filter[c * area + i];
                    }
                    slice[i] = (float)(s / channels);
                }
                results.Add(Best(k, -1, slice, usable));
            }
            else
            {
                for (var c = 0; c < channels; c++)
                {
                    results.Add(Best(k, c, filter.Slice(c * area, area), usable));
                }
            }
        }
        return results;
    }

    /// <summary>The cosine similarity <c>⟨a, b⟩ / (‖a‖ ‖b‖)</c> in double; 0 when either vector is zero.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of different lengths: {a.Length} and {b.Length}.");
        }
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static FilterMatch Best(int filter, int channel, ReadOnlySpan<float> w, Kernel2D[] candidates)
    {
        var best = 0;
        var bestCos = Cosine(w, candidates[0].Weights);
        for (var i = 1; i < candidates.Length; i++)
        {
            var cos = Cosine(w, candidates[i].Weights);
            if (Math.Abs(cos) > Math.Abs(bestCos))
            {
                best = i;
                bestCos = cos;
            }
        }
        return new FilterMatch(filter, channel, candidates[best].Name, (float)bestCos);
    }
}
