using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// SGEMM for a few rows of A, C[i, j] = (accumulate ? C[i, j] : 0) + sum over p of A[i, p] * B[p, j] with no
/// transposes: each row of A streams through B row by row, a whole 128-float (or 64-float) stretch of each row of B
/// at a time, so B is read once per row of A, in order, and never packed. This is a dense layer on one image:
/// the product is bound by reading the weights, and the packed kernel, which fills an 8-row tile with one useful
/// row and reads B in 32-column strips, takes about twice as long (1 x 128 x 9216: 118 against 64 µs).
/// </summary>
/// <remarks>
/// Every element is one fused multiply-add chain over p in order per depth run (<see cref="DepthRuns"/>), started
/// from zero, whether it lies in a vector lane or in the scalar tail; the runs' sums are added in order, then to C
/// when accumulating. So the result does not depend on the vector width or on how the work is split between threads.
/// </remarks>
internal static unsafe class GemmRows
{
    /// <summary>Whether the row form suits an (m x n x k) product with these transposes.</summary>
    public static bool Suits(bool transposeA, bool transposeB, int m, int n, int k) =>
        !transposeA && !transposeB && m <= 2 && n >= 16 && k >= 256 && Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Columns of C per tile when the columns are shared between threads: 64, so a dense layer of 128 units on one image
    /// reads half of each weight row on each of two threads (the product is bound by the reads). A thread's range is
    /// then computed 128 (AVX-512) or 64 columns at a time.
    /// </summary>
    public static int BlockColumns => 64;

    /// <summary>
    /// Rows of B per depth run at least: a depth of 2 x 2048 or more is split into runs (at most <see cref="MaxRuns"/>),
    /// each summed from zero into its own partial row, and the partials are then added in order.
    /// </summary>
    public const int MinRunDepth = 2048;

    /// <summary>The most depth runs a product is split into.</summary>
    public const int MaxRuns = 8;

    /// <summary>
    /// The depth runs a product of depth <paramref name="k"/> is computed in. It depends on k alone, so the bits do not
    /// depend on the thread count; threads then take whole runs, each reading one contiguous stretch of B's rows
    /// (1 x 128 x 9216 on two threads: 58-77 µs, against 91-108 µs with each thread reading half of every row).
    /// </summary>
    public static int DepthRuns(int k) => Math.Clamp(k / MinRunDepth, 1, MaxRuns);

    /// <summary>Blocks of <see cref="BlockColumns"/> columns across n columns.</summary>
    public static int ColumnBlocks(int n) => (n + BlockColumns - 1) / BlockColumns;

    /// <summary>Floats of partial rows a product split into depth runs needs: runs x m x n.</summary>
    public static long PartialLength(int m, int n, int k) => (long)DepthRuns(k) * m * n;

    private static int RunStart(int k, int runs, int r) => (int)((long)k * r / runs);

    /// <summary>
    /// Computes units [u0, u1) of a product split into <paramref name="runs"/> depth runs: unit u is depth run
    /// u / blocks over column block u % blocks, so consecutive units of one run form one column range. Run r's partial
    /// rows go to <paramref name="partials"/> + r x m x n, n apart.
    /// </summary>
    public static void ComputeRuns(in GemmArgs g, int runs, float* partials, int u0, int u1)
    {
        var blocks = ColumnBlocks(g.N);
        var u = u0;
        while (u < u1)
        {
            var r = u / blocks;
            var b0 = u % blocks;
            var b1 = Math.Min(blocks, b0 + (u1 - u));
            var p0 = RunStart(g.K, runs, r);
            var p1 = RunStart(g.K, runs, r + 1);
            var run = new GemmArgs(false, false, g.M, g.N, p1 - p0, g.A + p0, g.Lda, g.B + (nint)p0 * g.Ldb, g.Ldb,
                partials + (nint)r * g.M * g.N, g.N, accumulate: false);
            Compute(run, 0, g.M, b0 * BlockColumns, Math.Min(g.N, b1 * BlockColumns));
            u += b1 - b0;
        }
    }

    /// <summary>C = (accumulate ? C : 0) + (((partial 0 + partial 1) + partial 2) + ...), row by row.</summary>
    public static void AddRuns(in GemmArgs g, int runs, float* partials)
    {
        for (var i = 0; i < g.M; i++)
        {
            var sum = new Span<float>(partials + (nint)i * g.N, g.N);
            for (var r = 1; r < runs; r++)
            {
                TensorPrimitives.Add(sum, new ReadOnlySpan<float>(partials + ((nint)r * g.M + i) * g.N, g.N), sum);
            }
            var c = new Span<float>(g.C + (nint)i * g.Ldc, g.N);
            if (g.Accumulate)
            {
                TensorPrimitives.Add(c, sum, c);
            }
            else
            {
                sum.CopyTo(c);
            }
        }
    }

