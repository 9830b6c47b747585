using ConvKit.Filters;

namespace ConvKit.Tests.Filters;

public class ByteConversionTests
{
    [Fact]
    public void SaturateRoundsHalfToEvenAndClips()
    {
        float[] values = [-3, -0.5f, 0.5f, 1.5f, 2.5f, 2.51f, 254.5f, 255.4f, 1e9f, float.NaN, float.NegativeInfinity];
        var bytes = new byte[values.Length];
        ByteConversion.Saturate(values, bytes);
        Assert.Equal(new byte[] { 0, 0, 0, 2, 2, 3, 254, 255, 255, 0, 0 }, bytes);
    }

    [Fact]
    public void SaturateScalesUnitImagesToBytes()
    {
        var bytes = new byte[3];
        ByteConversion.Saturate([0f, 0.5f, 1f], bytes, 255);
        Assert.Equal(new byte[] { 0, 128, 255 }, bytes); // 127.5 rounds to even: 128
    }

    [Fact]
    public void AbsoluteKeepsNegativeEdges()
    {
        var bytes = new byte[4];
        ByteConversion.Absolute([-0.5f, 0.25f, -2f, 0f], bytes, 100);
        Assert.Equal(new byte[] { 50, 25, 200, 0 }, bytes);
    }

    [Fact]
    public void NormalizeStretchesMinToZeroAndMaxTo255()
    {
        var bytes = new byte[5];
        ByteConversion.Normalize([-2f, -1f, 0f, 1f, 2f], bytes);
        Assert.Equal(new byte[] { 0, 64, 128, 191, 255 }, bytes); // 63.75 → 64, 127.5 → 128, 191.25 → 191
        ByteConversion.Normalize([3f, 3f, 3f, 3f, 3f], bytes);
        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public void LengthsMustMatch()
    {
        Assert.Throws<ArgumentException>(() => ByteConversion.Saturate(new float[3], new byte[2]));
        Assert.Throws<ArgumentException>(() => ByteConversion.Normalize(new float[3], new byte[4]));
    }
}
