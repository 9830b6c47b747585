using ConvKit.Filters;

namespace ConvKit.Tests.Filters;

/// <summary>The named kernels: weights written out by hand, responses to simple images worked out by hand, errors.</summary>
public class NamedKernelTests
{
    public static TheoryData<string, float[]> FixedKernels => new()
    {
        { "sharpen", [0, -1, 0, -1, 5, -1, 0, -1, 0] },
        { "emboss", [-2, -1, 0, -1, 1, 1, 0, 1, 2] },
        { "edge-horizontal", [1, 1, 1, 0, 0, 0, -1, -1, -1] },
        { "edge-vertical", [1, 0, -1, 1, 0, -1, 1, 0, -1] },
        { "edge-45", [1, 1, 0, 1, 0, -1, 0, -1, -1] },
        { "edge-135", [0, 1, 1, -1, 0, 1, -1, -1, 0] },
        { "prewitt-x", [-1, 0, 1, -1, 0, 1, -1, 0, 1] },
        { "prewitt-y", [-1, -1, -1, 0, 0, 0, 1, 1, 1] },
        { "sobel-x", [-1, 0, 1, -2, 0, 2, -1, 0, 1] },
        { "sobel-y", [-1, -2, -1, 0, 0, 0, 1, 2, 1] },
        { "scharr-x", [-3, 0, 3, -10, 0, 10, -3, 0, 3] },
        { "scharr-y", [-3, -10, -3, 0, 0, 0, 3, 10, 3] },
        { "laplacian-4", [0, 1, 0, 1, -4, 1, 0, 1, 0] },
        { "laplacian-8", [1, 1, 1, 1, -8, 1, 1, 1, 1] },
    };

    [Theory]
    [MemberData(nameof(FixedKernels))]
    public void WeightsAreTheTextbookOnes(string name, float[] weights)
    {
        var kernel = KernelCatalog.Create(name).Kernel!;
        Assert.Equal(3, kernel.Height);
        Assert.Equal(3, kernel.Width);
        Assert.Equal(weights, kernel.ToArray());
    }

    [Fact]
    public void LargerSobelKernelsAreOpenCvs()
    {
        // getDerivKernels(1, 0, 5) = (-1, -2, 0, 2, 1) and (1, 4, 6, 4, 1); for 7: (-1, -4, -5, 0, 5, 4, 1) and (1, 6, 15, 20, 15, 6, 1).
        var (s5, d5) = NamedKernels.SobelFactors(5);
        Assert.Equal([1, 4, 6, 4, 1], s5);
        Assert.Equal([-1, -2, 0, 2, 1], d5);
        var (s7, d7) = NamedKernels.SobelFactors(7);
        Assert.Equal([1, 6, 15, 20, 15, 6, 1], s7);
        Assert.Equal([-1, -4, -5, 0, 5, 4, 1], d7);
        var k = NamedKernels.SobelX(5);
        Assert.Equal([-4, -8, 0, 8, 4], k.ToArray()[5..10]);
        Assert.Equal(NamedKernels.SobelX(5).ToArray()[7], NamedKernels.SobelY(5).ToArray()[11]);
    }

    [Fact]
    public void MeanAndGaussianMatchHandValues()
    {
        Assert.All(NamedKernels.Mean(5).ToArray(), w => Assert.Equal(1 / 25.0, w, 1e-7));
        // σ = 1, size 3: (e^-1/2, 1, e^-1/2) / (1 + 2 e^-1/2) = (0.274069, 0.451863, 0.274069).
        var g = NamedKernels.Gaussian1D(3, 1.0);
        Assert.Equal(0.274069, g[0], 1e-6);
        Assert.Equal(0.451863, g[1], 1e-6);
        Assert.Equal(g[0], g[2]);
        Assert.Equal(0.451863 * 0.451863, NamedKernels.Gaussian(3, 1.0)[1, 1], 1e-6);
    }

    [Fact]
    public void LaplacianOfGaussianMatchesHandValues()
    {
        // size 3, σ = 1: raw centre −2/(2π) = −0.318310, edge −e^-1/2/(2π) = −0.096532, corner 0; mean −0.078271.
        var k = NamedKernels.LaplacianOfGaussian(3, 1.0);
        Assert.Equal(-0.240039, k[1, 1], 1e-6);
        Assert.Equal(-0.018261, k[0, 1], 1e-6);
        Assert.Equal(0.078271, k[0, 0], 1e-6);
        Assert.Equal(0, k.Sum, 1e-6);
        Assert.Equal(0, NamedKernels.LaplacianOfGaussian(9, 1.4).Sum, 1e-6);
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(3, 0.8)]
    [InlineData(5, 1.2)]
    [InlineData(7, 3.0)]
    [InlineData(15, 2.5)]
    [InlineData(31, 0.3)]
    public void GaussianKernelsSumToOne(int size, double sigma)
    {
        Assert.Equal(1, NamedKernels.Gaussian1D(size, sigma).Sum(v => (double)v), 1e-6);
        Assert.Equal(1, NamedKernels.Gaussian(size, sigma).Sum, 1e-6);
        Assert.Equal(1, NamedKernels.Mean(size).Sum, 1e-6);
    }

