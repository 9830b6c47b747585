using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// Single-precision matrix multiplication, C = op(A) * op(B) + beta * C, row-major: a packed, cache-blocked
/// GEMM around a register-blocked microkernel chosen once for this machine (AVX-512, AVX2 + FMA, or portable
/// <see cref="System.Runtime.Intrinsics.Vector128{T}"/>), multi-threaded over the rows or columns of C.
/// Narrow, deep products A * B^T (n &lt;= 12, k &gt;= 64) are computed as dot products instead, see <see cref="GemmDot"/>.
/// </summary>
/// <remarks>
/// Results do not depend on the number of threads: each element of C is computed by the same sequence of operations
/// wherever it falls. The depth K is split only by the row form, into runs set by K alone
/// (<see cref="GemmRows.DepthRuns"/>). After the first call of a given size nothing is allocated. Call it with
/// <c>maxThreads: 1</c> from inside a <see cref="IWorkItem"/>, since <see cref="CpuThreads.Run"/> does not nest.
/// </remarks>
public static class Sgemm
{
    /// <summary>
    /// Below this many multiply-adds (a few microseconds of work) a call runs on the calling thread alone: waking a
    /// worker costs more than it saves.
    /// </summary>
    internal const long ParallelThreshold = 1L << 19;

    /// <summary>
    /// Up to this many rows, a row-major (untransposed) B is read in place instead of packed: its slivers are
    /// reused by too few A panels to repay the copy (the GEMMs of a convolution have K/G = 16 to 64 rows).
    /// Measured: +20-30% on 16x784x9, 32x196x144, 64x576x288; a loss only from about 256 rows with power-of-two strides.
    /// </summary>
    internal const int DirectBRows = 128;

    private static readonly GemmKernel Kernel = SelectKernel();

    [ThreadStatic]
    private static GemmWork? t_work;

    [ThreadStatic]
    private static RowsWork? t_rowsWork;

    /// <summary>The microkernel this machine uses, e.g. <c>MicroKernel8x32Avx512</c>.</summary>
    public static string KernelName => Kernel switch
    {
        GemmKernel.Avx512 => nameof(MicroKernel8x32Avx512),
        GemmKernel.Avx2 => nameof(MicroKernel6x16Avx2),
        _ => nameof(MicroKernel6x8Vector128),
    };

