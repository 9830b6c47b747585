using ConvKit.Kernels.Cpu.Activations;
using ConvKit.Tests.Kernels.Elementwise;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Activations;

internal delegate void UnaryKernel(ReadOnlySpan<float> x, Span<float> y);

internal delegate void BinaryKernel(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);

public class ActivationsCpuTests
{
    private const float Alpha = 0.1f;
    private const float A = 1.7159f;
    private const float S = 2f / 3f;

    public static TheoryData<string> UnaryNames => new() { "Relu", "Rectified", "LeakyRelu", "Sigmoid", "Tanh", "ScaledTanh" };

    public static TheoryData<string> BinaryNames => new() { "ReluBackward", "Guided", "LeakyReluBackward", "SigmoidBackward", "TanhBackward", "ScaledTanhBackward" };

    internal static (UnaryKernel Fast, UnaryKernel Reference, double Tolerance) Unary(string name) => name switch
    {
        "Relu" => (ActivationsCpu.Relu, ActivationsReference.Relu, 0),
        "Rectified" => (ActivationsCpu.ReluBackwardRectified, ActivationsReference.ReluBackwardRectified, 0),
        "LeakyRelu" => ((x, y) => ActivationsCpu.LeakyRelu(x, Alpha, y), (x, y) => ActivationsReference.LeakyRelu(x, Alpha, y), 0),
        "Sigmoid" => (ActivationsCpu.Sigmoid, ActivationsReference.Sigmoid, 3e-7),
        "Tanh" => (ActivationsCpu.Tanh, ActivationsReference.Tanh, 3e-7),
        "ScaledTanh" => ((x, y) => ActivationsCpu.ScaledTanh(x, A, S, y), (x, y) => ActivationsReference.ScaledTanh(x, A, S, y), 5e-7),
        _ => throw new ArgumentException(name),
    };

    internal static (BinaryKernel Fast, BinaryKernel Reference, double Tolerance) Binary(string name) => name switch
    {
        "ReluBackward" => (ActivationsCpu.ReluBackward, ActivationsReference.ReluBackward, 0),
        "Guided" => (ActivationsCpu.ReluBackwardGuided, ActivationsReference.ReluBackwardGuided, 0),
        "LeakyReluBackward" => ((x, dy, dx) => ActivationsCpu.LeakyReluBackward(x, dy, Alpha, dx), (x, dy, dx) => ActivationsReference.LeakyReluBackward(x, dy, Alpha, dx), 0),
        "SigmoidBackward" => (ActivationsCpu.SigmoidBackward, ActivationsReference.SigmoidBackward, 1e-6),
        "TanhBackward" => (ActivationsCpu.TanhBackward, ActivationsReference.TanhBackward, 1e-6),
        "ScaledTanhBackward" => ((y, dy, dx) => ActivationsCpu.ScaledTanhBackward(y, dy, A, S, dx), (y, dy, dx) => ActivationsReference.ScaledTanhBackward(y, dy, A, S, dx), 2e-6),
        _ => throw new ArgumentException(name),
    };

    [Fact]
    public void HandComputedForwardValues()
    {
        float[] x = [-2f, -0.5f, 0f, 0.5f, 3f];
        var y = new float[5];
        ActivationsCpu.Relu(x, y);
        Assert.Equal([0f, 0f, 0f, 0.5f, 3f], y);
        ActivationsCpu.LeakyRelu(x, 0.1f, y);
        Assert.Equal([-0.2f, -0.05f, 0f, 0.5f, 3f], y);
        ActivationsCpu.Sigmoid([0f, MathF.Log(3f)], y);
        Assert.Equal(0.5f, y[0]);
        Assert.Equal(0.75f, y[1], 1e-6f);
        ActivationsCpu.Tanh([0f, MathF.Log(2f)], y);
        Assert.Equal(0f, y[0]);
        Assert.Equal(0.6f, y[1], 1e-6f); // tanh(ln 2) = (2 - 1/2) / (2 + 1/2)
        // LeCun's scaled tanh maps 1 to about 1.
        ActivationsCpu.ScaledTanh([1f, -1f], 1.7159f, 2f / 3f, y);
        Assert.Equal(1f, y[0], 1e-4f);
        Assert.Equal(-1f, y[1], 1e-4f);
    }

