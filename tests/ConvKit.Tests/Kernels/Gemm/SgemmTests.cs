using ConvKit.Kernels.Cpu.Gemm;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Tests.Kernels.Gemm;

public class SgemmTests
{
    private static readonly int[] AwkwardSizes = [1, 3, 7, 17, 33, 65];

    public SgemmTests()
    {
        if (CpuThreads.Count < 2)
        {
            CpuThreads.Count = 2;
        }
    }

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Transposes))]
    public void MatchesReferenceOnAwkwardSizesWithStridesAndGuards(bool transposeA, bool transposeB)
    {
        var seed = 1;
        foreach (var m in AwkwardSizes)
        {
            foreach (var n in AwkwardSizes)
            {
                foreach (var k in AwkwardSizes)
                {
                    foreach (var beta in new[] { 0f, 1f })
                    {
                        var gemm = new GemmCase(transposeA, transposeB, m, n, k, beta, padding: 1 + seed % 5, seed++);
                        gemm.RunAndCheck(maxThreads: 1 + seed % 2);
                    }
                }
            }
        }
    }

    public static TheoryData<bool, bool, int, int, int> CnnShapes => new()
    {
        { false, false, 64, 128, 1568 },   // dense forward, x (N x in) * W (in x out)
        { false, true, 64, 128, 1568 },    // dense forward, W stored (out x in)
        { true, false, 1568, 128, 64 },    // dense dW = x^T * dy
        { false, true, 64, 1568, 128 },    // dense dx = dy * W^T
        { false, false, 16, 784, 9 },      // conv 16 3x3 on 1x28x28 as GEMM
        { false, false, 32, 196, 144 },    // conv 32 3x3 on 16x14x14
        { true, false, 144, 196, 32 },     // conv backward data, W^T * dy
        { false, true, 32, 144, 196 },     // conv filter gradient, dy * columns^T
        { false, true, 16, 9, 784 },
        { false, false, 64, 10, 128 },     // dense 128 -> 10
        { true, true, 10, 64, 128 },
    };

    [Theory]
    [MemberData(nameof(CnnShapes))]
    public void MatchesReferenceOnCnnShapesWithOneAndTwoThreads(bool transposeA, bool transposeB, int m, int n, int k)
    {
        foreach (var beta in new[] { 0f, 1f })
        {
            var one = new GemmCase(transposeA, transposeB, m, n, k, beta, padding: 0, seed: m + n + k);
            var c1 = one.RunAndCheck(maxThreads: 1);
            var two = new GemmCase(transposeA, transposeB, m, n, k, beta, padding: 0, seed: m + n + k);
            var c2 = two.RunAndCheck(maxThreads: 2);
            Assert.Equal(c1, c2);
        }
    }

    [Fact]
    public void OneOrTwoRowsTimesALongMatrixMatchReferenceOnEveryColumnTail()
    {
        // 1-2 rows of A and k >= 256 take the streaming row form (GemmRows) when 256-bit vectors are available:
        // whole 128- or 64-column blocks, single vectors, then a scalar tail.
        Assert.True(GemmRows.Suits(false, false, 1, 16, 256) == System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated);
        var seed = 7;
        foreach (var m in new[] { 1, 2 })
        {
            foreach (var n in new[] { 16, 17, 40, 128, 129, 200, 300 })
            {
                foreach (var k in new[] { 256, 301 })
                {
                    foreach (var beta in new[] { 0f, 1f })
                    {
                        new GemmCase(false, false, m, n, k, beta, padding: 1 + seed % 5, seed++).RunAndCheck(maxThreads: 1 + seed % 2);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 128, 9216)]   // a dense layer on one image: one block, one thread
    [InlineData(1, 300, 4096)]   // three blocks split between threads
    [InlineData(2, 1000, 1024)]
    public void TheRowFormGivesTheSameBitsOnOneAndTwoThreads(int m, int n, int k)
    {
        foreach (var beta in new[] { 0f, 1f })
        {
            var c1 = new GemmCase(false, false, m, n, k, beta, padding: 3, seed: n + k).RunAndCheck(maxThreads: 1);
            var c2 = new GemmCase(false, false, m, n, k, beta, padding: 3, seed: n + k).RunAndCheck(maxThreads: 2);
            Assert.Equal(c1, c2);
        }
    }

    [Theory]
    [InlineData(130, 200, 300)]   // split by columns
    [InlineData(300, 40, 100)]    // split by rows
    [InlineData(97, 97, 700)]     // several depth blocks
    [InlineData(520, 70, 33)]     // more than one row block
    [InlineData(300, 9, 784)]     // narrow and deep: dot products when B is transposed
    public void ThreadCountDoesNotChangeTheBits(int m, int n, int k)
    {
        Assert.True((long)m * n * k >= Sgemm.ParallelThreshold);
        foreach (var (ta, tb, beta) in new[] { (false, false, 0f), (true, true, 1f), (false, true, 0f), (true, false, 1f) })
        {
            var c1 = new GemmCase(ta, tb, m, n, k, beta, padding: 2, seed: 7).RunAndCheck(maxThreads: 1);
            var c2 = new GemmCase(ta, tb, m, n, k, beta, padding: 2, seed: 7).RunAndCheck(maxThreads: 2);
            Assert.Equal(c1, c2);
        }
    }

    [Fact]
    public void DotProductFormMatchesReference()
    {
        var seed = 100;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (5, 3, 7), (4, 4, 16), (9, 9, 784), (17, 6, 33), (16, 13, 676), (3, 20, 100) })
        {
            foreach (var beta in new[] { 0f, 1f })
            {
                var gemm = new GemmCase(false, true, m, n, k, beta, padding: 3, seed: seed++);
                gemm.Check(c => Sgemm.MultiplyUsing(true, false, true, m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, c, gemm.Ldc, beta, 2));
            }
        }
        Assert.Throws<ArgumentException>("dotProducts", () => Sgemm.MultiplyUsing(true, true, true, 1, 1, 1, [1f], 1, [1f], 1, new float[1], 1, 0f, 1));
    }

    [Fact]
    public void WideMatricesCrossTheColumnBlock()
    {
        // n beyond one column block of packed B, with a ragged last tile.
        new GemmCase(false, false, 9, 2100, 20, 1f, padding: 3, seed: 3).RunAndCheck(maxThreads: 1);
        new GemmCase(true, true, 9, 2100, 20, 0f, padding: 3, seed: 4).RunAndCheck(maxThreads: 2);
    }

    [Theory]
    [InlineData(16, 784, 9)]
    [InlineData(17, 45, 300)]
    [InlineData(9, 33, 1)]
    [InlineData(70, 300, 40)]
    [InlineData(3, 5, 0)]
    public void RowBiasIsAddedOnceToEveryRow(int m, int n, int k)
    {
        var bias = GemmCase.RandomArray(m, 99);
        var results = new List<float[]>();
        foreach (var threads in new[] { 1, 2 })
        {
            var gemm = new GemmCase(false, false, m, n, k, 0f, padding: 3, seed: 5);
            // The reference sees C pre-filled with the bias and beta = 1; the fast path ignores C's NaNs.
            for (var i = 0; i < m; i++)
            {
                gemm.C.AsSpan(i * gemm.Ldc, n).Fill(bias[i]);
            }
            var expected = (float[])gemm.C.Clone();
            SgemmReference.Multiply(false, false, m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, expected, gemm.Ldc, 1f);
            var actual = (float[])gemm.C.Clone();
            for (var i = 0; i < m; i++)
            {
                actual.AsSpan(i * gemm.Ldc, n).Fill(float.NaN);
            }
            Sgemm.MultiplyAddRowBias(m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, bias, actual, gemm.Ldc, threads);
            for (var idx = 0; idx < actual.Length; idx++)
            {
                var tolerance = 1e-5 * Math.Sqrt(Math.Max(k, 1)) * (1 + Math.Abs(expected[idx]) + 2 * Math.Sqrt(k));
                Assert.True(Math.Abs(actual[idx] - expected[idx]) <= tolerance, $"element {idx}: {actual[idx]} vs {expected[idx]}");
            }
            results.Add(actual);
        }
        Assert.Equal(results[0], results[1]);
    }

    [Fact]
    public void EmptyDepthOverwritesOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4, float.NaN, 9, 9, 9 };
        Sgemm.Multiply(false, false, 2, 3, 0, [], 1, [], 3, c, 4, beta: 1f);
        Assert.Equal(new float[] { 1, 2, 3, 4, float.NaN, 9, 9, 9 }, c);
        Sgemm.Multiply(false, false, 2, 3, 0, [], 1, [], 3, c, 4, beta: 0f);
        Assert.Equal(new float[] { 0, 0, 0, 4, 0, 0, 0, 9 }, c);
    }

    [Fact]
    public void SmallKnownProduct()
    {
        // [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50]
        var c = new float[4];
        Sgemm.Multiply(false, false, 2, 2, 2, [1, 2, 3, 4], 2, [5, 6, 7, 8], 2, c, 2);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c);
        // A^T * B^T with A = [1 3; 2 4] stored, B = [5 7; 6 8] stored gives the same product.
        Sgemm.Multiply(true, true, 2, 2, 2, [1, 3, 2, 4], 2, [5, 7, 6, 8], 2, c, 2, beta: 1f);
        Assert.Equal(new float[] { 38, 44, 86, 100 }, c);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>("beta", () => Sgemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2, beta: 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>("lda", () => Sgemm.Multiply(false, false, 2, 2, 3, a, 2, b, 2, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>("ldb", () => Sgemm.Multiply(false, true, 2, 2, 3, a, 3, b, 2, c, 2));
        Assert.Throws<ArgumentException>("c", () => Sgemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c.AsSpan(1), 2));
        Assert.Throws<ArgumentException>("b", () => Sgemm.Multiply(false, false, 2, 3, 3, a, 3, b, 3, new float[6], 3));
        Assert.Throws<ArgumentOutOfRangeException>("m", () => Sgemm.Multiply(false, false, -1, 2, 3, a, 3, b, 2, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>("maxThreads", () => Sgemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2, maxThreads: 0));
        var shared = new float[16];
        Assert.Throws<ArgumentException>("c", () => Sgemm.Multiply(false, false, 2, 2, 2, shared, 2, shared.AsSpan(8), 2, shared.AsSpan(2), 2));
    }

    [Fact]
    public void DoesNotAllocateAfterWarmUp()
    {
        const int m = 96, n = 150, k = 200;
        var a = GemmCase.RandomArray(m * k, 1);
        var b = GemmCase.RandomArray(k * n, 2);
        var c = new float[m * n];
        Sgemm.Multiply(false, true, m, n, k, a, k, b, k, c, n, maxThreads: 2);
        Sgemm.Multiply(false, true, m, n, k, a, k, b, k, c, n, maxThreads: 1);
        // A real per-call allocation shows in every attempt; the runtime's own one-off work does not.
        var allocated = new long[3];
        for (var attempt = 0; attempt < allocated.Length; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Sgemm.Multiply(false, true, m, n, k, a, k, b, k, c, n, maxThreads: 2);
            Sgemm.Multiply(false, true, m, n, k, a, k, b, k, c, n, maxThreads: 1);
            allocated[attempt] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated.Min());
    }
}
