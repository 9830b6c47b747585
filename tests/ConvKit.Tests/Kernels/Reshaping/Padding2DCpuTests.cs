using ConvKit.Kernels.Cpu.Reshaping;

namespace ConvKit.Tests.Kernels.Reshaping;

public class Padding2DCpuTests
{
    private static float[] Values(int count, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(1, 1, 1, 0, 0, 0, 0)]
    [InlineData(3, 4, 5, 1, 2, 0, 3)]
    [InlineData(2, 1, 7, 0, 0, 4, 0)]
    [InlineData(6, 3, 2, 2, 2, 2, 2)]
    [InlineData(0, 3, 3, 1, 1, 1, 1)]
    public void PadAndCropMatchTheirTwinsAndUndoEachOther(int planes, int h, int w, int top, int bottom, int left, int right)
    {
        var (oh, ow) = (h + top + bottom, w + left + right);
        var x = Values(planes * h * w, 1);
        var y = Enumerable.Repeat(9f, planes * oh * ow).ToArray();
        var yRef = new float[y.Length];
        Padding2DCpu.Pad(x, planes, h, w, top, left, y, oh, ow);
        Padding2DReference.Pad(x, planes, h, w, top, left, yRef, oh, ow);
        Assert.Equal(yRef, y);
        Assert.Equal(x.Sum(), y.Sum(), 4);

        var back = new float[x.Length];
        var backRef = new float[x.Length];
        Padding2DCpu.Crop(y, planes, oh, ow, top, left, back, h, w);
        Padding2DReference.Crop(y, planes, oh, ow, top, left, backRef, h, w);
        Assert.Equal(backRef, back);
        Assert.Equal(x, back);
    }

    [Fact]
    public void BlocksThatDoNotFitAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Padding2DCpu.Pad(new float[4], 1, 2, 2, 1, 0, new float[4], 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Padding2DCpu.Crop(new float[9], 1, 3, 3, 2, 0, new float[4], 2, 2));
        Assert.Throws<ArgumentException>(() => Padding2DCpu.Pad(new float[3], 1, 2, 2, 0, 0, new float[4], 2, 2));
    }
}
