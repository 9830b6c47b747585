using ConvKit.Kernels.Cpu.Convolution;

namespace ConvKit.Tests.Kernels.Convolution;

public class Conv2DGeometryTests
{
    [Fact]
    public void CreateDerivesOutputSizeAndImpliedPadding()
    {
        // TensorFlow 'same', stride 2, 8x8 input, 3x3 kernel: 4x4 output, 0 rows on top, 1 at the bottom.
        var g = Conv2DGeometry.Create(3, 8, 8, 16, 3, 3, strideHeight: 2, strideWidth: 2, padBottom: 1, padRight: 1);
        Assert.Equal((4, 4), (g.OutHeight, g.OutWidth));
        Assert.Equal((1, 1), (g.PadBottom, g.PadRight));
        Assert.Equal(3 * 9, g.ColumnRows);
        Assert.Equal(16, g.OutPlane);
        Assert.Equal(16 * 3 * 9, g.WeightSize);

        // Valid 3x3 stride 2 on 28 rows: 13 outputs, the last input row is never read (implied padding -1).
        var v = Conv2DGeometry.Create(1, 28, 28, 8, 3, 3, strideHeight: 2, strideWidth: 2);
        Assert.Equal(13, v.OutHeight);
        Assert.Equal(-1, v.PadBottom);

        var d = Conv2DGeometry.Create(2, 10, 10, 4, 3, 3, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2, dilationHeight: 2, dilationWidth: 2);
        Assert.Equal((10, 10), (d.OutHeight, d.OutWidth));

        Assert.True(Conv2DGeometry.Create(4, 5, 5, 8, 1, 1).IsPointwise);
        Assert.False(Conv2DGeometry.Create(4, 5, 5, 8, 1, 1, strideHeight: 2).IsPointwise);
        Assert.False(Conv2DGeometry.Create(4, 5, 5, 8, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1).IsPointwise);
    }

    [Theory]
    [InlineData(0, 1, 1, 1, 0, 1, "Channels")]
    [InlineData(4, 3, 1, 1, 0, 1, "Groups")]
    [InlineData(4, 2, 1, 1, 3, 1, "PadTop")]
    [InlineData(4, 1, 1, 1, 0, 9, "OutHeight")]
    [InlineData(4, 1, 1, 1, 0, 4, "OutHeight")]
    [InlineData(4, 1, 0, 1, 0, 6, "StrideHeight")]
    [InlineData(4, 1, 1, 0, 0, 6, "DilationHeight")]
    public void ValidateNamesTheBadValue(int channels, int groups, int stride, int dilation, int padTop, int outHeight, string bad)
    {
        // 8 rows, 3x3 kernel: valid output height is 6 with stride 1.
        var g = new Conv2DGeometry(channels, 8, 8, 6, 3, 3, stride, 1, padTop, 0, dilation, 1, outHeight, 6, groups);
        var e = Assert.Throws<ArgumentException>(g.Validate);
        Assert.Equal(bad, e.ParamName);
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRejectsKernelsLargerThanThePaddedInput()
    {
        var e = Assert.Throws<ArgumentException>(() => Conv2DGeometry.Create(1, 2, 8, 1, 3, 3));
        Assert.Equal("height", e.ParamName);
    }
}
