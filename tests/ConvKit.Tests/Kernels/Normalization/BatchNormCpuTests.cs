using ConvKit.Kernels.Cpu.Normalization;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Normalization;

public class BatchNormCpuTests
{
    public static IEnumerable<(int N, int C, int S)> Shapes() =>
    [
        (1, 1, 1), (2, 1, 1), (3, 5, 1), (7, 65, 1), (5, 130, 1), (1, 3, 2), (2, 3, 7), (4, 2, 49), (3, 17, 13), (2, 1, 300),
    ];

    /// <summary>Training forward into fresh buffers; returns (y, savedMean, savedInvStd, runningMean, runningVar).</summary>
    internal static (float[] Y, float[] Mean, float[] InvStd, float[] RunMean, float[] RunVar) Forward(float[] x, int n, int c, int s, float[] gamma, float[] beta,
        float epsilon = 1e-3f, float momentum = 0.9f, bool reference = false)
    {
        var y = new float[n * c * s];
        var mean = new float[c];
        var invStd = new float[c];
        var runMean = Enumerable.Repeat(0.5f, c).ToArray();
        var runVar = Enumerable.Repeat(2f, c).ToArray();
        if (reference)
        {
            NormalizationReference.BatchNormForwardTraining(x, n, c, s, gamma, beta, epsilon, momentum, runMean, runVar, mean, invStd, y);
        }
        else
        {
            BatchNormCpu.ForwardTraining(x, n, c, s, gamma, beta, epsilon, momentum, runMean, runVar, mean, invStd, y);
        }
        return (y, mean, invStd, runMean, runVar);
    }

    [Fact]
    public void TrainingStatisticsByHand()
    {
        // x (N=2, C=2, S=2): channel 0 holds 1, 2 | 3, 4; channel 1 is constant 7.
        float[] x = [1, 2, 7, 7, 3, 4, 7, 7];
        float[] gamma = [2f, 5f];
        float[] beta = [1f, -1f];
        var y = new float[8];
        float[] runMean = [0f, 10f];
        float[] runVar = [1f, 1f];
        var mean = new float[2];
        var invStd = new float[2];
        BatchNormCpu.ForwardTraining(x, 2, 2, 2, gamma, beta, 0.25f, 0.9f, runMean, runVar, mean, invStd, y);

        // Channel 0: mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, invStd = 1 / sqrt(1.5).
        var inv0 = 1 / Math.Sqrt(1.25 + 0.25);
        Assert.Equal(2.5f, mean[0]);
        Assert.Equal(inv0, invStd[0], 1e-6);
        Assert.Equal(0.25, runMean[0], 1e-6); // 0.9 * 0 + 0.1 * 2.5
        Assert.Equal(1.025, runVar[0], 1e-6); // 0.9 * 1 + 0.1 * 1.25
        AssertClose([(float)(2 * -1.5 * inv0 + 1), (float)(2 * -0.5 * inv0 + 1), (float)(2 * 0.5 * inv0 + 1), (float)(2 * 1.5 * inv0 + 1)],
            [y[0], y[1], y[4], y[5]], 1e-6, 1e-6, "channel 0");

        // Channel 1: zero variance, y = beta; invStd = 1 / sqrt(eps) = 2.
        Assert.Equal(7f, mean[1]);
        Assert.Equal(2f, invStd[1]);
        Assert.Equal([-1f, -1f, -1f, -1f], new[] { y[2], y[3], y[6], y[7] });
        Assert.Equal(9.7, runMean[1], 1e-6);
        Assert.Equal(0.9, runVar[1], 1e-6);
    }

    [Fact]
    public void DenseInputsByHand()
    {
        // x (N=4, C=2) with S = 1: column 0 is 0, 2, 4, 6 (mean 3, variance 5), column 1 is -1, 1, -1, 1 (mean 0, variance 1).
        float[] x = [0, -1, 2, 1, 4, -1, 6, 1];
        var (y, mean, invStd, _, _) = Forward(x, 4, 2, 1, [1f, 1f], [0f, 0f], epsilon: 0f);
        Assert.Equal([3f, 0f], mean);
        AssertClose([(float)(1 / Math.Sqrt(5)), 1f], invStd, 0, 1e-6, "invStd");
        var s5 = (float)Math.Sqrt(5);
        AssertClose([-3 / s5, -1, -1 / s5, 1, 1 / s5, -1, 3 / s5, 1], y, 1e-6, 1e-6, "y");
    }

