namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// The operands of one SGEMM call as raw pointers, valid while <see cref="Sgemm.Multiply"/> holds them pinned.
/// C = op(A) * op(B) + (Accumulate ? C : 0) (+ RowBias[i]) with op(A) (M x K), op(B) (K x N), C (M x N), all row-major.
/// </summary>
internal readonly unsafe struct GemmArgs
{
    public GemmArgs(bool transposeA, bool transposeB, int m, int n, int k, float* a, int lda, float* b, int ldb,
        float* c, int ldc, bool accumulate, float* rowBias = null, bool dotProducts = false)
    {
        TransposeA = transposeA;
        TransposeB = transposeB;
        M = m;
        N = n;
        K = k;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C = c;
        Ldc = ldc;
        Accumulate = accumulate;
        RowBias = rowBias;
        DotProducts = dotProducts;
    }

    public bool TransposeA { get; }

    public bool TransposeB { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float* A { get; }

    public int Lda { get; }

    public float* B { get; }

    public int Ldb { get; }

    public float* C { get; }

    public int Ldc { get; }

    public bool Accumulate { get; }

    /// <summary>Null, or M values added to the rows of C: C = op(A) * op(B) + (Accumulate ? C : 0) + RowBias[i].</summary>
    public float* RowBias { get; }

    /// <summary>Compute with <see cref="GemmDot"/> instead of the packed microkernels (no transposeA, transposeB, no RowBias).</summary>
    public bool DotProducts { get; }

    /// <summary>Compute with <see cref="GemmRows"/>: one or two rows, no transposes, no RowBias.</summary>
    public bool Rows => !DotProducts && RowBias == null && GemmRows.Suits(TransposeA, TransposeB, M, N, K);
}
