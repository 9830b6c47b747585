using System.Runtime.CompilerServices;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// The blocked SGEMM loop nest (GotoBLAS / BLIS order) around one microkernel:
/// <code>
/// for jc in columns, step Nc          B panel    (Kc x Nc)  packed, stays in L2/L3
///   for pc in depth, step Kc
///     pack B(pc.., jc..)
///     for ic in rows, step Mc         A block    (Mc x Kc)  packed, stays in L2
///       pack A(ic.., pc..)
///       for jr in Nc, step Nr         B sliver   (Kc x Nr)  stays in L1
///         for ir in Mc, step Mr       microkernel: Mr x Nr tile of C in registers
/// </code>
/// Partial tiles at the right and bottom edges are computed by the same microkernel (or its half-width twin,
/// which has the same per-element arithmetic) on zero-padded panels into a scratch tile and then copied, so every
/// element of C gets the same bits wherever it lies. When C has few rows, a row-major B is read in place rather
/// than packed (see <see cref="Sgemm.DirectBRows"/>); a row bias, if any, is the starting value of the accumulators.
/// The depth is cut into equal blocks that depend only on K, which keeps results independent of how rows and
/// columns are shared between threads.
/// </summary>
internal static unsafe class GemmDriver<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Largest depth block: a Kc x Nr sliver of B should sit in the 48 KiB L1 next to the A sliver.</summary>
    internal const int KcMax = 256;

    /// <summary>
    /// Rows of A packed at once (about 64): the Mc x Kc block sits in L2 many times over, and each B sliver's pass
    /// over it touches Mc rows of C. With 128, 2048^3 ran about 5% slower; smaller sizes did not change.
    /// </summary>
    internal static int Mc => 64 / TKernel.Mr * TKernel.Mr;

    /// <summary>Columns of B packed at once.</summary>
    internal static int Nc => 2048 / TKernel.Nr * TKernel.Nr;

    /// <summary>The depth of every block but the last (all blocks have equal size up to rounding).</summary>
    internal static int DepthBlock(int k)
    {
        var blocks = (k + KcMax - 1) / KcMax;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>Computes rows [i0, i1) and columns [j0, j1) of C on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(in GemmArgs g, int i0, int i1, int j0, int j1)
    {
        var mr = TKernel.Mr;
        var nr = TKernel.Nr;
        var kcStd = DepthBlock(g.K);
        var ncMax = Math.Min(Nc, RoundUp(j1 - j0, nr));
        var mcMax = Math.Min(Mc, RoundUp(i1 - i0, mr));
        var packedB = GemmBuffers.PackedB(kcStd * ncMax);
        var packedA = GemmBuffers.PackedA(kcStd * mcMax);
        var tile = stackalloc float[mr * nr];
        var biasTile = stackalloc float[mr];
        var directB = !g.TransposeB && i1 - i0 <= Sgemm.DirectBRows;

        for (var jc = j0; jc < j1; jc += Nc)
        {
            var nc = Math.Min(Nc, j1 - jc);
            for (var pc = 0; pc < g.K; pc += kcStd)
            {
                var kc = Math.Min(kcStd, g.K - pc);
                var accumulate = g.Accumulate || pc > 0;
                var bias = pc == 0 ? g.RowBias : null;
                if (!directB)
                {
                    PackB(g, pc, kc, jc, nc, packedB);
                }
                for (var ic = i0; ic < i1; ic += Mc)
                {
                    var mc = Math.Min(Mc, i1 - ic);
                    PackA(g, ic, mc, pc, kc, packedA);
                    for (var jr = 0; jr < nc; jr += nr)
                    {
                        var cols = Math.Min(nr, nc - jr);
                        var bPanel = packedB + (nint)jr * kc;
                        nint ldb = nr;
                        if (directB)
                        {
                            if (cols == nr)
                            {
                                bPanel = g.B + (nint)pc * g.Ldb + jc + jr;
                                ldb = g.Ldb;
                            }
                            else
                            {
                                PackB(g, pc, kc, jc + jr, cols, packedB);
                                bPanel = packedB;
                            }
                        }
                        for (var ir = 0; ir < mc; ir += mr)
                        {
                            var rows = Math.Min(mr, mc - ir);
                            var aPanel = packedA + (nint)ir * kc;
                            var cTile = g.C + (nint)(ic + ir) * g.Ldc + jc + jr;
                            var tileBias = bias is null ? null : PaddedBias(bias, ic + ir, rows, biasTile);
                            if (rows == mr && cols == nr)
                            {
                                TKernel.Run(kc, aPanel, bPanel, ldb, cTile, g.Ldc, accumulate, tileBias);
                            }
                            else if (rows == mr && cols == nr / 2)
                            {
                                TKernel.RunHalf(kc, aPanel, bPanel, ldb, cTile, g.Ldc, accumulate, tileBias);
                            }
                            else
                            {
                                if (cols <= nr / 2)
                                {
                                    TKernel.RunHalf(kc, aPanel, bPanel, ldb, tile, nr, false, tileBias);
                                }
                                else
                                {
                                    TKernel.Run(kc, aPanel, bPanel, ldb, tile, nr, false, tileBias);
                                }
                                MergeTile(tile, nr, rows, cols, cTile, g.Ldc, accumulate);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The Mr bias values of the tile starting at row <paramref name="row0"/>: a pointer into the bias itself, or,
    /// for a bottom edge tile, a copy padded with zeros so that the kernel never reads past the bias.
    /// </summary>
    private static float* PaddedBias(float* bias, int row0, int rows, float* scratch)
    {
        if (rows == TKernel.Mr)
        {
            return bias + row0;
        }
        for (var i = 0; i < TKernel.Mr; i++)
        {
            scratch[i] = i < rows ? bias[row0 + i] : 0f;
        }
        return scratch;
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>C[i, j] = (accumulate ? C[i, j] : 0) + tile[i, j] for the rows x cols corner of an edge tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeTile(float* tile, int nr, int rows, int cols, float* c, nint ldc, bool accumulate)
    {
        for (var i = 0; i < rows; i++)
        {
            var src = new ReadOnlySpan<float>(tile + (nint)i * nr, cols);
            var dst = new Span<float>(c + i * ldc, cols);
            if (accumulate)
            {
                for (var j = 0; j < cols; j++)
                {
                    dst[j] += src[j];
                }
            }
            else
            {
                src.CopyTo(dst);
            }
        }
    }

    /// <summary>
    /// Packs op(A)[ic..ic+mc, pc..pc+kc] into micro-panels of Mr rows: panel r holds element (i, p) at
    /// r*kc*Mr + p*Mr + i, rows past mc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in GemmArgs g, int ic, int mc, int pc, int kc, float* dest)
    {
        var mr = TKernel.Mr;
        nint lda = g.Lda;
        for (var ir = 0; ir < mc; ir += mr)
        {
            var rows = Math.Min(mr, mc - ir);
            var d = dest + (nint)ir * kc;
            if (rows < mr)
            {
                new Span<float>(d, kc * mr).Clear();
            }
            if (g.TransposeA)
            {
                // Stored (K x M): the Mr values of one step of k are contiguous.
                var s = g.A + pc * lda + ic + ir;
                for (var p = 0; p < kc; p++)
                {
                    GemmPacking.Copy(s + p * lda, d + (nint)p * mr, rows);
                }
            }
            else
            {
                // Stored (M x K): each row is contiguous in k, so this is a transpose.
                GemmPacking.Transpose(g.A + (ic + ir) * lda + pc, lda, rows, kc, d, mr);
            }
        }
    }

    /// <summary>
    /// Packs op(B)[pc..pc+kc, jc..jc+nc] into micro-panels of Nr columns: panel r holds element (p, j) at
    /// r*kc*Nr + p*Nr + j, columns past nc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in GemmArgs g, int pc, int kc, int jc, int nc, float* dest)
    {
        var nr = TKernel.Nr;
        nint ldb = g.Ldb;
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            var d = dest + (nint)jr * kc;
            if (cols < nr)
            {
                new Span<float>(d, kc * nr).Clear();
            }
            if (!g.TransposeB)
            {
                // Stored (K x N): the Nr values of one step of k are contiguous.
                var s = g.B + pc * ldb + jc + jr;
                for (var p = 0; p < kc; p++)
                {
                    GemmPacking.Copy(s + p * ldb, d + (nint)p * nr, cols);
                }
            }
            else
            {
                // Stored (N x K): each stored row is one column of op(B), contiguous in k, so this is a transpose.
                GemmPacking.Transpose(g.B + (jc + jr) * ldb + pc, ldb, cols, kc, d, nr);
            }
        }
    }
}
