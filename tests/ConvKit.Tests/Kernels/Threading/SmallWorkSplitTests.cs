using ConvKit.Kernels.Cpu.Convolution;
using ConvKit.Kernels.Cpu.Gemm;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Tests.Kernels.Convolution;
using ConvKit.Tests.Kernels.Gemm;

namespace ConvKit.Tests.Kernels.Threading;

/// <summary>
/// Work too small to share by its usual unit is split finer: a one-image dense layer by depth runs, a Winograd layer
/// on one image by filter blocks. Up to three threads, so the splits leave uneven shares.
/// </summary>
[Collection(ConvKit.Tests.Kernels.Elementwise.ThreadCountCollection.Name)]
public class SmallWorkSplitTests
{
    [Fact]
    public void TheRowFormSplitsOnlyALongDepthAndByItAlone()
    {
        Assert.Equal(1, GemmRows.DepthRuns(4095));
        Assert.Equal(2, GemmRows.DepthRuns(4096));
        Assert.Equal(4, GemmRows.DepthRuns(9216));
        Assert.Equal(GemmRows.MaxRuns, GemmRows.DepthRuns(1 << 20));
    }

    [Fact]
    public void DepthRunsMatchReferenceAndIgnoreThreadCount()
    {
        var saved = CpuThreads.Count;
        try
        {
            CpuThreads.Count = 3;
            var seed = 11;
            foreach (var (m, n, k) in new[] { (1, 128, 9216), (2, 17, 4096), (1, 129, 6151), (2, 300, 4100), (1, 16, 20000), (1, 40, 8193) })
            {
                foreach (var beta in new[] { 0f, 1f })
                {
                    float[]? previous = null;
                    foreach (var threads in new[] { 1, 2, 3 })
                    {
                        var c = new GemmCase(false, false, m, n, k, beta, padding: 1 + seed % 3, seed).RunAndCheck(maxThreads: threads);
                        if (previous is not null)
                        {
                            Assert.Equal(previous, c);
                        }
                        previous = c;
                    }
                    seed++;
                }
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    [Fact]
    public void FewWinogradBlocksAreSplitByFilters()
    {
        // keras-mnist-cnn's 32 -> 64 layer on one image: 3 blocks of 4 tile rows, 8 filter blocks.
        var g = ConvCases.Get("keras-mnist conv2");
        Assert.Equal(3, WinogradConv.Blocks(g, 1));
        Assert.Equal(2, WinogradConv.Parts(g, 3, 2));
        Assert.Equal(1, WinogradConv.Parts(g, 3, 1));
        Assert.Equal(1, WinogradConv.Parts(g, WinogradConv.Blocks(g, 64), 2));
        Assert.Equal(2, WinogradConv.Parts(g, 1, 2));
        // A single filter block cannot be split.
        Assert.Equal(1, WinogradConv.Parts(ConvCases.Get("16 to 8 wide"), 1, 2));
    }

    [Theory]
    [InlineData("keras-mnist conv2")]
    [InlineData("33 to 12 odd sizes")]
    [InlineData("20 to 16 odd sizes")]
    [InlineData("17 to 11 odd sizes")]
    public void WinogradSplitByFiltersMatchesReferenceAndIgnoresThreadCount(string name)
    {
        var g = ConvCases.Get(name);
        var saved = CpuThreads.Count;
        try
        {
            CpuThreads.Count = 3;
            foreach (var batch in new[] { 1, 2 })
            {
                var input = ConvCases.Random(batch * g.InputSize, 5);
                var weight = ConvCases.Random(g.WeightSize, 6);
                var bias = ConvCases.Random(g.Filters, 7);
                var expected = new float[batch * g.OutputSize];
                Conv2DReference.Forward(input, weight, bias, batch, g, expected);
                for (var i = 0; i < expected.Length; i++)
                {
                    expected[i] = Math.Max(0f, expected[i]);
                }
                float[]? previous = null;
                foreach (var threads in new[] { 1, 2, 3 })
                {
                    var output = new float[batch * g.OutputSize];
                    output.AsSpan().Fill(float.NaN);
                    var workspace = new float[Conv2DCpu.WorkspaceSize(g, batch, threads, ConvPath.Winograd, backwardData: false)];
                    Conv2DCpu.ForwardCore(input, weight, bias, batch, g, output, workspace, threads, relu: true, ConvPath.Winograd);
                    ConvCases.AssertClose(expected, output, g.ColumnRows, $"{name} (batch {batch}, {threads} threads, {Conv2DCpu.Choose(g, ConvPath.Winograd, false)})");
                    if (previous is not null)
                    {
                        Assert.Equal(previous, output);
                    }
                    previous = output;
                }
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }
}
