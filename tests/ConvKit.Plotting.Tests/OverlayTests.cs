namespace ConvKit.Plotting.Tests;

public class OverlayTests
{
    private static float[] Ramp(int n, float scale = 1f) => Enumerable.Range(0, n).Select(i => scale * i / (n - 1)).ToArray();

    [Fact]
    public void AlphaZeroReturnsTheRgbImage()
    {
        var rgb = Enumerable.Range(0, 3 * 4 * 5).Select(i => (i * 37 % 100) / 100f).ToArray();
        var heat = Ramp(20, 5f);
        Assert.Equal(rgb, Heatmaps.Overlay(rgb, 3, 4, 5, heat, 0f));
    }

    [Fact]
    public void AlphaZeroRepeatsAGreyImageOverThreeChannels()
    {
        var grey = Ramp(12);
        var result = Heatmaps.Overlay(grey, 1, 3, 4, Ramp(12), 0f);
        Assert.Equal(grey.Concat(grey).Concat(grey).ToArray(), result);
    }

    [Fact]
    public void AlphaOneShowsTheNormalisedHeatOnly()
    {
        var image = new float[6];
        float[] heat = [10f, 12f, 14f, 16f, 18f, 20f];
        var result = Heatmaps.Overlay(image, 1, 2, 3, heat, 1f);
        for (var i = 0; i < 6; i++)
        {
            var expected = Heatmaps.Jet(i / 5f);
            Assert.Equal(expected.R, result[i], 5);
            Assert.Equal(expected.G, result[6 + i], 5);
            Assert.Equal(expected.B, result[12 + i], 5);
        }
    }

    [Fact]
    public void BlendsLinearly()
    {
        float[] image = [0.2f, 0.4f, 0.6f, 0.8f];
        float[] heat = [0f, 1f, 2f, 3f];
        var result = Heatmaps.Overlay(image, 1, 2, 2, heat, 0.25f, ColorMap.Viridis);
        for (var i = 0; i < 4; i++)
        {
            var c = Heatmaps.Viridis(i / 3f);
            Assert.Equal(0.75f * image[i] + 0.25f * c.R, result[i], 5);
            Assert.Equal(0.75f * image[i] + 0.25f * c.G, result[4 + i], 5);
            Assert.Equal(0.75f * image[i] + 0.25f * c.B, result[8 + i], 5);
        }
    }

    [Fact]
    public void WithoutNormalisationHeatIsClamped()
    {
        float[] heat = [-1f, 0.5f, 3f];
        var result = Heatmaps.Overlay(new float[3], 1, 1, 3, heat, 1f, ColorMap.Grey, normalize: false);
        Assert.Equal([0f, 0.5f, 1f], result[..3]);
    }

    [Fact]
    public void ConstantOrNonFiniteHeatDoesNotProduceNaN()
    {
        var result = Heatmaps.Overlay(new float[4], 1, 2, 2, [3f, 3f, float.NaN, float.PositiveInfinity], 0.5f);
        Assert.All(result, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void SpanFormMatchesArrayForm()
    {
        var image = Enumerable.Range(0, 3 * 5 * 7).Select(i => (i % 11) / 10f).ToArray();
        var heat = Enumerable.Range(0, 35).Select(i => MathF.Sin(i)).ToArray();
        var expected = Heatmaps.Overlay(image, 3, 5, 7, heat, 0.4f, ColorMap.BlueWhiteRed);
        var destination = new float[3 * 35];
        Heatmaps.Overlay(image, 3, 5, 7, heat, 0.4f, destination, ColorMap.BlueWhiteRed);
        Assert.Equal(expected, destination);
    }

    [Fact]
    public void RejectsMismatchedLengthsNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => Heatmaps.Overlay(new float[783], 1, 28, 28, new float[784], 0.5f));
        Assert.Equal("image", e.ParamName);
        Assert.Contains("783", e.Message);
        Assert.Contains("784", e.Message);

        e = Assert.Throws<ArgumentException>(() => Heatmaps.Overlay(new float[784], 1, 28, 28, new float[100], 0.5f));
        Assert.Equal("heat", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => Heatmaps.Overlay(new float[4], 1, 2, 2, new float[4], 0.5f, new float[11]));
        Assert.Equal("destination", e.ParamName);
        Assert.Contains("12", e.Message);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void RejectsAlphaOutsideTheUnitRange(float alpha)
    {
        var e = Assert.Throws<ArgumentException>(() => Heatmaps.Overlay(new float[4], 1, 2, 2, new float[4], alpha));
        Assert.Equal("alpha", e.ParamName);
    }

    [Fact]
    public void RejectsTwoChannelImages()
    {
        var e = Assert.Throws<ArgumentException>(() => Heatmaps.Overlay(new float[8], 2, 2, 2, new float[4], 0.5f));
        Assert.Equal("channels", e.ParamName);
    }
}
