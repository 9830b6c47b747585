using ConvKit.Kernels.Cpu.Pooling;
using ConvKit.Tests.Kernels.Elementwise;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Pooling;

[Collection(ThreadCountCollection.Name)]
public class PoolingThreadingTests
{
    [Theory]
    [InlineData(2, 2, 2, 0)]
    [InlineData(3, 3, 2, 1)]
    public void PoolingIsIdenticalForOneAndTwoThreads(int pool, int pool2, int stride, int pad)
    {
        const int planes = 37;
        var g = Pool2DGeometry.Create(33, 34, pool, pool2, stride, stride, pad, pad, pad, pad);
        var x = Uniform(planes * g.InputPlaneSize, 1, -2f, 2f);
        var dy = Uniform(planes * g.OutputPlaneSize, 2);

        float[] Run(int threads, int which)
        {
            var y = new float[planes * g.OutputPlaneSize];
            var arg = new int[y.Length];
            var dx = new float[x.Length];
            WithThreads(threads, () =>
            {
                switch (which)
                {
                    case 0:
                        MaxPool2DCpu.Forward(x, planes, g, y, arg);
                        MaxPool2DCpu.Backward(dy, arg, planes, g, dx);
                        break;
                    case 1:
                        AvgPool2DCpu.Forward(x, planes, g, false, y);
                        AvgPool2DCpu.Backward(dy, planes, g, false, dx);
                        break;
                    default:
                        GlobalAvgPoolCpu.Forward(x, planes, g.InputPlaneSize, y);
                        GlobalAvgPoolCpu.Backward(dy, planes, g.InputPlaneSize, dx);
                        break;
                }
            });
            return [.. y, .. arg.Select(a => (float)a), .. dx];
        }

        for (var which = 0; which < 3; which++)
        {
            AssertBitwiseEqual(Run(1, which), Run(2, which), $"kernel {which}");
        }
    }
}
