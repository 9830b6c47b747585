using ConvKit.Filters;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Tests.Filters;

/// <summary>The SIMD, threaded <see cref="Filter2D"/> against its naive twin <see cref="Filter2DReference"/>.</summary>
public class FastPathTests
{
    // Widths around the vector sizes (8, 16) and the 4-vector blocks (32, 64), heights around the kernel size.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 1, 17 }, { 1, 17, 1 }, { 2, 3, 5 }, { 1, 7, 8 }, { 3, 9, 15 }, { 1, 5, 16 },
        { 2, 6, 31 }, { 1, 4, 33 }, { 1, 3, 63 }, { 3, 5, 64 }, { 1, 11, 65 }, { 2, 13, 97 }, { 1, 2, 130 },
    };

    private static readonly (int Height, int Width)[] KernelSizes = [(1, 1), (1, 3), (3, 1), (2, 2), (3, 3), (5, 3), (4, 4), (7, 7)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReferenceForEveryKernelBorderModeAndOperation(int c, int h, int w)
    {
        var image = FilterTestData.RandomValues(c * h * w, seed: c * 1000 + h * 37 + w);
        foreach (var (kh, kw) in KernelSizes)
        {
            var kernel = FilterTestData.RandomKernel(kh, kw, seed: kh * 10 + kw);
            foreach (var border in Enum.GetValues<BorderMode>())
            {
                foreach (var mode in Enum.GetValues<OutputMode>())
                {
                    if (mode == OutputMode.Valid && (kh > h || kw > w))
                    {
                        continue;
                    }
                    foreach (var operation in Enum.GetValues<FilterOperation>())
                    {
                        foreach (var (sy, sx) in new[] { (1, 1), (2, 3) })
                        {
                            var options = new FilterOptions
                            {
                                Border = border, BorderValue = 0.3f, Output = mode, Operation = operation, StrideY = sy, StrideX = sx,
                            };
                            Compare(image, c, h, w, kernel, options);
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SeparablePathMatchesReferenceAndDirectPath(int c, int h, int w)
    {
        var image = FilterTestData.RandomValues(c * h * w, seed: 7 + h * w);
        Kernel2D[] kernels =
        [
            NamedKernels.Gaussian(5, 1.2), NamedKernels.SobelX(7), NamedKernels.SobelY(3), NamedKernels.Mean(3),
            Kernel2D.Separable("uneven", [0.5f, -1, 2, 0.25f], [1, -3]),
        ];
        foreach (var kernel in kernels)
        {
            foreach (var border in Enum.GetValues<BorderMode>())
            {
                foreach (var mode in new[] { OutputMode.Same, OutputMode.Full })
                {
                    foreach (var operation in Enum.GetValues<FilterOperation>())
                    {
                        var options = new FilterOptions { Border = border, BorderValue = -0.5f, Output = mode, Operation = operation, StrideY = 2 };
                        Compare(image, c, h, w, kernel, options);
                        var separable = Filter2DReference.Apply(new ImagePlanes(image, c, h, w), kernel, options);
                        var direct = Filter2D.Apply(new ImagePlanes(image, c, h, w), kernel.AsNonSeparable(), options);
                        FilterTestData.AssertClose(separable.Data, direct.Data, 1e-5, $"{kernel.Name} direct path", FilterTestData.SumTolerance(kernel, image));
                    }
                }
            }
        }
    }

    [Fact]
    public void ResultIsIdenticalForOneAndTwoThreads()
    {
        var (c, h, w) = (3, 120, 257);
        var image = FilterTestData.RandomValues(c * h * w, seed: 99);
        var saved = CpuThreads.Count;
        try
        {
            foreach (var kernel in new[] { FilterTestData.RandomKernel(5, 5, 3), NamedKernels.Gaussian(7, 2) })
            {
                var options = new FilterOptions { Border = BorderMode.Wrap };
                CpuThreads.Count = 1;
                var one = Filter2D.Apply(new ImagePlanes(image, c, h, w), kernel, options).Data;
                CpuThreads.Count = 2;
                var two = Filter2D.Apply(new ImagePlanes(image, c, h, w), kernel, options).Data;
                CpuThreads.Count = 3;
                var three = Filter2D.Apply(new ImagePlanes(image, c, h, w), kernel, options).Data;
                Assert.Equal(one, two);
                Assert.Equal(one, three);
                FilterTestData.AssertClose(Filter2DReference.Apply(new ImagePlanes(image, c, h, w), kernel, options).Data, two, 1e-5, kernel.Name, FilterTestData.SumTolerance(kernel, image));
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    [Fact]
    public void WritesOnlyTheDestinationAndAllocatesNothingAfterWarmUp()
    {
        var (c, h, w) = (2, 9, 23);
        var image = FilterTestData.RandomValues(c * h * w, seed: 5);
        var kernel = NamedKernels.SobelX(5);
        var options = new FilterOptions { Output = OutputMode.Full };
        var (oh, ow) = Filter2D.OutputSize(h, w, 5, 5, options);
        var guarded = new float[c * oh * ow + 32];
        Array.Fill(guarded, float.NaN);
        var destination = guarded.AsSpan(16, c * oh * ow);
        Filter2D.Apply(image, c, h, w, kernel, options, destination);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Filter2D.Apply(image, c, h, w, kernel, options, destination);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.All(guarded[..16], v => Assert.True(float.IsNaN(v)));
        Assert.All(guarded[(16 + c * oh * ow)..], v => Assert.True(float.IsNaN(v)));
        Assert.DoesNotContain(destination.ToArray(), float.IsNaN);
    }

    [Fact]
    public void RejectsWrongLengthsAndOverlap()
    {
        var kernel = NamedKernels.Mean(3);
        var buffer = new float[40];
        Assert.Throws<ArgumentException>(() => Filter2D.Apply(buffer.AsSpan(0, 20), 1, 4, 5, kernel, FilterOptions.Default, new float[19]));
        Assert.Throws<ArgumentException>(() => Filter2D.Apply(buffer.AsSpan(0, 19), 1, 4, 5, kernel, FilterOptions.Default, new float[20]));
        Assert.Throws<ArgumentException>(() => Filter2D.Apply(buffer.AsSpan(0, 20), 1, 4, 5, kernel, FilterOptions.Default, buffer.AsSpan(10, 20)));
    }

    private static void Compare(float[] image, int c, int h, int w, Kernel2D kernel, FilterOptions options)
    {
        var (oh, ow) = Filter2D.OutputSize(h, w, kernel.Height, kernel.Width, options);
        var fast = new float[c * oh * ow];
        var slow = new float[c * oh * ow];
        Filter2D.Apply(image, c, h, w, kernel, options, fast);
        Filter2DReference.Apply(image, c, h, w, kernel, options, slow);
        FilterTestData.AssertClose(slow, fast, 1e-5, $"{kernel.Name} on ({c}, {h}, {w}) with {options}", FilterTestData.SumTolerance(kernel, image));
    }
}
