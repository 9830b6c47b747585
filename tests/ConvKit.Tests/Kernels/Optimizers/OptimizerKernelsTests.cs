using ConvKit.Kernels.Cpu.Optimizers;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Optimizers;

public class OptimizerKernelsTests
{
    [Fact]
    public void AdamFirstStepMovesEachParameterByAboutTheLearningRate()
    {
        float[] p = [1f, 1f, 1f, 1f];
        float[] g = [0.5f, -2f, 1e-3f, 30f];
        var m = new float[4];
        var v = new float[4];
        OptimizerKernels.Adam(p, g, m, v, 0.01f, 0.9f, 0.999f, 1e-7f, 1, 0f, false);
        // t = 1: m = 0.1 g, v = 0.001 g^2, alpha = lr * sqrt(0.001) / 0.1, so the step is lr * g / (|g| + eps / sqrt(0.001)).
        AssertClose([0.99f, 1.01f, 0.99f, 0.99f], p, 5e-5, 0, "p");
        AssertClose([0.05f, -0.2f, 1e-4f, 3f], m, 1e-8, 1e-6, "m");
        // 1 - 0.999f is 9.99987e-4 in float32, as it is in Keras.
        AssertClose([0.00025f, 0.004f, 1e-9f, 0.9f], v, 1e-12, 2e-5, "v");
    }

    [Fact]
    public void AdamMatchesTheTextbookFormOverSeveralSteps()
    {
        // Kingma and Ba: m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t), p -= lr * m_hat / (sqrt(v_hat) + eps_hat), where
        // Keras's epsilon corresponds to eps_hat = eps / sqrt(1 - b2^t).
        const float lr = 0.05f, b1 = 0.8f, b2 = 0.99f, eps = 1e-4f;
        float[] p = [0.3f, -1.2f, 2f];
        var m = new float[3];
        var v = new float[3];
        double[] pd = [0.3, -1.2, 2.0];
        var md = new double[3];
        var vd = new double[3];
        for (var t = 1; t <= 5; t++)
        {
            var g = p.Select(x => 2 * x - 1f).ToArray(); // gradient of (x - 1/2)^2 + const
            OptimizerKernels.Adam(p, g, m, v, lr, b1, b2, eps, t, 0f, false);
            for (var i = 0; i < 3; i++)
            {
                var gd = (double)g[i];
                md[i] = b1 * md[i] + (1 - b1) * gd;
                vd[i] = b2 * vd[i] + (1 - b2) * gd * gd;
                var bc1 = 1 - Math.Pow(b1, t);
                var bc2 = 1 - Math.Pow(b2, t);
                pd[i] -= lr * (md[i] / bc1) / (Math.Sqrt(vd[i] / bc2) + eps / Math.Sqrt(bc2));
            }
            AssertClose(pd.Select(x => (float)x).ToArray(), p, 1e-6, 1e-5, $"step {t}");
        }
    }