    /// <summary>
    /// C = op(A) * op(B) + beta * C with row-major storage. op(A) is (m x k), op(B) is (k x n), C is (m x n).
    /// </summary>
    /// <param name="transposeA">False: A is stored (m x k). True: A is stored (k x m) and op(A) = A^T.</param>
    /// <param name="transposeB">False: B is stored (k x n). True: B is stored (n x k) and op(B) = B^T.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored: at least k, or m when <paramref name="transposeA"/>.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored: at least n, or k when <paramref name="transposeB"/>.</param>
    /// <param name="c">C, row-major with row stride <paramref name="ldc"/>; elements between rows are not touched.</param>
    /// <param name="ldc">Row stride of C: at least n.</param>
    /// <param name="beta">0: overwrite C (its old contents, even NaN, are ignored). 1: accumulate into C.</param>
    /// <param name="maxThreads">Upper bound on threads (the pool size <see cref="CpuThreads.Count"/> is the other).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative size, a stride shorter than the stored row, beta not 0 or 1, or maxThreads &lt; 1.</exception>
    /// <exception cref="ArgumentException">A span too short for its matrix, or C overlapping A or B.</exception>
    public static unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        float beta = 0f, int maxThreads = int.MaxValue)
    {
        MultiplyUsing(GemmDot.Suits(transposeA, transposeB, n, k), transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, beta, maxThreads);
    }

    /// <summary>
    /// <see cref="Multiply"/> with the algorithm chosen by the caller: <paramref name="dotProducts"/> selects <see cref="GemmDot"/> (only for
    /// transposeB without transposeA). A caller that computes one product in several calls over parts of C must
    /// choose once for the whole product, since the two algorithms round differently.
    /// </summary>
    internal static unsafe void MultiplyUsing(bool dotProducts, bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, float beta, int maxThreads)
    {
        GemmChecks.Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, beta);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (dotProducts && (transposeA || !transposeB))
        {
            throw new ArgumentException("The dot-product form needs transposeB without transposeA.", nameof(dotProducts));
        }
        // Safe: the spans are pinned for the whole computation, the checks above proved every index the driver
        // forms is inside them, and CpuThreads.Run returns only after every worker has finished.
        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(new GemmArgs(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, beta != 0f, dotProducts: dotProducts), maxThreads);
        }
    }

    /// <summary>
    /// C = A * B + rowBias[i] (no transposes, C overwritten), the GEMM of a convolution with its bias as the starting
    /// value of the accumulators instead of a separate pass over C. Arguments as for <see cref="Multiply"/>.
    /// </summary>
    internal static unsafe void MultiplyAddRowBias(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        ReadOnlySpan<float> rowBias, Span<float> c, int ldc, int maxThreads)
    {
        GemmChecks.Validate(false, false, m, n, k, a, lda, b, ldb, c, ldc, 0f);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowBias.Length, m, nameof(rowBias));
        if (k == 0)
        {
            for (var i = 0; i < m; i++)
            {
                c.Slice(i * ldc, n).Fill(rowBias[i]);
            }
            return;
        }
        // Safe: as in Multiply.
        fixed (float* pa = a, pb = b, pc = c, pbias = rowBias)
        {
            Run(new GemmArgs(false, false, m, n, k, pa, lda, pb, ldb, pc, ldc, false, pbias), maxThreads);
        }
    }

    private static unsafe void Run(in GemmArgs args, int maxThreads)
    {
        if (args.M == 0 || args.N == 0)
        {
            return;
        }
        if (args.K == 0)
        {
            if (!args.Accumulate)
            {
                for (var i = 0; i < args.M; i++)
                {
                    new Span<float>(args.C + (nint)i * args.Ldc, args.N).Clear();
                }
            }
            return;
        }
        if (args.Rows && GemmRows.DepthRuns(args.K) > 1)
        {
            RunRows(args, maxThreads);
            return;
        }
        var (mr, nr) = TileSize(args);
        var tiles = (long)((args.M + mr - 1) / mr) * ((args.N + nr - 1) / nr);
        var threads = (long)args.M * args.N * args.K < ParallelThreshold ? 1 : (int)Math.Min(Math.Min(maxThreads, CpuThreads.Count), tiles);
        if (threads <= 1)
        {
            Compute(args, 0, args.M, 0, args.N);
            return;
        }
        var work = t_work ??= new GemmWork();
        work.Args = args;
        try
        {
            CpuThreads.Run(work, threads);
        }
        finally
        {
            work.Args = default;
        }
    }

    /// <summary>The row form with its depth split into runs (<see cref="GemmRows.DepthRuns"/>), shared between threads a run at a time.</summary>
    private static unsafe void RunRows(in GemmArgs args, int maxThreads)
    {
        var runs = GemmRows.DepthRuns(args.K);
        var units = runs * GemmRows.ColumnBlocks(args.N);
        // Safe: every run writes only its own m x n partial rows inside the buffer, which is pinned, and
        // CpuThreads.Run returns only after every worker has finished.
        var partials = GemmBuffers.Partials(checked((int)GemmRows.PartialLength(args.M, args.N, args.K)));
        var threads = (long)args.M * args.N * args.K < ParallelThreshold ? 1 : Math.Min(Math.Min(maxThreads, CpuThreads.Count), units);
        if (threads <= 1)
        {
            GemmRows.ComputeRuns(args, runs, partials, 0, units);
        }
        else
        {
            var work = t_rowsWork ??= new RowsWork();
            work.Args = args;
            work.Runs = runs;
            work.Units = units;
            work.Partials = partials;
            try
            {
                CpuThreads.Run(work, threads);
            }
            finally
            {
                work.Args = default;
                work.Partials = null;
            }
        }
        GemmRows.AddRuns(args, runs, partials);
    }

    /// <summary>Rows [i0, i1) and columns [j0, j1) of C on the calling thread with this machine's kernel.</summary>
    private static void Compute(in GemmArgs args, int i0, int i1, int j0, int j1)
    {
        if (args.DotProducts)
        {
            GemmDot.Compute(args, i0, i1, j0, j1);
            return;
        }
        if (args.Rows)
        {
            GemmRows.Compute(args, i0, i1, j0, j1);
            return;
        }
        switch (Kernel)
        {
            case GemmKernel.Avx512:
                GemmDriver<MicroKernel8x32Avx512>.Compute(args, i0, i1, j0, j1);
                break;
            case GemmKernel.Avx2:
                GemmDriver<MicroKernel6x16Avx2>.Compute(args, i0, i1, j0, j1);
                break;
            default:
                GemmDriver<MicroKernel6x8Vector128>.Compute(args, i0, i1, j0, j1);
                break;
        }
    }

    /// <summary>The tile C is split between threads in: the microkernel's, or for <see cref="GemmRows"/> all rows by a block of columns.</summary>
    private static (int Mr, int Nr) TileSize(in GemmArgs args) => args.Rows ? (Math.Max(1, args.M), GemmRows.BlockColumns) : Kernel switch
    {
        GemmKernel.Avx512 => (MicroKernel8x32Avx512.Mr, MicroKernel8x32Avx512.Nr),
        GemmKernel.Avx2 => (MicroKernel6x16Avx2.Mr, MicroKernel6x16Avx2.Nr),
        _ => (MicroKernel6x8Vector128.Mr, MicroKernel6x8Vector128.Nr),
    };

    private static GemmKernel SelectKernel()
    {
        if (MicroKernel8x32Avx512.IsSupported)
        {
            return GemmKernel.Avx512;
        }
        return MicroKernel6x16Avx2.IsSupported ? GemmKernel.Avx2 : GemmKernel.Portable;
    }

    private enum GemmKernel
    {
        Portable,
        Avx2,
        Avx512,
    }

    /// <summary>Gives each thread a contiguous share of the units of <see cref="GemmRows.ComputeRuns"/>.</summary>
    private sealed unsafe class RowsWork : IWorkItem
    {
        public GemmArgs Args { get; set; }

        public int Runs { get; set; }

        public int Units { get; set; }

        public float* Partials { get; set; }

        public void Execute(int threadIndex, int threadCount)
        {
            var (u0, u1) = CpuThreads.Slice(Units, threadIndex, threadCount);
            if (u0 < u1)
            {
                GemmRows.ComputeRuns(Args, Runs, Partials, u0, u1);
            }
        }
    }

    /// <summary>
    /// Splits C between threads in whole tiles. A thread splitting by columns packs all of A, one splitting by rows
    /// all of B (unless B is read in place), so: by rows when B is read in place, otherwise along the side that
    /// makes the repeated packing smaller, as long as every thread gets a tile.
    /// </summary>
    private sealed class GemmWork : IWorkItem
    {
        public GemmArgs Args { get; set; }

        public void Execute(int threadIndex, int threadCount)
        {
            var args = Args;
            var (mr, nr) = TileSize(args);
            var mTiles = (args.M + mr - 1) / mr;
            var nTiles = (args.N + nr - 1) / nr;
            var rowsPerThread = (mTiles + threadCount - 1) / threadCount * mr;
            var bInPlace = !args.TransposeB && rowsPerThread <= DirectBRows;
            var splitColumns = !(bInPlace && mTiles >= threadCount)
                && nTiles >= threadCount && (args.M <= args.N || mTiles < threadCount);
            if (splitColumns)
            {
                var (t0, t1) = CpuThreads.Slice(nTiles, threadIndex, threadCount);
                var j0 = t0 * nr;
                var j1 = Math.Min(args.N, t1 * nr);
                if (j0 < j1)
                {
                    Compute(args, 0, args.M, j0, j1);
                }
            }
            else
            {
                var (t0, t1) = CpuThreads.Slice(mTiles, threadIndex, threadCount);
                var i0 = t0 * mr;
                var i1 = Math.Min(args.M, t1 * mr);
                if (i0 < i1)
                {
                    Compute(args, i0, i1, 0, args.N);
                }
            }
        }
    }
}
