using ConvKit.Filters;

namespace ConvKit.Tests.Filters;

public class ColorHistogramTests
{
    [Fact]
    public void CountsEachChannelIntoEqualBins()
    {
        // Two channels of 2 x 2. Four bins of width 64: [0, 64), [64, 128), [128, 192), [192, 256).
        byte[] pixels = [0, 63, 64, 255, 200, 200, 128, 127];
        var hist = ColorHistogram.Compute(pixels, 2, 2, 2, 4);
        Assert.Equal([2, 1, 0, 1, 0, 1, 1, 2], hist);
        var normalized = ColorHistogram.Compute(pixels, 2, 2, 2, 4, normalize: true);
        Assert.Equal([0.5f, 0.25f, 0, 0.25f, 0, 0.25f, 0.25f, 0.5f], normalized);
    }

    [Fact]
    public void UnevenBinCountsFollowFloorOfValueTimesBinsOver256()
    {
        // 10 bins: 25 → ⌊250/256⌋ = 0, 26 → ⌊260/256⌋ = 1, 255 → 9.
        var hist = ColorHistogram.Compute([25, 26, 255], 1, 1, 3, 10);
        Assert.Equal([1, 1, 0, 0, 0, 0, 0, 0, 0, 1], hist);
    }

    [Fact]
    public void FloatImagesAreQuantisedToBytesFirst()
    {
        var image = new ImagePlanes([0f, 0.5f, 1f, 0.2509804f], 1, 2, 2); // 0.2509804 · 255 = 64
        Assert.Equal([1, 1, 1, 1], ColorHistogram.Compute(image, 4));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void BinCountOutOfRangeIsAnError(int bins)
    {
        Assert.Throws<ConvKitException>(() => ColorHistogram.Compute([1, 2, 3], 1, 1, 3, bins));
    }
}
