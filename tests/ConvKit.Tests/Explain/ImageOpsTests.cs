using ConvKit.Explain;
using ConvKit.Tests.TestSupport;

namespace ConvKit.Tests.Explain;

/// <summary>The small image operations and the rank correlation, against values worked out by hand.</summary>
public class ImageOpsTests
{
    [Fact]
    public void BilinearUpsamplingOfTwoByTwoMatchesHandValues()
    {
        // Output pixel y samples the source at (y + ½)·2/4 − ½ = −¼, ¼, ¾, 1¼ (clamped to [0, 1]): weights 0, ¼, ¾, 1.
        float[] src = [0, 4, 8, 12];
        var dst = new float[16];
        ImageOps.Bilinear(src, 2, 2, dst, 4, 4);
        float[] row0 = [0, 1, 3, 4];
        float[] expected = [.. row0, .. row0.Select(v => v + 2), .. row0.Select(v => v + 6), .. row0.Select(v => v + 8)];
        Assertions.Close(expected, dst, 0, 1e-6, "2x2 -> 4x4");
    }

    [Fact]
    public void BilinearKeepsConstantsAndIsTheIdentityAtTheSameSize()
    {
        var constant = Enumerable.Repeat(0.3f, 5 * 7).ToArray();
        var up = new float[11 * 3];
        ImageOps.Bilinear(constant, 5, 7, up, 11, 3);
        Assertions.Close(Enumerable.Repeat(0.3f, up.Length).ToArray(), up, 0, 1e-6, "constant");
        var x = ExplainModels.Noise(1, 6 * 5, 2);
        var same = new float[x.Length];
        ImageOps.Bilinear(x, 6, 5, same, 6, 5);
        Assert.Equal(x, same);
    }

    [Fact]
    public void RollIsUndoneByTheOppositeShift()
    {
        var x = ExplainModels.Noise(1, 2 * 4 * 5, 3);
        var shifted = new float[x.Length];
        var back = new float[x.Length];
        ImageOps.Roll(x, 2, 4, 5, 3, -7, shifted);
        Assert.Equal(x[0], shifted[(0 * 4 + 3) * 5 + 3]); // (0, 0, 0) moved to (0, 3, -7 mod 5 = 3)
        Assert.Equal(x[(1 * 4 + 2) * 5 + 4], shifted[(1 * 4 + 1) * 5 + 2]); // (1, 2, 4) -> (1, 5 mod 4 = 1, -3 mod 5 = 2)
        ImageOps.Roll(shifted, 2, 4, 5, -3, 7, back);
        Assert.Equal(x, back);
    }

    [Fact]
    public void TotalVariationAndItsGradientMatchHandValuesAndDifferences()
    {
        // One 2x2 plane [[0, 1], [3, 5]]: squared differences 1 (0->1), 4 (3->5), 9 (0->3), 16 (1->5) = 30, over 4 values.
        float[] x = [0, 1, 3, 5];
        var g = new float[4];
        Assert.Equal(30.0 / 4, ImageOps.TotalVariation(x, 1, 2, 2, 1f, g), 12);

        // The gradient against central differences on a random (2, 3, 4) image.
        var img = ExplainModels.Noise(1, 24, 9);
        var grad = new float[24];
        ImageOps.TotalVariation(img, 2, 3, 4, 1f, grad);
        for (var i = 0; i < img.Length; i++)
        {
            var plus = (float[])img.Clone();
            var minus = (float[])img.Clone();
            plus[i] += 1e-3f;
            minus[i] -= 1e-3f;
            var numeric = (ImageOps.TotalVariation(plus, 2, 3, 4, 0f, new float[24]) - ImageOps.TotalVariation(minus, 2, 3, 4, 0f, new float[24])) / 2e-3;
            Assert.Equal(numeric, grad[i], 3);
        }
    }

    [Fact]
    public void SpearmanMatchesHandValues()
    {
        Assert.Equal(1.0, RankCorrelation.Spearman([1, 2, 3, 4], [10, 20, 30, 400]), 12);
        Assert.Equal(-1.0, RankCorrelation.Spearman([1, 2, 3, 4], [4, 3, 2, 1]), 12);
        // Ranks a = (1, 2, 3, 4, 5), b = (2, 1, 4, 3, 5): Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8.
        Assert.Equal(0.8, RankCorrelation.Spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 12);
        // Ties: b = (1, 1, 2) ranks (1.5, 1.5, 3); Pearson of (1, 2, 3) and (1.5, 1.5, 3) is √3/2.
        Assert.Equal(Math.Sqrt(3) / 2, RankCorrelation.Spearman([1, 2, 3], [7, 7, 9]), 12);
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1, 2, 3], [5, 5, 5])));
    }

    [Fact]
    public void NormalizedPerImageScalesEachImageToTheUnitRange()
    {
        var batch = new ImageBatch([1, 3, 5, -2, -2, -2], 2, 1, 1, 3);
        var n = batch.NormalizedPerImage();
        Assert.Equal([0f, 0.5f, 1f, 0f, 0f, 0f], n.Values);
    }
}