    /// <summary>Computes rows [i0, i1) and columns [j0, j1) of C on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(in GemmArgs g, int i0, int i1, int j0, int j1)
    {
        for (var i = i0; i < i1; i++)
        {
            var a = g.A + (nint)i * g.Lda;
            var c = g.C + (nint)i * g.Ldc;
            var j = j0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 128 <= j1; j += 128)
                {
                    Block8Vector512(a, g.B + j, g.Ldb, g.K, c + j, g.Accumulate);
                }
                for (; j + 64 <= j1; j += 64)
                {
                    Block4Vector512(a, g.B + j, g.Ldb, g.K, c + j, g.Accumulate);
                }
                for (; j + 16 <= j1; j += 16)
                {
                    Block1Vector512(a, g.B + j, g.Ldb, g.K, c + j, g.Accumulate);
                }
            }
            else
            {
                for (; j + 64 <= j1; j += 64)
                {
                    Block8Vector256(a, g.B + j, g.Ldb, g.K, c + j, g.Accumulate);
                }
                for (; j + 8 <= j1; j += 8)
                {
                    Block1Vector256(a, g.B + j, g.Ldb, g.K, c + j, g.Accumulate);
                }
            }
            for (; j < j1; j++)
            {
                var sum = 0f;
                var b = g.B + j;
                for (var p = 0; p < g.K; p++)
                {
                    sum = MathF.FusedMultiplyAdd(a[p], b[(nint)p * g.Ldb], sum);
                }
                c[j] = g.Accumulate ? c[j] + sum : sum;
            }
        }
    }

    // Safe: Compute passes a row of A with k floats, B offset to a block of columns that lies inside each of B's
    // k rows (stride ldb), and C offset to the same columns of C's row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8Vector512(float* a, float* b, nint ldb, int k, float* c, bool accumulate)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (var p = 0; p < k; p++)
        {
            var x = Vector512.Create(a[p]);
            var row = b + p * ldb;
            s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row), s0);
            s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 48), s3);
            s4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 64), s4);
            s5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 80), s5);
            s6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 96), s6);
            s7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 112), s7);
        }
        Store(c, s0, accumulate);
        Store(c + 16, s1, accumulate);
        Store(c + 32, s2, accumulate);
        Store(c + 48, s3, accumulate);
        Store(c + 64, s4, accumulate);
        Store(c + 80, s5, accumulate);
        Store(c + 96, s6, accumulate);
        Store(c + 112, s7, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4Vector512(float* a, float* b, nint ldb, int k, float* c, bool accumulate)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (var p = 0; p < k; p++)
        {
            var x = Vector512.Create(a[p]);
            var row = b + p * ldb;
            s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row), s0);
            s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(row + 48), s3);
        }
        Store(c, s0, accumulate);
        Store(c + 16, s1, accumulate);
        Store(c + 32, s2, accumulate);
        Store(c + 48, s3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1Vector512(float* a, float* b, nint ldb, int k, float* c, bool accumulate)
    {
        var s = Vector512<float>.Zero;
        for (var p = 0; p < k; p++)
        {
            s = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(b + p * ldb), s);
        }
        Store(c, s, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8Vector256(float* a, float* b, nint ldb, int k, float* c, bool accumulate)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (var p = 0; p < k; p++)
        {
            var x = Vector256.Create(a[p]);
            var row = b + p * ldb;
            s0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row), s0);
            s1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + 8), s1);
            s2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + 16), s2);
            s3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + 24), s3);
            s4 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + 32), s4);
            s5 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + 40), s5);
            s6 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + 48), s6);
            s7 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + 56), s7);
        }
        Store(c, s0, accumulate);
        Store(c + 8, s1, accumulate);
        Store(c + 16, s2, accumulate);
        Store(c + 24, s3, accumulate);
        Store(c + 32, s4, accumulate);
        Store(c + 40, s5, accumulate);
        Store(c + 48, s6, accumulate);
        Store(c + 56, s7, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1Vector256(float* a, float* b, nint ldb, int k, float* c, bool accumulate)
    {
        var s = Vector256<float>.Zero;
        for (var p = 0; p < k; p++)
        {
            s = Vector256.FusedMultiplyAdd(Vector256.Create(a[p]), Vector256.Load(b + p * ldb), s);
        }
        Store(c, s, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> s, bool accumulate) =>
        (accumulate ? Vector512.Load(c) + s : s).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> s, bool accumulate) =>
        (accumulate ? Vector256.Load(c) + s : s).Store(c);
}