    [Fact]
    public void HandComputedBackwardValues()
    {
        float[] y = [1f, 1f, 0f, -1f, 2f];
        float[] dy = [2f, -3f, 4f, 5f, 0f];
        var dx = new float[5];
        ActivationsCpu.ReluBackward(y, dy, dx);
        Assert.Equal([2f, -3f, 0f, 0f, 0f], dx);
        ActivationsCpu.ReluBackwardGuided(y, dy, dx);
        Assert.Equal([2f, 0f, 0f, 0f, 0f], dx);
        ActivationsCpu.ReluBackwardRectified(dy, dx);
        Assert.Equal([2f, 0f, 4f, 5f, 0f], dx);
        ActivationsCpu.LeakyReluBackward(y, dy, 0.5f, dx);
        Assert.Equal([2f, -3f, 2f, 2.5f, 0f], dx);
        ActivationsCpu.SigmoidBackward([0.5f, 0.25f], [1f, 2f], dx);
        Assert.Equal(0.25f, dx[0]);
        Assert.Equal(0.375f, dx[1]);
        ActivationsCpu.TanhBackward([0.5f], [2f], dx);
        Assert.Equal(1.5f, dx[0]);
        ActivationsCpu.ScaledTanhBackward([1f], [1f], 2f, 3f, dx); // t = 0.5: 2 * 3 * 0.75
        Assert.Equal(4.5f, dx[0]);
    }

