using ConvKit.Kernels.Cpu.Convolution;

namespace ConvKit.Tests.Kernels.Convolution;

public class Im2ColTests
{
    public static TheoryData<string> Cases => ConvCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void PackCopiesEachTapOrZero(string name)
    {
        var g = ConvCases.Get(name);
        var image = ConvCases.Random(g.InputSize, 1);
        // A sub-range of channels when there is more than one.
        var start = g.Channels > 1 ? 1 : 0;
        var count = g.Channels - start;
        var rows = count * g.KernelHeight * g.KernelWidth;
        var columns = new float[rows * g.OutPlane + 5];
        columns.AsSpan().Fill(float.NaN);
        Im2Col.Pack(image, g, start, count, columns);
        for (var c = 0; c < count; c++)
        {
            for (var kh = 0; kh < g.KernelHeight; kh++)
            {
                for (var kw = 0; kw < g.KernelWidth; kw++)
                {
                    var r = (c * g.KernelHeight + kh) * g.KernelWidth + kw;
                    for (var oh = 0; oh < g.OutHeight; oh++)
                    {
                        for (var ow = 0; ow < g.OutWidth; ow++)
                        {
                            var ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                            var iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                            var inside = ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width;
                            var expected = inside ? image[((start + c) * g.Height + ih) * g.Width + iw] : 0f;
                            Assert.Equal(expected, columns[r * g.OutPlane + oh * g.OutWidth + ow]);
                        }
                    }
                }
            }
        }
        Assert.True(columns.AsSpan(rows * g.OutPlane).ToArray().All(float.IsNaN), "Pack wrote past the column matrix.");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Col2ImIsTheAdjointOfIm2Col(string name)
    {
        // <col2im(Y), X> == <Y, im2col(X)> for all X, Y: checked for one random pair in double.
        var g = ConvCases.Get(name);
        var rows = g.ColumnRows * g.Groups;
        var x = ConvCases.Random(g.InputSize, 2);
        var y = ConvCases.Random(rows * g.OutPlane, 3);
        var columns = new float[rows * g.OutPlane];
        Im2Col.Pack(x, g, 0, g.Channels, columns);
        var folded = ConvCases.Random(g.InputSize, 4);
        var start = (float[])folded.Clone();
        Col2Im.Accumulate(y, g, 0, g.Channels, folded);
        double left = 0, right = 0, scale = 0;
        for (var i = 0; i < x.Length; i++)
        {
            left += ((double)folded[i] - start[i]) * x[i];
        }
        for (var i = 0; i < y.Length; i++)
        {
            right += (double)y[i] * columns[i];
            scale += Math.Abs((double)y[i] * columns[i]);
        }
        Assert.True(Math.Abs(left - right) <= 1e-5 * (1 + scale), $"{left} != {right}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void InPlaceCol2ImMatchesCol2ImBitForBit(string name)
    {
        var g = ConvCases.Get(name);
        var rows = g.Channels * g.KernelHeight * g.KernelWidth;
        var columns = ConvCases.Random(rows * g.OutPlane, 5);
        var expected = ConvCases.Random(g.InputSize, 6);
        var actual = (float[])expected.Clone();
        Col2Im.AccumulateRows(columns, g, 0, rows, expected);
        Col2Im.AccumulateRowsInPlace((float[])columns.Clone(), g, 0, rows, actual);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"pixel {i}: {expected[i]} != {actual[i]}");
        }
    }

    [Fact]
    public void Col2ImAddsEachTapToItsPixel()
    {
        // 1 channel 3x3 image, 2x2 kernel, stride 1, no padding: the centre pixel is read by all four taps.
        var g = Conv2DGeometry.Create(1, 3, 3, 1, 2, 2);
        var columns = new float[4 * 4];
        for (var r = 0; r < 4; r++)
        {
            columns.AsSpan(r * 4, 4).Fill(r + 1); // tap r contributes r + 1 at every output position
        }
        var image = new float[9];
        image[4] = 100;
        Col2Im.Accumulate(columns, g, 0, 1, image);
        // Corner (0,0) is read only by tap 0 at output (0,0); the centre by every tap once.
        Assert.Equal(new float[] { 1, 1 + 2, 2, 1 + 3, 100 + 1 + 2 + 3 + 4, 2 + 4, 3, 3 + 4, 4 }, image);
    }

    [Fact]
    public void RejectsBadChannelRangesAndShortSpans()
    {
        var g = ConvCases.Get("odd channels");
        var image = new float[g.InputSize];
        var columns = new float[g.ColumnRows * g.OutPlane];
        Assert.Throws<ArgumentOutOfRangeException>("channelStart", () => Im2Col.Pack(image, g, 3, 3, columns));
        Assert.Throws<ArgumentOutOfRangeException>("channelStart", () => Im2Col.Pack(image, g, -1, 1, columns));
        Assert.Throws<ArgumentException>("image", () => Im2Col.Pack(image.AsSpan(1), g, 0, 5, columns));
        Assert.Throws<ArgumentException>("columns", () => Im2Col.Pack(image, g, 0, 5, columns.AsSpan(1)));
        Assert.Throws<ArgumentException>("columns", () => Col2Im.Accumulate(columns.AsSpan(1), g, 0, 5, image));
    }
}
