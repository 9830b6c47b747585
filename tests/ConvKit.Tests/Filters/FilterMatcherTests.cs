using ConvKit.Filters;

namespace ConvKit.Tests.Filters;

public class FilterMatcherTests
{
    [Fact]
    public void FindsPlantedKernelsWithTheirSign()
    {
        // Three 1-channel 3 x 3 filters: 2·Sobel x, −Laplacian-8 with a little noise, and a blur.
        var noise = FilterTestData.RandomValues(9, 42, -0.05f, 0.05f);
        var weights = new List<float>();
        weights.AddRange(NamedKernels.SobelX().ToArray().Select(w => 2 * w));
        weights.AddRange(NamedKernels.Laplacian8().ToArray().Select((w, i) => -w + noise[i]));
        weights.AddRange(NamedKernels.Gaussian(3, 0.8).ToArray());
        var matches = FilterMatcher.Match(weights.ToArray(), 3, 1, 3, 3);
        Assert.Equal(3, matches.Count);
        Assert.Equal(("sobel-x", 1f), (matches[0].KernelName, matches[0].Cosine), new CosineComparer());
        Assert.Equal("laplacian-8", matches[1].KernelName);
        Assert.True(matches[1].Cosine < -0.99f && matches[1].IsNegated);
        Assert.Equal("gaussian 3x3 sigma=0.8", matches[2].KernelName);
        Assert.Equal(1, matches[2].Similarity, 1e-5f);
        Assert.All(matches, m => Assert.Equal(-1, m.Channel));
    }

    [Fact]
    public void HandComputedCosineOfAPartialMatch()
    {
        // w = (1, 0, 0 | 0, 0, 0 | 0, 0, 0) against prewitt-x (−1 0 1 ×3): cos = −1/√6; against edge-45 (1 1 0 1 0 −1 0 −1 −1): 1/√6;
        // against mean: 1/3; against emboss (squares sum to 13): −2/√13 = −0.5547, the largest in size.
        var w = new float[9];
        w[0] = 1;
        var best = FilterMatcher.Match(w, 1, 1, 3, 3)[0];
        Assert.Equal("emboss", best.KernelName);
        Assert.Equal(-2 / Math.Sqrt(13), best.Cosine, 1e-6);
        Assert.Equal(-1 / Math.Sqrt(6), FilterMatcher.Cosine(w, NamedKernels.PrewittX().Weights), 1e-12);
    }

    [Fact]
    public void ChannelsAreAveragedOrMatchedOneByOne()
    {
        // One filter of 2 channels: Sobel y on channel 0, Sobel x on channel 1.
        var weights = NamedKernels.SobelY().ToArray().Concat(NamedKernels.SobelX().ToArray()).ToArray();
        var perChannel = FilterMatcher.Match(weights, 1, 2, 3, 3, ChannelMatching.PerChannel);
        Assert.Equal(["sobel-y", "sobel-x"], perChannel.Select(m => m.KernelName));
        Assert.Equal([0, 1], perChannel.Select(m => m.Channel));
        Assert.All(perChannel, m => Assert.Equal(1, m.Cosine, 1e-6f));
        // The average (Sobel x + Sobel y) / 2 = [[−1, −1, 0], [−1, 0, 1], [0, 1, 1]] is exactly −edge-45.
        var averaged = FilterMatcher.Match(weights, 1, 2, 3, 3)[0];
        Assert.Equal("edge-45", averaged.KernelName);
        Assert.Equal(-1, averaged.Cosine, 1e-6f);
    }

    [Fact]
    public void LargerFiltersMatchLargerKernels()
    {
        var weights = NamedKernels.SobelY(5).ToArray().Select(w => -0.1f * w).ToArray();
        var m = FilterMatcher.Match(weights, 1, 1, 5, 5)[0];
        Assert.Equal("sobel-y 5x5", m.KernelName);
        Assert.Equal(-1, m.Cosine, 1e-6f);
    }

    [Fact]
    public void ZeroFilterGetsZeroCosine()
    {
        var m = FilterMatcher.Match(new float[9], 1, 1, 3, 3)[0];
        Assert.Equal(0, m.Cosine);
    }

    [Fact]
    public void WrongShapesAreClearErrors()
    {
        Assert.Contains("need 18 values", Assert.Throws<ConvKitException>(() => FilterMatcher.Match(new float[9], 2, 1, 3, 3)).Message);
        Assert.Contains("4x4", Assert.Throws<ConvKitException>(() => FilterMatcher.Match(new float[16], 1, 1, 4, 4)).Message);
    }

    private sealed class CosineComparer : IEqualityComparer<(string, float)>
    {
        public bool Equals((string, float) a, (string, float) b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) < 1e-6;

        public int GetHashCode((string, float) obj) => obj.Item1.GetHashCode();
    }
}
