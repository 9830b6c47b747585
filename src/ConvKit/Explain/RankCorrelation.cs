namespace ConvKit.Explain;

/// <summary>
/// Spearman's rank correlation, the similarity measure of "Sanity Checks for Saliency Maps" (Adebayo et al. 2018,
/// arXiv:1810.03292): ρ = Pearson correlation of the ranks of a and b, ties given their average rank. 1 means the
/// two maps order the pixels identically.
/// </summary>
/// <example><code>
/// var rho = RankCorrelation.Spearman(trainedMap, randomisedMap);   // near 0: the map depends on the weights
/// </code></example>
public static class RankCorrelation
{
    /// <summary>ρ of <paramref name="a"/> and <paramref name="b"/>; NaN when either is constant (no ordering to compare).</summary>
    /// <exception cref="ArgumentException">The lengths differ or are below 2.</exception>
    public static double Spearman(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length < 2)
        {
            throw new ArgumentException($"Rank correlation needs two sequences of the same length (at least 2), got {a.Length} and {b.Length}.");
        }
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = 0, mb = 0;
        for (var i = 0; i < ra.Length; i++)
        {
            ma += ra[i];
            mb += rb[i];
        }
        ma /= ra.Length;
        mb /= rb.Length;
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < ra.Length; i++)
        {
            var da = ra[i] - ma;
            var db = rb[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }

    /// <summary>Ranks 1..n, ties sharing their average rank.</summary>
    internal static double[] Ranks(ReadOnlySpan<float> values)
    {
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var keys = values.ToArray();
        Array.Sort(keys, order);
        var ranks = new double[values.Length];
        for (var i = 0; i < keys.Length;)
        {
            var j = i;
            while (j + 1 < keys.Length && keys[j + 1] == keys[i])
            {
                j++;
            }
            var rank = (i + j) / 2.0 + 1;
            for (var t = i; t <= j; t++)
            {
                ranks[order[t]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }
}
