using ConvKit.Kernels.Cpu.Normalization;
using ConvKit.Tests.Kernels.Elementwise;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Normalization;

[Collection(ThreadCountCollection.Name)]
public class NormalizationThreadingTests
{
    [Theory]
    [InlineData(8, 33, 131)]
    [InlineData(300, 257, 1)]
    public void BatchNormIsIdenticalForOneAndTwoThreads(int n, int c, int s)
    {
        var count = n * c * s;
        var x = Uniform(count, 1, -2f, 3f);
        var dy = Uniform(count, 2);
        var gamma = Uniform(c, 3);
        var beta = Uniform(c, 4);

        float[] Run(int threads)
        {
            float[] result = [];
            WithThreads(threads, () =>
            {
                var (y, mean, invStd, rm, rv) = BatchNormCpuTests.Forward(x, n, c, s, gamma, beta);
                var dx = new float[count];
                var dg = new float[c];
                var db = new float[c];
                BatchNormCpu.BackwardTraining(x, dy, n, c, s, gamma, mean, invStd, dx, dg, db);
                var inference = new float[count];
                BatchNormCpu.ForwardInference(x, n, c, s, gamma, beta, rm, rv, 1e-3f, inference);
                result = [.. y, .. mean, .. invStd, .. rm, .. rv, .. dx, .. dg, .. db, .. inference];
            });
            return result;
        }

        AssertBitwiseEqual(Run(1), Run(2), "batch norm");
    }

    [Fact]
    public void LocalResponseNormIsIdenticalForOneAndTwoThreads()
    {
        const int n = 2, c = 16, s = 1500;
        var x = Uniform(n * c * s, 5, -2f, 2f);
        var dy = Uniform(n * c * s, 6);

        float[] Run(int threads)
        {
            var y = new float[x.Length];
            var scale = new float[x.Length];
            var dx = new float[x.Length];
            WithThreads(threads, () =>
            {
                LocalResponseNormCpu.Forward(x, n, c, s, 5, 1e-4f, 0.75f, 2f, y, scale);
                LocalResponseNormCpu.Backward(x, y, scale, dy, n, c, s, 5, 1e-4f, 0.75f, 2f, dx);
            });
            return [.. y, .. scale, .. dx];
        }

        AssertBitwiseEqual(Run(1), Run(2), "lrn");
    }
}
