using ConvKit.Kernels.Cpu.Optimizers;
using ConvKit.Tests.Kernels.Elementwise;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Optimizers;

[Collection(ThreadCountCollection.Name)]
public class OptimizerThreadingTests
{
    [Fact]
    public void UpdatesAreIdenticalForOneAndTwoThreads()
    {
        const int n = 70_001;
        var p0 = Uniform(n, 1);
        var g = Uniform(n, 2);

        float[] Run(int threads)
        {
            var (p, m, v) = ((float[])p0.Clone(), new float[n], new float[n]);
            var (q, vel) = ((float[])p0.Clone(), new float[n]);
            var r = (float[])p0.Clone();
            WithThreads(threads, () =>
            {
                for (var t = 1; t <= 3; t++)
                {
                    OptimizerKernels.Adam(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-7f, t, 0.01f, true);
                    OptimizerKernels.Sgd(q, g, vel, 0.01f, 0.9f, true, 1e-4f);
                    OptimizerKernels.Sgd(r, g, [], 0.01f, 0f, false, 0f);
                }
            });
            return [.. p, .. m, .. v, .. q, .. vel, .. r];
        }

        AssertBitwiseEqual(Run(1), Run(2), "optimisers");
    }
}
