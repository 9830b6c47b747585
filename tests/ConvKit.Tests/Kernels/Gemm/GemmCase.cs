using ConvKit.Kernels.Cpu.Gemm;

namespace ConvKit.Tests.Kernels.Gemm;

/// <summary>
/// One SGEMM problem with strided operands and guard values: unused elements of A and B are NaN (reading one
/// poisons the result), unused elements of C hold a sentinel that must survive, and with beta = 0 the used part of
/// C starts as NaN (it must be ignored).
/// </summary>
internal sealed class GemmCase
{
    private const float Sentinel = 12345.5f;

    public GemmCase(bool transposeA, bool transposeB, int m, int n, int k, float beta, int padding, int seed)
    {
        (TransposeA, TransposeB, M, N, K, Beta) = (transposeA, transposeB, m, n, k, beta);
        var (aRows, aCols) = transposeA ? (k, m) : (m, k);
        var (bRows, bCols) = transposeB ? (n, k) : (k, n);
        Lda = aCols + padding;
        Ldb = bCols + padding;
        Ldc = n + padding;
        var random = new Random(seed);
        A = Matrix(aRows, aCols, Lda, padding, random, float.NaN);
        B = Matrix(bRows, bCols, Ldb, padding, random, float.NaN);
        C = Matrix(m, n, Ldc, padding, random, Sentinel);
        if (beta == 0f)
        {
            for (var i = 0; i < m; i++)
            {
                C.AsSpan(i * Ldc, n).Fill(float.NaN);
            }
        }
    }

    public bool TransposeA { get; }

    public bool TransposeB { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float Beta { get; }

    public int Lda { get; }

    public int Ldb { get; }

    public int Ldc { get; }

    public float[] A { get; }

    public float[] B { get; }

    public float[] C { get; }

    public static float[] RandomArray(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = random.NextSingle() * 2f - 1f;
        }
        return x;
    }

    /// <summary>Runs <see cref="Sgemm"/> on a copy of C, checks it against the reference and the guards, returns the result.</summary>
    public float[] RunAndCheck(int maxThreads) =>
        Check(c => Sgemm.Multiply(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, Beta, maxThreads));

    /// <summary>Runs <paramref name="multiply"/> on a copy of C and checks it as <see cref="RunAndCheck"/> does.</summary>
    public float[] Check(Action<float[]> multiply)
    {
        var actual = (float[])C.Clone();
        multiply(actual);
        var expected = (float[])C.Clone();
        SgemmReference.Multiply(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, expected, Ldc, Beta);
        for (var idx = 0; idx < C.Length; idx++)
        {
            var (i, j) = (idx / Ldc, idx % Ldc);
            if (i >= M || j >= N)
            {
                Assert.True(BitConverter.SingleToInt32Bits(C[idx]) == BitConverter.SingleToInt32Bits(actual[idx]),
                    $"Guard at ({i}, {j}) changed from {C[idx]} to {actual[idx]} in {this}.");
                continue;
            }
            double scale = Beta == 0f ? 0 : Math.Abs(C[idx]);
            for (var p = 0; p < K; p++)
            {
                scale += Math.Abs((double)ElementA(i, p) * ElementB(p, j));
            }
            var tolerance = 1e-5 * Math.Sqrt(Math.Max(K, 1)) * scale + 1e-30;
            var error = Math.Abs((double)actual[idx] - expected[idx]);
            Assert.True(error <= tolerance, $"C[{i}, {j}] = {actual[idx]}, expected {expected[idx]} (error {error:E2} > {tolerance:E2}) in {this}.");
        }
        return actual;
    }

    public override string ToString() =>
        $"transposeA={TransposeA} transposeB={TransposeB} m={M} n={N} k={K} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";

    private float ElementA(int i, int p) => TransposeA ? A[p * Lda + i] : A[i * Lda + p];

    private float ElementB(int p, int j) => TransposeB ? B[j * Ldb + p] : B[p * Ldb + j];

    private static float[] Matrix(int rows, int cols, int ld, int padding, Random random, float guard)
    {
        // A whole extra padded row after the matrix catches reads and writes past the end.
        var x = new float[(rows + 1) * ld + padding];
        x.AsSpan().Fill(guard);
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                x[i * ld + j] = random.NextSingle() * 2f - 1f;
            }
        }
        return x;
    }
}
