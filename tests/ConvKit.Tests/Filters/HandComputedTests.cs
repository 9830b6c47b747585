using ConvKit.Filters;

namespace ConvKit.Tests.Filters;

/// <summary>
/// Small cases worked out by hand. The 1-D cases use the kernel (1, 10, 100, ...) on single-digit pixels, so each
/// output is the neighbourhood read as a decimal number: the border and the alignment can be read off the digits.
/// Every case runs through both the fast path and the naive reference.
/// </summary>
public class HandComputedTests
{
    public static TheoryData<bool> Paths => new() { true, false };

    private static float[] Run(bool fast, float[] image, int channels, int h, int w, Kernel2D kernel, FilterOptions options)
    {
        var (oh, ow) = Filter2D.OutputSize(h, w, kernel.Height, kernel.Width, options);
        var result = new float[channels * oh * ow];
        if (fast)
        {
            Filter2D.Apply(image, channels, h, w, kernel, options, result);
        }
        else
        {
            Filter2DReference.Apply(image, channels, h, w, kernel, options, result);
        }
        return result;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void NotesFiveByFiveExampleGivesThreeByThree(bool fast)
    {
        float[] image =
        [
            1, 1, 1, 0, 0,
            0, 1, 1, 1, 0,
            0, 0, 1, 1, 1,
            0, 0, 1, 1, 0,
            0, 1, 1, 0, 0,
        ];
        var kernel = new Kernel2D("x", 3, 3, [1, 0, 1, 0, 1, 0, 1, 0, 1]);
        var options = new FilterOptions { Output = OutputMode.Valid };
        Assert.Equal((3, 3), Filter2D.OutputSize(5, 5, 3, 3, options));
        Assert.Equal([4, 3, 4, 2, 4, 3, 2, 3, 4], Run(fast, image, 1, 5, 5, kernel, options));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void NotesSixBySixVerticalEdgeGivesFourByFour(bool fast)
    {
        var image = new float[36];
        for (var y = 0; y < 6; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                image[y * 6 + x] = 10;
            }
        }
        var options = new FilterOptions { Output = OutputMode.Valid };
        var result = Run(fast, image, 1, 6, 6, NamedKernels.EdgeVertical(), options);
        Assert.Equal((4, 4), Filter2D.OutputSize(6, 6, 3, 3, options));
        Assert.Equal([0, 30, 30, 0, 0, 30, 30, 0, 0, 30, 30, 0, 0, 30, 30, 0], result);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void NotesSixBySixNumbersWithVerticalEdgeKernel(bool fast)
    {
        float[] image =
        [
            3, 0, 1, 2, 7, 4,
            1, 5, 8, 9, 3, 1,
            2, 7, 2, 5, 1, 3,
            0, 1, 3, 1, 7, 8,
            4, 2, 1, 6, 2, 8,
            2, 4, 5, 2, 3, 9,
        ];
        var result = Run(fast, image, 1, 6, 6, NamedKernels.EdgeVertical(), new FilterOptions { Output = OutputMode.Valid });
        Assert.Equal([-5, -4, 0, 8, -10, -2, 2, 3, 0, -2, -4, -7, -3, -2, -3, -16], result);
    }

    // Row 1 2 3 4 with the 5-tap kernel (1, 10, 100, 1000, 10000), same output: out[x] reads the padded row
    // P[x .. x + 4] as digits, least significant first. The padding for each border is written in the comment.
    [Theory]
    [InlineData(BorderMode.Constant, 0f, new float[] { 32100, 43210, 4321, 432 })]      // 0 0 | 1 2 3 4 | 0 0
    [InlineData(BorderMode.Constant, 9f, new float[] { 32199, 43219, 94321, 99432 })]   // 9 9 | 1 2 3 4 | 9 9
    [InlineData(BorderMode.Replicate, 0f, new float[] { 32111, 43211, 44321, 44432 })]  // 1 1 | 1 2 3 4 | 4 4
    [InlineData(BorderMode.Reflect, 0f, new float[] { 32112, 43211, 44321, 34432 })]    // 2 1 | 1 2 3 4 | 4 3
    [InlineData(BorderMode.Reflect101, 0f, new float[] { 32123, 43212, 34321, 23432 })] // 3 2 | 1 2 3 4 | 3 2
    [InlineData(BorderMode.Wrap, 0f, new float[] { 32143, 43214, 14321, 21432 })]       // 3 4 | 1 2 3 4 | 1 2
    public void EveryBorderModeOnARowAndAColumn(BorderMode border, float value, float[] expected)
    {
        var options = new FilterOptions { Border = border, BorderValue = value };
        var row = new Kernel2D("digits", 1, 5, [1, 10, 100, 1000, 10000]);
        var column = new Kernel2D("digits", 5, 1, [1, 10, 100, 1000, 10000]);
        foreach (var fast in new[] { true, false })
        {
            Assert.Equal(expected, Run(fast, [1, 2, 3, 4], 1, 1, 4, row, options));
            Assert.Equal(expected, Run(fast, [1, 2, 3, 4], 1, 4, 1, column, options));
        }
    }

    // Row 1 2 3 4 5 6, kernel (1, 10, 100), constant 0 border unless stated.
    [Theory]
    [InlineData(OutputMode.Valid, FilterOperation.Correlation, 1, new float[] { 321, 432, 543, 654 })]
    [InlineData(OutputMode.Same, FilterOperation.Correlation, 1, new float[] { 210, 321, 432, 543, 654, 65 })]
    [InlineData(OutputMode.Full, FilterOperation.Correlation, 1, new float[] { 100, 210, 321, 432, 543, 654, 65, 6 })]
    [InlineData(OutputMode.Same, FilterOperation.Correlation, 2, new float[] { 210, 432, 654 })]
    [InlineData(OutputMode.Valid, FilterOperation.Correlation, 3, new float[] { 321, 654 })]
    [InlineData(OutputMode.Full, FilterOperation.Correlation, 3, new float[] { 100, 432, 65 })]
    // Convolution turns the kernel round: out[x] = I[x − 1 + q]·1 ... read the digits the other way.
    [InlineData(OutputMode.Valid, FilterOperation.Convolution, 1, new float[] { 123, 234, 345, 456 })]
    [InlineData(OutputMode.Same, FilterOperation.Convolution, 1, new float[] { 12, 123, 234, 345, 456, 560 })]
    [InlineData(OutputMode.Full, FilterOperation.Convolution, 1, new float[] { 1, 12, 123, 234, 345, 456, 560, 600 })]
    [InlineData(OutputMode.Full, FilterOperation.Convolution, 2, new float[] { 1, 123, 345, 560 })]
    public void OutputModesStridesAndConvolution(OutputMode mode, FilterOperation operation, int stride, float[] expected)
    {
        var options = new FilterOptions { Output = mode, Operation = operation, Stride = stride, Border = BorderMode.Constant };
        var kernel = new Kernel2D("digits", 1, 3, [1, 10, 100]);
        foreach (var fast in new[] { true, false })
        {
            Assert.Equal(expected, Run(fast, [1, 2, 3, 4, 5, 6], 1, 1, 6, kernel, options));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EvenKernelAnchorIsHalfTheSizeAndFlipsForConvolution(bool fast)
    {
        // OpenCV puts the anchor of a 4-tap kernel on tap 2: out[x] = I[x−2] + 10 I[x−1] + 100 I[x] + 1000 I[x+1].
        var kernel = new Kernel2D("digits", 1, 4, [1, 10, 100, 1000]);
        var correlation = new FilterOptions { Border = BorderMode.Constant };
        Assert.Equal([2100, 3210, 4321, 5432, 6543, 654], Run(fast, [1, 2, 3, 4, 5, 6], 1, 1, 6, kernel, correlation));
        // Convolution flips kernel and anchor: out[x] = I[x+2] + 10 I[x+1] + 100 I[x] + 1000 I[x−1].
        var convolution = correlation with { Operation = FilterOperation.Convolution };
        Assert.Equal([123, 1234, 2345, 3456, 4560, 5600], Run(fast, [1, 2, 3, 4, 5, 6], 1, 1, 6, kernel, convolution));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ChannelsAreFilteredSeparately(bool fast)
    {
        // Two channels, 1 x 3 each: (1 2 3) and (10 20 30); kernel (1, 1, 1), constant 0 border.
        var kernel = new Kernel2D("sum", 1, 3, [1, 1, 1]);
        var result = Run(fast, [1, 2, 3, 10, 20, 30], 2, 1, 3, kernel, new FilterOptions { Border = BorderMode.Constant });
        Assert.Equal([3, 6, 5, 30, 60, 50], result);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void OneByOneImageUsesTheBorderEverywhere(bool fast)
    {
        var kernel = new Kernel2D("k", 3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.Equal([45 * 2f], Run(fast, [2], 1, 1, 1, kernel, new FilterOptions { Border = BorderMode.Reflect101 }));
        Assert.Equal([5 * 2 + 40 * 0.5f], Run(fast, [2], 1, 1, 1, kernel, new FilterOptions { Border = BorderMode.Constant, BorderValue = 0.5f }));
    }

    [Fact]
    public void BorderIndexFollowsOpenCv()
    {
        // abcdefgh with 3 pixels beyond each side, as drawn in the BorderMode docs (a = 0 ... h = 7).
        int[] Row(BorderMode m) => Enumerable.Range(-3, 14).Select(p => BorderIndex.Map(p, 8, m)).ToArray();
        Assert.Equal([-1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, -1, -1, -1], Row(BorderMode.Constant));
        Assert.Equal([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7], Row(BorderMode.Replicate));
        Assert.Equal([2, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 7, 6, 5], Row(BorderMode.Reflect));
        Assert.Equal([3, 2, 1, 0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4], Row(BorderMode.Reflect101));
        Assert.Equal([5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2], Row(BorderMode.Wrap));
        // Farther than one length away: reflect keeps bouncing (0 1 2 | 2 1 0 | 0 1 2 ...), wrap keeps tiling.
        Assert.Equal(1, BorderIndex.Map(-5, 3, BorderMode.Reflect));
        Assert.Equal(2, BorderIndex.Map(-7, 3, BorderMode.Wrap));
        Assert.Equal(0, BorderIndex.Map(5, 1, BorderMode.Reflect101));
    }

    [Fact]
    public void ValidOutputOfAKernelLargerThanTheImageIsAClearError()
    {
        var e = Assert.Throws<ConvKitException>(() => Filter2D.OutputSize(2, 5, 3, 3, new FilterOptions { Output = OutputMode.Valid }));
        Assert.Contains("3x3", e.Message);
        Assert.Contains("2x5", e.Message);
    }

    [Fact]
    public void StrideBelowOneIsRejected()
    {
        Assert.Throws<ConvKitException>(() => Filter2D.OutputSize(5, 5, 3, 3, new FilterOptions { StrideX = 0 }));
    }
}
