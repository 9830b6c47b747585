using ConvKit.Kernels.Cpu.Elementwise;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Elementwise;

public class ElementwiseCpuTests
{
    public static IEnumerable<(int N, int C, int S)> Shapes()
    {
        foreach (var n in new[] { 0, 1, 3 })
        {
            foreach (var c in new[] { 1, 5, 17, 40 })
            {
                foreach (var s in new[] { 1, 2, 7, 49 })
                {
                    yield return (n, c, s);
                }
            }
        }
    }

    [Fact]
    public void BiasByHand()
    {
        // x (N=2, C=2, S=3)
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        ElementwiseCpu.AddChannelBias(x, 2, 2, 3, [100f, 200f]);
        Assert.Equal([101f, 102, 103, 204, 205, 206, 107, 108, 109, 210, 211, 212], x);

        float[] db = [1000f, 2000f];
        ElementwiseCpu.AccumulateChannelBiasGradient([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2, 2, 3, db);
        Assert.Equal([1000f + 1 + 2 + 3 + 7 + 8 + 9, 2000f + 4 + 5 + 6 + 10 + 11 + 12], db);

        float[] rows = [1, 2, 3, 4, 5, 6];
        ElementwiseCpu.AddRowBias(rows, 2, 3, [10f, 20f, 30f]);
        Assert.Equal([11f, 22, 33, 14, 25, 36], rows);

        float[] cols = [1f, 1f, 1f];
        ElementwiseCpu.AccumulateColumnSums([1, 2, 3, 4, 5, 6], 2, 3, cols);
        Assert.Equal([6f, 8f, 10f], cols);
    }

    [Fact]
    public void ConcatenateAndSplitChannelsByHand()
    {
        // a (N=2, C=1, S=2), b (N=2, C=2, S=2) -> y (N=2, C=3, S=2)
        float[] a = [1, 2, 3, 4];
        float[] b = [10, 11, 12, 13, 14, 15, 16, 17];
        var y = new float[12];
        ElementwiseCpu.CopyChannels(a, 2, 1, 2, y, 3, 0);
        ElementwiseCpu.CopyChannels(b, 2, 2, 2, y, 3, 1);
        Assert.Equal([1f, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17], y);

        var back = new float[8];
        ElementwiseCpu.ExtractChannels(y, 2, 3, 2, 1, back, 2);
        Assert.Equal(b, back);
        var first = new float[4];
        ElementwiseCpu.ExtractChannels(y, 2, 3, 2, 0, first, 1);
        Assert.Equal(a, first);

        Assert.Throws<ArgumentOutOfRangeException>(() => ElementwiseCpu.CopyChannels(b, 2, 2, 2, y, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementwiseCpu.ExtractChannels(y, 2, 3, 2, 2, back, 2));
        Assert.Throws<ArgumentException>(() => ElementwiseCpu.CopyChannels(y.AsSpan(0, 4), 2, 1, 2, y, 3, 0));
    }

    [Fact]
    public void BiasKernelsMatchReference()
    {
        var seed = 0;
        foreach (var (n, c, s) in Shapes())
        {
            var count = n * c * s;
            var x = Uniform(count, ++seed);
            var bias = Uniform(c, ++seed);
            var expected = (float[])x.Clone();
            ElementwiseReference.AddChannelBias(expected, n, c, s, bias);
            var actual = Guarded(count);
            x.CopyTo(actual, 0);
            ElementwiseCpu.AddChannelBias(actual, n, c, s, bias);
            AssertBitwiseEqual(expected, actual.AsSpan(0, count), $"bias {n},{c},{s}");
            AssertGuardIntact(actual, count);

            var db0 = Uniform(c, ++seed);
            var expectedDb = (float[])db0.Clone();
            ElementwiseReference.AccumulateChannelBiasGradient(x, n, c, s, expectedDb);
            var db = (float[])db0.Clone();
            ElementwiseCpu.AccumulateChannelBiasGradient(x, n, c, s, db);
            AssertClose(expectedDb, db, 1e-7, 1e-7, $"bias gradient {n},{c},{s}");
        }
    }

    [Fact]
    public void RowKernelsMatchReference()
    {
        foreach (var rows in new[] { 0, 1, 2, 9, 33 })
        {
            for (var cols = 0; cols <= 70; cols++)
            {
                var x = Uniform(rows * cols, rows * 100 + cols);
                var bias = Uniform(cols, cols);
                var expected = (float[])x.Clone();
                ElementwiseReference.AddRowBias(expected, rows, cols, bias);
                var actual = (float[])x.Clone();
                ElementwiseCpu.AddRowBias(actual, rows, cols, bias);
                AssertBitwiseEqual(expected, actual, $"row bias {rows}x{cols}");

                // Columns are summed down the rows in order in double: identical to the plain loop.
                var expectedDb = Uniform(cols, 7);
                var db = (float[])expectedDb.Clone();
                ElementwiseReference.AccumulateColumnSums(x, rows, cols, expectedDb);
                ElementwiseCpu.AccumulateColumnSums(x, rows, cols, db);
                AssertBitwiseEqual(expectedDb, db, $"column sums {rows}x{cols}");
            }
        }
    }

    [Fact]
    public void BinaryKernelsMatchReference()
    {
        foreach (var n in AwkwardLengths())
        {
            var a = Uniform(n, n);
            var b = Uniform(n, n + 1000);
            var expected = new float[n];
            var y = Guarded(n);
            ElementwiseReference.Multiply(a, b, expected);
            ElementwiseCpu.Multiply(a, b, y);
            AssertBitwiseEqual(expected, y.AsSpan(0, n), "multiply");
            AssertGuardIntact(y, n);
            ElementwiseReference.Add(a, b, expected);
            ElementwiseCpu.Add(a, b, y);
            AssertBitwiseEqual(expected, y.AsSpan(0, n), "add");
            AssertGuardIntact(y, n);
            var acc = (float[])a.Clone();
            ElementwiseCpu.AddInPlace(acc, b);
            AssertBitwiseEqual(expected, acc, "add in place");
        }
        Assert.Throws<ArgumentException>(() => ElementwiseCpu.Add(new float[3], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => ElementwiseCpu.AddInPlace(new float[3], new float[2]));
    }

    [Fact]
    public void CopyChannelsMatchesReference()
    {
        foreach (var (n, c, s) in Shapes())
        {
            var src = Uniform(n * c * s, c * s);
            const int extra = 3;
            var expected = Uniform(n * (c + extra) * s, 1);
            var actual = (float[])expected.Clone();
            ElementwiseReference.CopyChannels(src, n, c, s, expected, c + extra, 2);
            ElementwiseCpu.CopyChannels(src, n, c, s, actual, c + extra, 2);
            Assert.Equal(expected, actual);

            var back = new float[src.Length];
            var backExpected = new float[src.Length];
            ElementwiseReference.ExtractChannels(actual, n, c + extra, s, 2, backExpected, c);
            ElementwiseCpu.ExtractChannels(actual, n, c + extra, s, 2, back, c);
            Assert.Equal(backExpected, back);
            Assert.Equal(src, back);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    [InlineData(1)]
    public unsafe void DropoutGivesTheSameBitsAtEveryVectorWidthFromAnyStart(int maxLanes)
    {
        const int n = 203;
        var x = Uniform(n, 9);
        var expectedMask = new float[n];
        var expectedY = new float[n];
        ElementwiseReference.DropoutForward(x, 0.45f, 3, 11, expectedMask, expectedY);
        var key = CounterRng.StreamKey(3, 11);
        foreach (var start in new[] { 0, 1, 7, 16, 37 })
        {
            var mask = new float[n];
            var y = new float[n];
            fixed (float* px = x, pm = mask, py = y)
            {
                ElementwiseCpu.DropoutRange(px, pm, py, 0.45f, key, 0, start, n, maxLanes);
            }
            AssertBitwiseEqual(expectedMask.AsSpan(start), mask.AsSpan(start), $"mask from {start}");
            AssertBitwiseEqual(expectedY.AsSpan(start), y.AsSpan(start), $"y from {start}");
            Assert.All(mask.AsSpan(0, start).ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void DropoutOfAPartAtAnOffsetIsThatPartOfTheWholeMask()
    {
        const int n = 300;
        var x = Uniform(n, 4);
        var wholeMask = new float[n];
        var wholeY = new float[n];
        ElementwiseCpu.DropoutForward(x, 0.35f, 8, 2, wholeMask, wholeY);
        foreach (var offset in new[] { 1, 37, 150 })
        {
            var mask = new float[n - offset];
            var y = new float[n - offset];
            ElementwiseCpu.DropoutForward(x.AsSpan(offset), 0.35f, 8, 2, mask, y, (ulong)offset);
            AssertBitwiseEqual(wholeMask.AsSpan(offset), mask, $"mask at {offset}");
            AssertBitwiseEqual(wholeY.AsSpan(offset), y, $"y at {offset}");
        }
        var unshifted = new float[n - 37];
        ElementwiseCpu.DropoutForward(x.AsSpan(37), 0.35f, 8, 2, unshifted, new float[n - 37]);
        Assert.NotEqual(wholeMask.AsSpan(37).ToArray(), unshifted);
    }

    [Fact]
    public void DropoutMatchesReferenceAndKeepsTheExpectedFraction()
    {
        foreach (var n in AwkwardLengths())
        {
            var x = Uniform(n, n);
            var expectedMask = new float[n];
            var expectedY = new float[n];
            ElementwiseReference.DropoutForward(x, 0.3f, 42, 7, expectedMask, expectedY);
            var mask = Guarded(n);
            var y = Guarded(n);
            ElementwiseCpu.DropoutForward(x, 0.3f, 42, 7, mask, y);
            AssertBitwiseEqual(expectedMask, mask.AsSpan(0, n), "mask");
            AssertBitwiseEqual(expectedY, y.AsSpan(0, n), "y");
            AssertGuardIntact(mask, n);
            AssertGuardIntact(y, n);

            var inPlace = (float[])x.Clone();
            ElementwiseCpu.DropoutForward(inPlace, 0.3f, 42, 7, mask, inPlace);
            AssertBitwiseEqual(expectedY, inPlace, "in place");
        }

        const int count = 200_000;
        var ones = new float[count];
        Array.Fill(ones, 1f);
        var m = new float[count];
        var outp = new float[count];
        foreach (var rate in new[] { 0.1f, 0.5f, 0.8f })
        {
            ElementwiseCpu.DropoutForward(ones, rate, 1234, 1, m, outp);
            var kept = m.Count(v => v != 0f);
            // Binomial: standard deviation sqrt(n p (1 - p)) < 224; allow 5 of them.
            Assert.InRange(kept, count * (1 - rate) - 1120, count * (1 - rate) + 1120);
            Assert.All(m, v => Assert.True(v == 0f || v == 1f / (1f - rate)));
            // Inverted dropout keeps the expected value.
            Assert.Equal(1.0, outp.Average(v => (double)v), 0.02);
        }

        ElementwiseCpu.DropoutForward(ones.AsSpan(0, 100), 0f, 5, 5, m, outp);
        Assert.All(m.AsSpan(0, 100).ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void DropoutMasksDifferBetweenStepsAndSeeds()
    {
        const int n = 4096;
        var x = new float[n];
        Array.Fill(x, 1f);
        var a = new float[n];
        var b = new float[n];
        var y = new float[n];
        ElementwiseCpu.DropoutForward(x, 0.5f, 1, 1, a, y);
        ElementwiseCpu.DropoutForward(x, 0.5f, 1, 1, b, y);
        Assert.Equal(a, b);
        ElementwiseCpu.DropoutForward(x, 0.5f, 1, 2, b, y);
        var same = Enumerable.Range(0, n).Count(i => a[i] == b[i]);
        Assert.InRange(same, n / 2 - 200, n / 2 + 200); // independent masks agree about half the time
        ElementwiseCpu.DropoutForward(x, 0.5f, 2, 1, b, y);
        same = Enumerable.Range(0, n).Count(i => a[i] == b[i]);
        Assert.InRange(same, n / 2 - 200, n / 2 + 200);

        Assert.Throws<ArgumentOutOfRangeException>(() => ElementwiseCpu.DropoutForward(x, 1f, 1, 1, a, y));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementwiseCpu.DropoutForward(x, -0.1f, 1, 1, a, y));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementwiseCpu.DropoutForward(x, float.NaN, 1, 1, a, y));
    }
}
