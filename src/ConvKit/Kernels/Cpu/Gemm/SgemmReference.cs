namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// The naive twin of <see cref="Sgemm"/>: the textbook triple loop with a double accumulator per element. It is
/// slow and exists to check the fast kernel.
/// </summary>
public static class SgemmReference
{
    /// <summary>
    /// C = op(A) * op(B) + beta * C, row-major, with op(A) (m x k), op(B) (k x n) and C (m x n); see
    /// <see cref="Sgemm.Multiply"/> for the arguments and exceptions. Each element is summed in double and
    /// rounded to float once.
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        float beta = 0f, int maxThreads = int.MaxValue)
    {
        GemmChecks.Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, beta);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    var x = transposeA ? a[p * lda + i] : a[i * lda + p];
                    var y = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)x * y;
                }
                ref var dst = ref c[i * ldc + j];
                dst = beta == 0f ? (float)sum : (float)(dst + sum);
            }
        }
    }
}