    [Fact]
    public void InferenceByHand()
    {
        float[] x = [5f, 1f, 9f, 3f];
        var y = new float[4];
        // (N=2, C=2, S=1); channel 0: (x - 1) / sqrt(3 + 1) * 2 + 0.5; channel 1: (x + 1) / sqrt(0 + 1) * -1 + 0
        BatchNormCpu.ForwardInference(x, 2, 2, 1, [2f, -1f], [0.5f, 0f], [1f, -1f], [3f, 0f], 1f, y);
        Assert.Equal([4.5f, -2f, 8.5f, -4f], y);
    }

    [Fact]
    public void BackwardByHandAndByInvariants()
    {
        const int n = 3, c = 2, s = 4;
        var x = Uniform(n * c * s, 1, -2f, 2f);
        float[] gamma = [1.5f, -0.5f];
        // epsilon = 0 so that xhat has unit variance exactly and the invariants below hold.
        var (_, mean, invStd, _, _) = Forward(x, n, c, s, gamma, [0f, 0f], epsilon: 0f);

        // A constant upstream gradient only moves beta: dx = 0, dGamma += 0, dBeta += M * constant.
        var dy = Enumerable.Repeat(0.5f, n * c * s).ToArray();
        var dx = new float[n * c * s];
        float[] dGamma = [10f, 20f];
        float[] dBeta = [1f, 2f];
        BatchNormCpu.BackwardTraining(x, dy, n, c, s, gamma, mean, invStd, dx, dGamma, dBeta);
        AssertClose(new float[n * c * s], dx, 1e-6, 0, "dx");
        AssertClose([10f, 20f], dGamma, 1e-5, 0, "dGamma");
        Assert.Equal([1f + 6f, 2f + 6f], dBeta);

        // For any dy, per channel: sum dx = 0 and sum dx * xhat = 0 (the normalisation removes both directions).
        dy = Uniform(n * c * s, 2);
        BatchNormCpu.BackwardTraining(x, dy, n, c, s, gamma, mean, invStd, dx, dGamma, dBeta);
        for (var ch = 0; ch < c; ch++)
        {
            double sum = 0, dot = 0;
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    var idx = (i * c + ch) * s + k;
                    sum += dx[idx];
                    dot += dx[idx] * (x[idx] - mean[ch]) * invStd[ch];
                }
            }
            Assert.Equal(0, sum, 1e-5);
            Assert.Equal(0, dot, 1e-5);
        }
    }

    [Fact]
    public void MatchesReferenceOnAwkwardShapes()
    {
        var seed = 0;
        foreach (var (n, c, s) in Shapes())
        {
            var count = n * c * s;
            var x = Uniform(count, ++seed, -3f, 5f);
            var gamma = Uniform(c, ++seed, 0.5f, 2f);
            var beta = Uniform(c, ++seed);
            var fast = Forward(x, n, c, s, gamma, beta);
            var slow = Forward(x, n, c, s, gamma, beta, reference: true);
            var what = $"({n},{c},{s})";
            AssertClose(slow.Y, fast.Y, 2e-6, 2e-6, "y " + what);
            AssertClose(slow.Mean, fast.Mean, 1e-7, 1e-7, "mean " + what);
            AssertClose(slow.InvStd, fast.InvStd, 1e-7, 1e-7, "invStd " + what);
            AssertClose(slow.RunMean, fast.RunMean, 1e-7, 1e-7, "running mean " + what);
            AssertClose(slow.RunVar, fast.RunVar, 1e-7, 1e-7, "running var " + what);

            var dy = Uniform(count, ++seed);
            var dxFast = Guarded(count);
            var dxSlow = new float[count];
            var dgFast = Uniform(c, ++seed);
            var dbFast = Uniform(c, ++seed);
            var dgSlow = (float[])dgFast.Clone();
            var dbSlow = (float[])dbFast.Clone();
            BatchNormCpu.BackwardTraining(x, dy, n, c, s, gamma, fast.Mean, fast.InvStd, dxFast, dgFast, dbFast);
            NormalizationReference.BatchNormBackwardTraining(x, dy, n, c, s, gamma, fast.Mean, fast.InvStd, dxSlow, dgSlow, dbSlow);
            AssertClose(dxSlow, dxFast, 2e-6, 2e-5, "dx " + what);
            AssertGuardIntact(dxFast, count);
            AssertClose(dgSlow, dgFast, 1e-5, 1e-6, "dGamma " + what);
            AssertClose(dbSlow, dbFast, 1e-5, 1e-6, "dBeta " + what);

            var inferFast = Guarded(count);
            var inferSlow = new float[count];
            BatchNormCpu.ForwardInference(x, n, c, s, gamma, beta, fast.RunMean, fast.RunVar, 1e-3f, inferFast);
            NormalizationReference.BatchNormForwardInference(x, n, c, s, gamma, beta, fast.RunMean, fast.RunVar, 1e-3f, inferSlow);
            AssertClose(inferSlow, inferFast, 2e-6, 2e-6, "inference " + what);
            AssertGuardIntact(inferFast, count);
        }
    }

    [Fact]
    public void InPlaceForwardAndBackward()
    {
        const int n = 3, c = 4, s = 5;
        var x = Uniform(n * c * s, 3);
        var gamma = Uniform(c, 4);
        var beta = Uniform(c, 5);
        var expected = Forward(x, n, c, s, gamma, beta);
        var inPlace = (float[])x.Clone();
        BatchNormCpu.ForwardTraining(inPlace, n, c, s, gamma, beta, 1e-3f, 0.9f, new float[c], new float[c], new float[c], new float[c], inPlace);
        AssertBitwiseEqual(expected.Y, inPlace, "forward in place");

        var dy = Uniform(n * c * s, 6);
        var dx = new float[n * c * s];
        BatchNormCpu.BackwardTraining(x, dy, n, c, s, gamma, expected.Mean, expected.InvStd, dx, new float[c], new float[c]);
        BatchNormCpu.BackwardTraining(x, dy, n, c, s, gamma, expected.Mean, expected.InvStd, dy, new float[c], new float[c]);
        AssertBitwiseEqual(dx, dy, "backward in place");
    }

    [Theory]
    [InlineData(3, 2, 4)]
    [InlineData(5, 3, 1)]
    public void GradientsMatchCentralDifferences(int n, int c, int s)
    {
        var count = n * c * s;
        var x = Uniform(count, 10, -2f, 2f);
        var gamma = Uniform(c, 11, 0.5f, 1.5f);
        var beta = Uniform(c, 12);
        var w = Uniform(count, 13);
        var (_, mean, invStd, _, _) = Forward(x, n, c, s, gamma, beta);
        var dx = new float[count];
        var dGamma = new float[c];
        var dBeta = new float[c];
        BatchNormCpu.BackwardTraining(x, w, n, c, s, gamma, mean, invStd, dx, dGamma, dBeta);

        CheckGradient(x, p => Dot(w, Forward(p, n, c, s, gamma, beta).Y), dx, "dx", abs: 3e-3, rel: 3e-3);
        CheckGradient(gamma, p => Dot(w, Forward(x, n, c, s, p, beta).Y), dGamma, "dGamma");
        CheckGradient(beta, p => Dot(w, Forward(x, n, c, s, gamma, p).Y), dBeta, "dBeta");
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var x = new float[12];
        var c3 = new float[3];
        Assert.Throws<ArgumentException>(() => BatchNormCpu.ForwardTraining(x, 0, 3, 4, c3, c3, 1e-3f, 0.9f, c3, c3, c3, c3, x));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNormCpu.ForwardTraining(x, 1, 3, 4, c3, c3, -1f, 0.9f, c3, c3, c3, c3, new float[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNormCpu.ForwardTraining(x, 1, 3, 4, c3, c3, 1e-3f, 1.5f, c3, c3, c3, c3, new float[12]));
        Assert.Throws<ArgumentException>(() => BatchNormCpu.ForwardTraining(x, 1, 3, 4, new float[2], c3, 1e-3f, 0.9f, c3, c3, c3, c3, new float[12]));
        Assert.Throws<ArgumentException>(() => BatchNormCpu.ForwardInference(x, 1, 3, 4, c3, c3, c3, c3, 1e-3f, new float[11]));
    }
}