    [Fact]
    public void ReluPropagatesNaNAndClearsNegativeZero()
    {
        var y = new float[2];
        ActivationsCpu.Relu([float.NaN, -0f], y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(0, BitConverter.SingleToInt32Bits(y[1]));
    }

    [Fact]
    public void SoftmaxHandComputed()
    {
        // exp(0) : exp(ln 2) : exp(ln 3) = 1 : 2 : 3; huge equal logits must not overflow.
        float[] x = [0f, MathF.Log(2f), MathF.Log(3f), 1000f, 1000f, -1000f];
        var y = new float[6];
        ActivationsCpu.Softmax(x, 2, 3, y);
        AssertClose([1f / 6, 2f / 6, 3f / 6, 0.5f, 0.5f, 0f], y, 1e-7, 1e-6, "softmax");

        var dx = new float[2];
        ActivationsCpu.SoftmaxBackward([0.5f, 0.5f], [1f, 0f], 1, 2, dx);
        Assert.Equal([0.25f, -0.25f], dx);
    }

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryMatchesReferenceOnAwkwardLengths(string name)
    {
        var (fast, reference, tol) = Unary(name);
        foreach (var n in AwkwardLengths())
        {
            var x = Uniform(n, n + 1, -4f, 4f);
            var expected = new float[n];
            reference(x, expected);
            var y = Guarded(n);
            fast(x, y);
            AssertClose(expected, y, tol, tol, $"{name} n={n}");
            AssertGuardIntact(y, n);

            // In place.
            var inPlace = (float[])x.Clone();
            fast(inPlace, inPlace);
            AssertBitwiseEqual(y.AsSpan(0, n), inPlace, $"{name} in place n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryMatchesReferenceOnAwkwardLengths(string name)
    {
        var (fast, reference, tol) = Binary(name);
        foreach (var n in AwkwardLengths())
        {
            // y-like inputs in (-0.95, 0.95) so 1 - y^2 is well conditioned; includes exact zeros for the ReLU rules.
            var a = Uniform(n, 2 * n + 1, -0.95f, 0.95f);
            var b = Uniform(n, 2 * n + 2, -3f, 3f);
            for (var i = 0; i < n; i += 7)
            {
                a[i] = 0f;
            }
            var expected = new float[n];
            reference(a, b, expected);
            var dx = Guarded(n);
            fast(a, b, dx);
            AssertClose(expected, dx, tol, tol, $"{name} n={n}");
            AssertGuardIntact(dx, n);

            var inPlace = (float[])b.Clone();
            fast(a, inPlace, inPlace);
            AssertBitwiseEqual(dx.AsSpan(0, n), inPlace, $"{name} in place n={n}");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 10)]
    [InlineData(2, 33)]
    [InlineData(64, 1000)]
    public void SoftmaxMatchesReference(int rows, int cols)
    {
        var x = Uniform(rows * cols, rows + cols, -6f, 6f);
        var expected = new float[rows * cols];
        ActivationsReference.Softmax(x, rows, cols, expected);
        var y = Guarded(rows * cols);
        ActivationsCpu.Softmax(x, rows, cols, y);
        AssertClose(expected, y, 1e-8, 2e-6, "softmax");
        AssertGuardIntact(y, rows * cols);

        var dy = Uniform(rows * cols, 99, -1f, 1f);
        ActivationsReference.SoftmaxBackward(expected, dy, rows, cols, expected);
        var dx = Guarded(rows * cols);
        ActivationsCpu.SoftmaxBackward(y, dy, rows, cols, dx);
        AssertClose(expected, dx, 1e-7, 1e-5, "softmax backward");
        AssertGuardIntact(dx, rows * cols);

        // In place: y overwritten by its own gradient.
        ActivationsCpu.SoftmaxBackward(y, dy, rows, cols, y);
        AssertBitwiseEqual(dx.AsSpan(0, rows * cols), y.AsSpan(0, rows * cols), "in place");
    }

    [Fact]
    public void SoftmaxSumsToOneAndAcceptsEmpty()
    {
        var x = Uniform(10 * 17, 5, -30f, 30f);
        var y = new float[x.Length];
        ActivationsCpu.Softmax(x, 10, 17, y);
        for (var r = 0; r < 10; r++)
        {
            Assert.Equal(1.0, y.AsSpan(r * 17, 17).ToArray().Sum(v => (double)v), 1e-6);
        }
        ActivationsCpu.Softmax([], 0, 5, []);
        ActivationsCpu.Softmax([], 4, 0, []);
    }

    [Fact]
    public void BackwardKernelsMatchCentralDifferences()
    {
        const int n = 23;
        var w = Uniform(n, 7, -1f, 1f);
        var x = AwayFrom(n, 8, 0f, 0.05f, 2f);
        var y = new float[n];
        var dx = new float[n];

        ActivationsCpu.Relu(x, y);
        ActivationsCpu.ReluBackward(y, w, dx);
        CheckGradient(x, p => Dot(w, Forward(p, ActivationsCpu.Relu)), dx, "relu");

        ActivationsCpu.LeakyReluBackward(x, w, Alpha, dx);
        CheckGradient(x, p => Dot(w, Forward(p, (a, b) => ActivationsCpu.LeakyRelu(a, Alpha, b))), dx, "leaky relu");

        ActivationsCpu.Sigmoid(x, y);
        ActivationsCpu.SigmoidBackward(y, w, dx);
        CheckGradient(x, p => Dot(w, Forward(p, ActivationsCpu.Sigmoid)), dx, "sigmoid");

        ActivationsCpu.Tanh(x, y);
        ActivationsCpu.TanhBackward(y, w, dx);
        CheckGradient(x, p => Dot(w, Forward(p, ActivationsCpu.Tanh)), dx, "tanh");

        ActivationsCpu.ScaledTanh(x, A, S, y);
        ActivationsCpu.ScaledTanhBackward(y, w, A, S, dx);
        CheckGradient(x, p => Dot(w, Forward(p, (a, b) => ActivationsCpu.ScaledTanh(a, A, S, b))), dx, "scaled tanh");
    }

    [Fact]
    public void SoftmaxBackwardMatchesCentralDifferences()
    {
        const int rows = 3, cols = 7;
        var x = Uniform(rows * cols, 11, -2f, 2f);
        var w = Uniform(rows * cols, 12, -1f, 1f);
        var y = new float[rows * cols];
        var dx = new float[rows * cols];
        ActivationsCpu.Softmax(x, rows, cols, y);
        ActivationsCpu.SoftmaxBackward(y, w, rows, cols, dx);
        CheckGradient(x, p => Dot(w, Forward(p, (a, b) => ActivationsCpu.Softmax(a, rows, cols, b))), dx, "softmax", abs: 5e-4);
    }

    [Fact]
    public void RejectsMismatchedAndOverlappingSpans()
    {
        var buf = new float[20];
        Assert.Throws<ArgumentException>(() => ActivationsCpu.Relu(new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => ActivationsCpu.ReluBackward(new float[5], new float[6], new float[6]));
        Assert.Throws<ArgumentException>(() => ActivationsCpu.Sigmoid(buf.AsSpan(0, 10), buf.AsSpan(1, 10)));
        Assert.Throws<ArgumentException>(() => ActivationsCpu.TanhBackward(buf.AsSpan(0, 10), buf.AsSpan(10, 10), buf.AsSpan(5, 10)));
        Assert.Throws<ArgumentException>(() => ActivationsCpu.Softmax(new float[5], 2, 3, new float[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationsCpu.Softmax([], -1, 3, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationsCpu.ScaledTanhBackward([1f], [1f], 0f, 1f, new float[1]));
    }

    internal static float[] Forward(float[] x, UnaryKernel kernel)
    {
        var y = new float[x.Length];
        kernel(x, y);
        return y;
    }
}
