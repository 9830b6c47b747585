namespace ConvKit.Plotting.Tests;

public class ColorMapTests
{
    [Fact]
    public void JetRunsFromBlueToRed()
    {
        var low = Heatmaps.Jet(0f);
        Assert.True(low.B >= 0.45f && low.R < 0.05f && low.G < 0.05f, $"jet(0) should be blue, got {low}.");
        var high = Heatmaps.Jet(1f);
        Assert.True(high.R >= 0.45f && high.G < 0.05f && high.B < 0.05f, $"jet(1) should be red, got {high}.");
        var mid = Heatmaps.Jet(0.5f);
        Assert.True(mid.G > 0.9f && mid.R < 0.6f && mid.B < 0.6f, $"jet(0.5) should be green, got {mid}.");
        var quarter = Heatmaps.Jet(0.375f);
        Assert.True(quarter.G > 0.9f && quarter.B > 0.9f && quarter.R < 0.1f, $"jet(0.375) should be cyan, got {quarter}.");
    }

    [Fact]
    public void ViridisRunsFromDarkPurpleToYellow()
    {
        var low = Heatmaps.Viridis(0f);
        Assert.True(low.B > low.G && low.R > low.G && low.R + low.G + low.B < 0.8f, $"viridis(0) should be dark purple, got {low}.");
        var high = Heatmaps.Viridis(1f);
        Assert.True(high.R > 0.9f && high.G > 0.85f && high.B < 0.2f, $"viridis(1) should be yellow, got {high}.");
    }

    [Fact]
    public void ViridisMatchesScottPlotsFullTable()
    {
        // ScottPlot carries matplotlib's 256-entry viridis table; ours interpolates 33 samples of it.
        var reference = new ScottPlot.Colormaps.Viridis();
        for (var i = 0; i <= 200; i++)
        {
            var t = i / 200f;
            var expected = reference.GetColor(t);
            var actual = Heatmaps.Viridis(t).ToBytes();
            Assert.True(
                Math.Abs(actual.R - expected.R) <= 3 && Math.Abs(actual.G - expected.G) <= 3 && Math.Abs(actual.B - expected.B) <= 3,
                $"viridis({t}) = {actual}, ScottPlot gives ({expected.R}, {expected.G}, {expected.B}).");
        }
    }

    [Fact]
    public void BlueWhiteRedIsWhiteAtTheMiddle()
    {
        Assert.Equal(new Rgb(1f, 1f, 1f), Heatmaps.BlueWhiteRed(0.5f));
        var low = Heatmaps.BlueWhiteRed(0f);
        Assert.True(low.B > 0.6f && low.R < 0.2f, $"0 should be blue, got {low}.");
        var high = Heatmaps.BlueWhiteRed(1f);
        Assert.True(high.R > 0.6f && high.B < 0.2f, $"1 should be red, got {high}.");
    }

    [Fact]
    public void GreyIsTheValueItself()
    {
        Assert.Equal(new Rgb(0.25f, 0.25f, 0.25f), Heatmaps.Grey(0.25f));
    }

    [Theory]
    [InlineData(ColorMap.Jet)]
    [InlineData(ColorMap.Viridis)]
    [InlineData(ColorMap.Grey)]
    [InlineData(ColorMap.BlueWhiteRed)]
    public void ValuesOutsideTheUnitRangeAreClampedAndNaNCountsAsZero(ColorMap map)
    {
        Assert.Equal(Heatmaps.Map(map, 0f), Heatmaps.Map(map, -3f));
        Assert.Equal(Heatmaps.Map(map, 1f), Heatmaps.Map(map, 7f));
        Assert.Equal(Heatmaps.Map(map, 0f), Heatmaps.Map(map, float.NaN));
    }

    [Fact]
    public void MapDispatchesToTheNamedMap()
    {
        Assert.Equal(Heatmaps.Jet(0.3f), Heatmaps.Map(ColorMap.Jet, 0.3f));
        Assert.Equal(Heatmaps.Viridis(0.3f), Heatmaps.Map(ColorMap.Viridis, 0.3f));
        Assert.Equal(Heatmaps.BlueWhiteRed(0.3f), Heatmaps.Map(ColorMap.BlueWhiteRed, 0.3f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Heatmaps.Map((ColorMap)42, 0.3f));
    }

    [Fact]
    public void ViridisIsContinuousAcrossItsSamples()
    {
        var previous = Heatmaps.Viridis(0f);
        for (var i = 1; i <= 1000; i++)
        {
            var c = Heatmaps.Viridis(i / 1000f);
            Assert.True(Math.Abs(c.R - previous.R) < 0.01f && Math.Abs(c.G - previous.G) < 0.01f && Math.Abs(c.B - previous.B) < 0.01f, $"jump at {i / 1000f}");
            previous = c;
        }
    }
}