    [Fact]
    public void AdamNeverLeavesSubnormalMoments()
    {
        // 37 weights (vector lanes and a scalar tail) whose gradient goes to 0 after one step, as a weight fed by a
        // dead unit: m shrinks by beta1 per step and would turn subnormal after some 700 steps, and m * alpha some 65
        // steps before that; m goes to 0 below the floor instead, and v keeps its (normal) value until it would too.
        const int n = 37;
        var p = Enumerable.Repeat(0.5f, n).ToArray();
        var m = new float[n];
        var v = new float[n];
        var g = Enumerable.Range(0, n).Select(i => 1e-6f * (i + 1)).ToArray();
        var zero = new float[n];
        var reference = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone());
        for (var step = 1; step <= 1500; step++)
        {
            var grad = step == 1 ? g : zero;
            OptimizerKernels.Adam(p, grad, m, v, 1e-3f, 0.9f, 0.999f, 1e-7f, step, 0f, false);
            OptimizerReference.Adam(reference.Item1, grad, reference.Item2, reference.Item3, 1e-3f, 0.9f, 0.999f, 1e-7f, step, 0f, false);
            Assert.All(m.Concat(v), x => Assert.True(x == 0f || float.IsNormal(x), $"step {step}: subnormal moment {x:E}"));
            Assert.All(m, x => Assert.True(x == 0f || MathF.Abs(x) >= OptimizerKernels.MomentFloor, $"step {step}: m = {x:E} below the floor"));
            Assert.All(m, x => Assert.True(x == 0f || float.IsNormal(x * 1e-3f), $"step {step}: m * lr = {x * 1e-3f:E} is subnormal"));
        }
        Assert.All(m, x => Assert.Equal(0f, x));
        Assert.All(v, x => Assert.True(float.IsNormal(x)));
        Assert.Equal(reference.Item1, p);
        Assert.Equal(reference.Item2, m);
        Assert.Equal(reference.Item3, v);
        // An m below the floor moves no weight of ordinary size: flushing it gives the same weights as not.
        Assert.Equal(0.5f, 0.5f - OptimizerKernels.MomentFloor * 1e-3f / (MathF.Sqrt(0f) + 1e-7f));
    }

    [Fact]
    public void SgdMomentumNeverLeavesASubnormalVelocity()
    {
        const int n = 21;
        var p = Enumerable.Repeat(0.25f, n).ToArray();
        var velocity = new float[n];
        var g = Enumerable.Range(0, n).Select(i => 1e-5f * (i + 1)).ToArray();
        var zero = new float[n];
        for (var step = 1; step <= 1500; step++)
        {
            OptimizerKernels.Sgd(p, step == 1 ? g : zero, velocity, 0.01f, 0.9f, nesterov: step % 2 == 0, 0f);
            Assert.All(velocity, x => Assert.True(x == 0f || float.IsNormal(x), $"step {step}: subnormal velocity {x:E}"));
        }
        Assert.All(velocity, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void AdamWeightDecayForms()
    {
        // Decoupled (AdamW): with a zero gradient only the decay acts: p *= 1 - lr * wd.
        float[] p = [2f, -4f];
        OptimizerKernels.Adam(p, [0f, 0f], new float[2], new float[2], 0.1f, 0.9f, 0.999f, 1e-7f, 1, 0.5f, true);
        AssertClose([2f * 0.95f, -4f * 0.95f], p, 1e-6, 0, "AdamW");

        // L2: the decay enters the gradient (g = wd * p), and the first Adam step moves by about lr against it.
        p = [2f, -4f];
        OptimizerKernels.Adam(p, [0f, 0f], new float[2], new float[2], 0.1f, 0.9f, 0.999f, 1e-7f, 1, 0.5f, false);
        AssertClose([1.9f, -3.9f], p, 1e-5, 0, "L2");
    }

    [Fact]
    public void SgdByHand()
    {
        float[] p = [1f];
        OptimizerKernels.Sgd(p, [0.5f], [], 0.1f, 0f, false, 0f);
        Assert.Equal(0.95f, p[0], 1e-7f);
        OptimizerKernels.Sgd(p, [0.5f], [], 0.1f, 0f, false, 0.2f); // g = 0.5 + 0.2 * 0.95
        Assert.Equal(0.95f - 0.1f * (0.5f + 0.19f), p[0], 1e-7f);

        // Classical momentum: v1 = -0.05, p1 = 0.95; v2 = 0.9 * -0.05 - 0.05 = -0.095, p2 = 0.855.
        p = [1f];
        float[] vel = [0f];
        OptimizerKernels.Sgd(p, [0.5f], vel, 0.1f, 0.9f, false, 0f);
        Assert.Equal((0.95f, -0.05f), (p[0], vel[0]));
        OptimizerKernels.Sgd(p, [0.5f], vel, 0.1f, 0.9f, false, 0f);
        Assert.Equal(0.855f, p[0], 1e-7f);
        Assert.Equal(-0.095f, vel[0], 1e-7f);

        // Nesterov: p1 = 1 + (0.9 * -0.05 - 0.05) = 0.905; v2 = -0.095, p2 = 0.905 + (0.9 * -0.095 - 0.05) = 0.7695.
        p = [1f];
        vel = [0f];
        OptimizerKernels.Sgd(p, [0.5f], vel, 0.1f, 0.9f, true, 0f);
        Assert.Equal(0.905f, p[0], 1e-7f);
        OptimizerKernels.Sgd(p, [0.5f], vel, 0.1f, 0.9f, true, 0f);
        Assert.Equal(0.7695f, p[0], 1e-6f);
        Assert.Equal(-0.095f, vel[0], 1e-7f);
    }

    [Fact]
    public void MatchReferenceOnAwkwardLengths()
    {
        foreach (var n in AwkwardLengths())
        {
            var p0 = Uniform(n, n, -2f, 2f);
            var g = Uniform(n, n + 1, -1f, 1f);
            var m0 = Uniform(n, n + 2, -0.1f, 0.1f);
            var v0 = Uniform(n, n + 3, 0f, 0.01f);
            foreach (var (wd, decoupled) in new[] { (0f, false), (0.01f, true), (0.01f, false) })
            {
                var (p1, m1, v1) = ((float[])p0.Clone(), (float[])m0.Clone(), (float[])v0.Clone());
                var (p2, m2, v2) = ((float[])p0.Clone(), (float[])m0.Clone(), (float[])v0.Clone());
                OptimizerKernels.Adam(p1, g, m1, v1, 1e-3f, 0.9f, 0.999f, 1e-7f, 3, wd, decoupled);
                OptimizerReference.Adam(p2, g, m2, v2, 1e-3f, 0.9f, 0.999f, 1e-7f, 3, wd, decoupled);
                var what = $"adam n={n} wd={wd} decoupled={decoupled}";
                AssertBitwiseEqual(p2, p1, what + " p");
                AssertBitwiseEqual(m2, m1, what + " m");
                AssertBitwiseEqual(v2, v1, what + " v");
            }
            foreach (var (momentum, nesterov, wd) in new[] { (0f, false, 0f), (0f, false, 1e-3f), (0.9f, false, 0f), (0.9f, true, 1e-3f) })
            {
                var (p1, m1) = ((float[])p0.Clone(), (float[])m0.Clone());
                var (p2, m2) = ((float[])p0.Clone(), (float[])m0.Clone());
                OptimizerKernels.Sgd(p1, g, m1, 0.01f, momentum, nesterov, wd);
                OptimizerReference.Sgd(p2, g, m2, 0.01f, momentum, nesterov, wd);
                var what = $"sgd n={n} momentum={momentum} nesterov={nesterov} wd={wd}";
                AssertBitwiseEqual(p2, p1, what + " p");
                AssertBitwiseEqual(m2, m1, what + " velocity");
            }
        }
    }

    [Fact]
    public void AdamAndSgdMinimiseAQuadratic()
    {
        // f(p) = sum (p - target)^2 with gradient 2 (p - target).
        var target = Uniform(37, 1, -3f, 3f);
        var adam = new float[37];
        var sgd = new float[37];
        var (m, v, vel) = (new float[37], new float[37], new float[37]);
        var g = new float[37];
        for (var t = 1; t <= 400; t++)
        {
            for (var i = 0; i < 37; i++)
            {
                g[i] = 2 * (adam[i] - target[i]);
            }
            OptimizerKernels.Adam(adam, g, m, v, 0.05f, 0.9f, 0.999f, 1e-7f, t, 0f, false);
            for (var i = 0; i < 37; i++)
            {
                g[i] = 2 * (sgd[i] - target[i]);
            }
            OptimizerKernels.Sgd(sgd, g, vel, 0.05f, 0.9f, true, 0f);
        }
        AssertClose(target, adam, 2e-2, 0, "adam");
        AssertClose(target, sgd, 1e-4, 0, "sgd");
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var a = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerKernels.Adam(a, new float[4], new float[4], new float[4], 0.1f, 0.9f, 0.999f, 1e-7f, 0, 0f, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerKernels.Adam(a, new float[4], new float[4], new float[4], 0.1f, 1f, 0.999f, 1e-7f, 1, 0f, false));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.Adam(a, new float[4], new float[3], new float[4], 0.1f, 0.9f, 0.999f, 1e-7f, 1, 0f, false));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.Adam(a, new float[4], a, new float[4], 0.1f, 0.9f, 0.999f, 1e-7f, 1, 0f, false));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.Sgd(a, new float[4], new float[2], 0.1f, 0.9f, false, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerKernels.Sgd(a, new float[4], new float[4], float.NaN, 0.9f, false, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerKernels.Sgd(a, new float[4], new float[4], 0.1f, -0.5f, false, 0f));
    }
}
