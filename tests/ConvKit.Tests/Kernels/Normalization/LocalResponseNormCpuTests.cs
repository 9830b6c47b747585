using ConvKit.Kernels.Cpu.Normalization;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Normalization;

public class LocalResponseNormCpuTests
{
    internal static float[] Forward(float[] x, int n, int c, int s, int size, float alpha, float beta, float k)
    {
        var y = new float[x.Length];
        LocalResponseNormCpu.Forward(x, n, c, s, size, alpha, beta, k, y, new float[x.Length]);
        return y;
    }

    [Fact]
    public void OddWindowByHand()
    {
        // size 3, alpha / size = 1, beta = 1, k = 1 over channels 1, 2, 3.
        var y = new float[3];
        var scale = new float[3];
        LocalResponseNormCpu.Forward([1f, 2f, 3f], 1, 3, 1, 3, 3f, 1f, 1f, y, scale);
        Assert.Equal([6f, 15f, 14f], scale); // 1 + (1 + 4), 1 + (1 + 4 + 9), 1 + (4 + 9)
        AssertClose([1f / 6, 2f / 15, 3f / 14], y, 0, 1e-6);
    }

    [Fact]
    public void EvenWindowLooksOneChannelBack()
    {
        // size 2: the window of channel c is [c - 1, c] (PyTorch pads size/2 before and (size-1)/2 after).
        var y = new float[3];
        var scale = new float[3];
        LocalResponseNormCpu.Forward([1f, 2f, 3f], 1, 3, 1, 2, 2f, 1f, 1f, y, scale);
        Assert.Equal([2f, 6f, 14f], scale);
        AssertClose([0.5f, 1f / 3, 3f / 14], y, 0, 1e-6);
    }

    [Fact]
    public void AlexNetSettingsByHand()
    {
        // One channel, size 5: scale = 2 + 1e-4 / 5 * 100 = 2.002, y = 10 * 2.002^-0.75.
        var y = new float[1];
        var scale = new float[1];
        LocalResponseNormCpu.Forward([10f], 1, 1, 1, 5, 1e-4f, 0.75f, 2f, y, scale);
        Assert.Equal(2.002f, scale[0], 1e-6f);
        Assert.Equal(10 * Math.Pow(2.002, -0.75), y[0], 1e-5);
    }

    [Theory]
    [InlineData(0.75f)]
    [InlineData(0.5f)]
    [InlineData(1f)]
    [InlineData(0.6f)]
    public void MatchesReference(float beta)
    {
        var seed = 0;
        foreach (var size in new[] { 1, 2, 3, 4, 5 })
        {
            foreach (var (n, c, s) in new[] { (1, 1, 1), (2, 2, 3), (1, 5, 7), (2, 7, 300) })
            {
                var count = n * c * s;
                var x = Uniform(count, ++seed, -3f, 3f);
                const float alpha = 0.3f, k = 1.5f;
                var y = Guarded(count);
                var scale = Guarded(count);
                var yRef = new float[count];
                var scaleRef = new float[count];
                LocalResponseNormCpu.Forward(x, n, c, s, size, alpha, beta, k, y, scale);
                NormalizationReference.LrnForward(x, n, c, s, size, alpha, beta, k, yRef, scaleRef);
                var what = $"size {size} beta {beta} ({n},{c},{s})";
                AssertClose(scaleRef, scale, 1e-6, 1e-6, "scale " + what);
                AssertClose(yRef, y, 1e-6, 2e-6, "y " + what);
                AssertGuardIntact(y, count);
                AssertGuardIntact(scale, count);

                var dy = Uniform(count, ++seed);
                var dx = Guarded(count);
                var dxRef = new float[count];
                LocalResponseNormCpu.Backward(x, yRef, scaleRef, dy, n, c, s, size, alpha, beta, k, dx);
                NormalizationReference.LrnBackward(x, yRef, scaleRef, dy, n, c, s, size, alpha, beta, k, dxRef);
                AssertClose(dxRef, dx, 1e-6, 2e-6, "dx " + what);
                AssertGuardIntact(dx, count);
            }
        }
    }

    [Theory]
    [InlineData(2, 0.75f)]
    [InlineData(3, 0.75f)]
    [InlineData(4, 0.6f)]
    [InlineData(5, 0.75f)]
    [InlineData(5, 1.3f)]
    public void BackwardMatchesCentralDifferences(int size, float beta)
    {
        const int n = 2, c = 6, s = 3;
        const float alpha = 0.5f, k = 1f;
        var x = Uniform(n * c * s, size, -2f, 2f);
        var w = Uniform(n * c * s, size + 10);
        var y = new float[x.Length];
        var scale = new float[x.Length];
        var dx = new float[x.Length];
        LocalResponseNormCpu.Forward(x, n, c, s, size, alpha, beta, k, y, scale);
        LocalResponseNormCpu.Backward(x, y, scale, w, n, c, s, size, alpha, beta, k, dx);
        CheckGradient(x, p => Dot(w, Forward(p, n, c, s, size, alpha, beta, k)), dx, $"lrn size {size} beta {beta}");
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var x = new float[6];
        Assert.Throws<ArgumentOutOfRangeException>(() => LocalResponseNormCpu.Forward(x, 1, 2, 3, 0, 1f, 1f, 1f, new float[6], new float[6]));
        Assert.Throws<ArgumentException>(() => LocalResponseNormCpu.Forward(x, 1, 2, 3, 3, 1f, 1f, 1f, x, new float[6]));
        Assert.Throws<ArgumentException>(() => LocalResponseNormCpu.Forward(x, 1, 2, 3, 3, 1f, 1f, 1f, new float[5], new float[6]));
    }
}
