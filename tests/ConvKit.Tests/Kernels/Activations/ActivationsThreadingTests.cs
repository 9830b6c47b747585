using ConvKit.Kernels.Cpu.Activations;
using ConvKit.Tests.Kernels.Elementwise;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Activations;

[Collection(ThreadCountCollection.Name)]
public class ActivationsThreadingTests
{
    private const int Length = 70_001;

    [Theory]
    [MemberData(nameof(ActivationsCpuTests.UnaryNames), MemberType = typeof(ActivationsCpuTests))]
    public void UnaryIsIdenticalForOneAndTwoThreads(string name)
    {
        var (fast, _, _) = ActivationsCpuTests.Unary(name);
        var x = Uniform(Length, 3, -5f, 5f);
        var one = new float[Length];
        var two = new float[Length];
        WithThreads(1, () => fast(x, one));
        WithThreads(2, () => fast(x, two));
        AssertBitwiseEqual(one, two, name);
    }

    [Theory]
    [MemberData(nameof(ActivationsCpuTests.BinaryNames), MemberType = typeof(ActivationsCpuTests))]
    public void BinaryIsIdenticalForOneAndTwoThreads(string name)
    {
        var (fast, _, _) = ActivationsCpuTests.Binary(name);
        var a = Uniform(Length, 4, -0.9f, 0.9f);
        var b = Uniform(Length, 5, -2f, 2f);
        var one = new float[Length];
        var two = new float[Length];
        WithThreads(1, () => fast(a, b, one));
        WithThreads(2, () => fast(a, b, two));
        AssertBitwiseEqual(one, two, name);
    }

    [Fact]
    public void SoftmaxIsIdenticalForOneAndTwoAndThreeThreads()
    {
        const int rows = 257, cols = 211;
        var x = Uniform(rows * cols, 6, -8f, 8f);
        var dy = Uniform(rows * cols, 7, -1f, 1f);
        var y1 = new float[rows * cols];
        var y2 = new float[rows * cols];
        var y3 = new float[rows * cols];
        WithThreads(1, () => ActivationsCpu.Softmax(x, rows, cols, y1));
        WithThreads(2, () => ActivationsCpu.Softmax(x, rows, cols, y2));
        WithThreads(3, () => ActivationsCpu.Softmax(x, rows, cols, y3));
        AssertBitwiseEqual(y1, y2, "softmax 2");
        AssertBitwiseEqual(y1, y3, "softmax 3");
        WithThreads(1, () => ActivationsCpu.SoftmaxBackward(y1, dy, rows, cols, y2));
        WithThreads(2, () => ActivationsCpu.SoftmaxBackward(y1, dy, rows, cols, y3));
        AssertBitwiseEqual(y2, y3, "softmax backward");
    }
}
