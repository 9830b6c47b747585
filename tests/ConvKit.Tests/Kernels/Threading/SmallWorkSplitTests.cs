using ConvKit.Kernels.Cpu.Gemm;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Tests.Kernels.Gemm;

namespace ConvKit.Tests.Kernels.Threading;

/// <summary>
/// Work too small to share by its usual unit is split finer: a one-image dense layer by depth runs. Up to three
/// threads, so the splits leave uneven shares.
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
}
