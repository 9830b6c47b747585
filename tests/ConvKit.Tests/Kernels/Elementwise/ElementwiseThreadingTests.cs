using ConvKit.Kernels.Cpu.Elementwise;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Elementwise;

[Collection(ThreadCountCollection.Name)]
public class ElementwiseThreadingTests
{
    [Fact]
    public void ResultsAreIdenticalForOneAndTwoThreads()
    {
        const int n = 7, c = 33, s = 301; // 69 531 elements
        var x = Uniform(n * c * s, 1);
        var b = Uniform(n * c * s, 2);
        var bias = Uniform(c, 3);

        float[] Run(int threads)
        {
            var results = new List<float>();
            WithThreads(threads, () =>
            {
                var y = (float[])x.Clone();
                ElementwiseCpu.AddChannelBias(y, n, c, s, bias);
                results.AddRange(y);
                var db = new float[c];
                ElementwiseCpu.AccumulateChannelBiasGradient(x, n, c, s, db);
                results.AddRange(db);
                var rowBiased = (float[])x.Clone();
                ElementwiseCpu.AddRowBias(rowBiased, n * c, s, Uniform(s, 4));
                results.AddRange(rowBiased);
                var colSums = new float[s];
                ElementwiseCpu.AccumulateColumnSums(x, n * c, s, colSums);
                results.AddRange(colSums);
                var mask = new float[x.Length];
                var dropped = new float[x.Length];
                ElementwiseCpu.DropoutForward(x, 0.4f, 77, 3, mask, dropped);
                results.AddRange(mask);
                results.AddRange(dropped);
                ElementwiseCpu.Multiply(x, b, y);
                results.AddRange(y);
                ElementwiseCpu.Add(x, b, y);
                results.AddRange(y);
            });
            return [.. results];
        }

        AssertBitwiseEqual(Run(1), Run(2), "elementwise");
    }
}