    // Responses away from the border to images that are simple functions of (x, y), worked out by hand:
    // Sobel x on I = x is (1 + 2 + 1)·(I[x+1] − I[x−1]) = 8; Laplacian-4 on x² is (x+1)² + (x−1)² − 2x² = 2; etc.
    [Theory]
    [InlineData("sobel-x", 3, "x", 8)]
    [InlineData("sobel-x", 5, "x", 128)]   // (1+4+6+4+1) · (1·2 + 2·1 + 2·1 + 1·2)
    [InlineData("sobel-x", 7, "x", 2048)]  // 64 · (3 + 8 + 5 + 5 + 8 + 3)
    [InlineData("sobel-y", 3, "y", 8)]
    [InlineData("sobel-y", 3, "x", 0)]
    [InlineData("prewitt-x", 3, "x", 6)]
    [InlineData("prewitt-y", 3, "y", 6)]
    [InlineData("scharr-x", 3, "x", 32)]
    [InlineData("scharr-y", 3, "y", 32)]
    [InlineData("edge-vertical", 3, "x", -6)]
    [InlineData("edge-horizontal", 3, "y", -6)]
    [InlineData("edge-45", 3, "x+y", -8)]
    [InlineData("edge-135", 3, "x-y", 8)]
    [InlineData("edge-45", 3, "x-y", 0)]
    [InlineData("laplacian-4", 3, "x^2", 2)]
    [InlineData("laplacian-8", 3, "x^2", 6)]  // 3·((x−1)² + x² + (x+1)²) − 9x²
    [InlineData("laplacian-4", 3, "x", 0)]
    [InlineData("sharpen", 3, "c", 7)]       // weights sum to 1
    [InlineData("emboss", 3, "c", 7)]
    [InlineData("mean", 5, "c", 7)]
    [InlineData("log", 5, "c", 0)]           // zero-sum
    public void InteriorResponseToSimpleImages(string name, int size, string image, float expected)
    {
        var filter = KernelCatalog.Create(name, size);
        var (h, w) = (15, 15);
        var planes = new ImagePlanes(1, h, w);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                planes[0, y, x] = image switch
                {
                    "x" => x,
                    "y" => y,
                    "x+y" => x + y,
                    "x-y" => x - y,
                    "x^2" => x * x,
                    _ => 7,
                };
            }
        }
        var result = filter.Apply(planes, new FilterOptions { Output = OutputMode.Valid });
        Assert.All(result.Data, v => Assert.Equal(expected, v, 1e-3f));
    }

    [Fact]
    public void EmbossOnARampAddsSix()
    {
        // emboss on I = x: Σ w·(x + dx) = x·1 + (−(−2 −1 + 0) + (0 + 1 + 2)) = x + 6.
        var planes = new ImagePlanes(1, 5, 6);
        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 6; x++)
            {
                planes[0, y, x] = x;
            }
        }
        var result = Filter2D.Apply(planes, NamedKernels.Emboss(), new FilterOptions { Output = OutputMode.Valid });
        for (var x = 0; x < result.Width; x++)
        {
            Assert.Equal(x + 1 + 6, result[0, 1, x]);
        }
    }

    [Fact]
    public void ImpulseResponseIsTheKernelUnderConvolutionAndTheFlippedKernelUnderCorrelation()
    {
        foreach (var entry in KernelCatalog.Entries.Where(e => e.IsLinear))
        {
            var kernel = KernelCatalog.Create(entry.Name).Kernel!;
            var (kh, kw) = (kernel.Height, kernel.Width);
            // A single 1 in a zero image; valid output of a (2·KH − 1) square image is KH x KW.
            var impulse = new ImagePlanes(1, 2 * kh - 1, 2 * kw - 1);
            impulse[0, kh - 1, kw - 1] = 1;
            var options = new FilterOptions { Output = OutputMode.Valid, Operation = FilterOperation.Convolution };
            Assert.Equal(kernel.ToArray(), Filter2D.Apply(impulse, kernel, options).Data);
            Assert.Equal(kernel.Flipped().ToArray(), Filter2D.Apply(impulse, kernel, options with { Operation = FilterOperation.Correlation }).Data);
        }
    }

    [Fact]
    public void ConvolutionEqualsCorrelationWithTheFlippedKernel()
    {
        var image = new ImagePlanes(FilterTestData.RandomValues(2 * 17 * 19, 3), 2, 17, 19);
        foreach (var kernel in new[] { FilterTestData.RandomKernel(3, 3, 1), FilterTestData.RandomKernel(5, 2, 2), FilterTestData.RandomKernel(4, 4, 3), NamedKernels.SobelX(5) })
        {
            foreach (var mode in Enum.GetValues<OutputMode>())
            {
                foreach (var border in Enum.GetValues<BorderMode>())
                {
                    var conv = new FilterOptions { Operation = FilterOperation.Convolution, Output = mode, Border = border };
                    var convolved = Filter2D.Apply(image, kernel, conv);
                    // Flipping the kernel also moves an even kernel's anchor, which valid and full output do not use.
                    if (mode != OutputMode.Same || (kernel.Height % 2 == 1 && kernel.Width % 2 == 1))
                    {
                        var correlated = Filter2D.Apply(image, kernel.Flipped(), conv with { Operation = FilterOperation.Correlation });
                        FilterTestData.AssertClose(correlated.Data, convolved.Data, 1e-6, $"{kernel.Name} {mode} {border}");
                    }
                    FilterTestData.AssertClose(Filter2DReference.Apply(image, kernel, conv).Data, convolved.Data, 1e-5, $"{kernel.Name} {mode} {border}", FilterTestData.SumTolerance(kernel, image.Data));
                }
            }
        }
    }

    [Theory]
    [InlineData("gaussian", 4, null, "odd size")]
    [InlineData("mean", 0, null, "odd size")]
    [InlineData("mean", 6, null, "odd size")]
    [InlineData("log", 1, null, "odd size of at least 3")]
    [InlineData("gaussian", 5, 0.0, "positive sigma")]
    [InlineData("gaussian", 5, -1.0, "positive sigma")]
    [InlineData("log", 5, 0.0, "positive sigma")]
    [InlineData("sobel-x", 9, null, "3, 5 and 7")]
    [InlineData("sobel-x", 4, null, "3, 5 and 7")]
    [InlineData("sharpen", 5, null, "fixed size of 3x3")]
    [InlineData("prewitt-magnitude", 5, null, "fixed size of 3x3")]
    [InlineData("sobel-x", null, 1.0, "takes no sigma")]
    [InlineData("sobel-xx", null, null, "Did you mean 'sobel-x'")]
    [InlineData("banana", null, null, "Unknown kernel 'banana'")]
    public void BadParametersGiveAClearError(string name, int? size, double? sigma, string message)
    {
        var e = Assert.Throws<ConvKitException>(() => KernelCatalog.Create(name, size, sigma));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void DirectFactoriesRejectBadSizesToo()
    {
        Assert.Throws<ConvKitException>(() => NamedKernels.Gaussian(6, 1));
        Assert.Throws<ConvKitException>(() => NamedKernels.Gaussian(5, double.NaN));
        Assert.Throws<ConvKitException>(() => NamedKernels.SobelY(1));
        Assert.Throws<ConvKitException>(() => new Kernel2D("k", 2, 2, [1, 2, 3]));
        Assert.Throws<ConvKitException>(() => new Kernel2D("k", 1, 1, [float.NaN]));
    }

    [Fact]
    public void CatalogueAcceptsOtherNamesAndDefaults()
    {
        Assert.Equal("mean", KernelCatalog.Create("BOX").Name);
        Assert.Equal("laplacian-4", KernelCatalog.Create("laplacian").Name);
        var g = KernelCatalog.Create("gaussian");
        Assert.Equal(5, g.Size);
        Assert.Equal(NamedKernels.DefaultSigma(5), g.Sigma!.Value, 1e-12);
        Assert.Equal(1.1, NamedKernels.DefaultSigma(5), 1e-12);
        Assert.Contains("sobel-magnitude", KernelCatalog.Describe());
    }

    [Fact]
    public void MatcherCandidatesLeaveOutKernelsThatOnlyDifferInSign()
    {
        var names = KernelCatalog.LinearKernels(3).Select(k => k.Name).ToArray();
        Assert.Contains("prewitt-x", names);
        Assert.DoesNotContain("edge-vertical", names);
        Assert.DoesNotContain("edge-horizontal", names);
        Assert.Contains("edge-45", names);
        Assert.Contains("sobel-x 5x5", KernelCatalog.LinearKernels(5).Select(k => k.Name));
        Assert.Empty(KernelCatalog.LinearKernels(4));
    }
}
