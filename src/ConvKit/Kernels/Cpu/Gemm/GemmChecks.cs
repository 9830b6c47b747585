namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>Argument checks shared by <see cref="Sgemm"/> and <see cref="SgemmReference"/>.</summary>
internal static class GemmChecks
{
    public static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, float beta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (beta is not (0f or 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be 0 (overwrite C) or 1 (accumulate into C).");
        }
        CheckMatrix(a, nameof(a), lda, nameof(lda), transposeA ? k : m, transposeA ? m : k);
        CheckMatrix(b, nameof(b), ldb, nameof(ldb), transposeB ? n : k, transposeB ? k : n);
        CheckMatrix(c, nameof(c), ldc, nameof(ldc), m, n);
        if (m > 0 && n > 0 && (c.Overlaps(a) || c.Overlaps(b)))
        {
            throw new ArgumentException("c must not overlap a or b.", nameof(c));
        }
    }

    /// <summary>Checks that a stored (rows x cols) row-major matrix with row stride ld fits in the span.</summary>
    private static void CheckMatrix(ReadOnlySpan<float> span, string name, int ld, string ldName, int rows, int cols)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"{ldName} must be at least {Math.Max(1, cols)}, the stored row length.");
        }
        if (rows == 0 || cols == 0)
        {
            return;
        }
        var needed = (long)(rows - 1) * ld + cols;
        if (span.Length < needed)
        {
            throw new ArgumentException($"{name} holds {span.Length} floats but a ({rows} x {cols}) matrix with row stride {ld} needs {needed}.", name);
        }
    }
}
