using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// SGEMM as dot products, C[i, j] = (accumulate ? C[i, j] : 0) + sum over p of A[i, p] * B[j, p], for
/// op(A) = A (m x k) and op(B) = B^T with B stored (n x k): both operands are contiguous along k, so nothing is
/// packed or transposed. It beats the packed kernel when C is narrow and k long, such as the filter gradient of
/// a first convolution layer (16 x 9 x 784): the packed kernel would transpose both operands and fill a 32-wide
/// tile with 9 useful columns.
/// </summary>
/// <remarks>
/// Every element is computed the same way wherever it lies: one vector accumulator over whole vectors of k in
/// order, its lane sum, then the leftover k one fused multiply-add at a time. Blocks of 4 x 4 elements only share
/// the loads, so results do not depend on how C is split between threads.
/// </remarks>
internal static unsafe class GemmDot
{
    /// <summary>
    /// Whether the dot-product form suits an (m x n x k) product with these transposes. Measured against the packed
    /// kernel in one run: 16x9x784 3-6x faster, 32x9x676 1.8x, 64x10x128 1.15x; 32x16x196 0.85x, hence n     /// <summary>Whether the dot-product form suits an (m x n x k) product with these transposes.</summary>lt;= 12.
    /// </summary>
    public static bool Suits(bool transposeA, bool transposeB, int n, int k) => !transposeA && transposeB && n <= 12 && k >= 64;

    /// <summary>Computes rows [i0, i1) and columns [j0, j1) of C on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(in GemmArgs g, int i0, int i1, int j0, int j1)
    {
        nint lda = g.Lda;
        nint ldb = g.Ldb;
        nint ldc = g.Ldc;
        for (var i = i0; i < i1; i += 4)
        {
            for (var j = j0; j < j1; j += 4)
            {
                var a = g.A + i * lda;
                var b = g.B + j * ldb;
                var c = g.C + i * ldc + j;
                if (i + 4 <= i1 && j + 4 <= j1)
                {
                    if (Vector512.IsHardwareAccelerated)
                    {
                        Block4x4Vector512(a, lda, b, ldb, g.K, c, ldc, g.Accumulate);
                    }
                    else if (Vector256.IsHardwareAccelerated)
                    {
                        Block4x4Vector256(a, lda, b, ldb, g.K, c, ldc, g.Accumulate);
                    }
                    else
                    {
                        Block4x4Vector128(a, lda, b, ldb, g.K, c, ldc, g.Accumulate);
                    }
                    continue;
                }
                var rows = Math.Min(4, i1 - i);
                var cols = Math.Min(4, j1 - j);
                if (rows == 4)
                {
                    // Right edge: one column at a time, four rows (four independent chains) per pass.
                    for (var jj = 0; jj < cols; jj++)
                    {
                        if (Vector512.IsHardwareAccelerated)
                        {
                            Block4x1Vector512(a, lda, b + jj * ldb, ldb, g.K, c + jj, ldc, g.Accumulate);
                        }
                        else if (Vector256.IsHardwareAccelerated)
                        {
                            Block4x1Vector256(a, lda, b + jj * ldb, ldb, g.K, c + jj, ldc, g.Accumulate);
                        }
                        else
                        {
                            Block4x1Vector128(a, lda, b + jj * ldb, ldb, g.K, c + jj, ldc, g.Accumulate);
                        }
                    }
                    continue;
                }
                for (var ii = 0; ii < rows; ii++)
                {
                    var ai = a + ii * lda;
                    var ci = c + ii * ldc;
                    if (cols == 4)
                    {
                        // Bottom edge: one row at a time, four columns per pass.
                        if (Vector512.IsHardwareAccelerated)
                        {
                            Block1x4Vector512(ai, lda, b, ldb, g.K, ci, ldc, g.Accumulate);
                        }
                        else if (Vector256.IsHardwareAccelerated)
                        {
                            Block1x4Vector256(ai, lda, b, ldb, g.K, ci, ldc, g.Accumulate);
                        }
                        else
                        {
                            Block1x4Vector128(ai, lda, b, ldb, g.K, ci, ldc, g.Accumulate);
                        }
                        continue;
                    }
                    for (var jj = 0; jj < cols; jj++)
                    {
                        var bj = b + jj * ldb;
                        if (Vector512.IsHardwareAccelerated)
                        {
                            ElementVector512(ai, bj, g.K, ci + jj, g.Accumulate);
                        }
                        else if (Vector256.IsHardwareAccelerated)
                        {
                            ElementVector256(ai, bj, g.K, ci + jj, g.Accumulate);
                        }
                        else
                        {
                            ElementVector128(ai, bj, g.K, ci + jj, g.Accumulate);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds the leftover k (p to k) to the lane sum and stores or accumulates the element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float sum, float* a, float* b, int p, int k, float* c, bool accumulate)
    {
        for (; p < k; p++)
        {
            sum = MathF.FusedMultiplyAdd(a[p], b[p], sum);
        }
        *c = accumulate ? *c + sum : sum;
    }

    // Safe: Compute passes 4 rows of A and of B with k readable floats each and a 4 x 4 block of C inside C.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x4Vector512(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector512<float>.Zero;
        var s01 = Vector512<float>.Zero;
        var s02 = Vector512<float>.Zero;
        var s03 = Vector512<float>.Zero;
        var s10 = Vector512<float>.Zero;
        var s11 = Vector512<float>.Zero;
        var s12 = Vector512<float>.Zero;
        var s13 = Vector512<float>.Zero;
        var s20 = Vector512<float>.Zero;
        var s21 = Vector512<float>.Zero;
        var s22 = Vector512<float>.Zero;
        var s23 = Vector512<float>.Zero;
        var s30 = Vector512<float>.Zero;
        var s31 = Vector512<float>.Zero;
        var s32 = Vector512<float>.Zero;
        var s33 = Vector512<float>.Zero;
        var p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var a0 = Vector512.Load(a + 0 * lda + p);
            var a1 = Vector512.Load(a + 1 * lda + p);
            var a2 = Vector512.Load(a + 2 * lda + p);
            var a3 = Vector512.Load(a + 3 * lda + p);
            var b0 = Vector512.Load(b + 0 * ldb + p);
            s00 = Vector512.FusedMultiplyAdd(a0, b0, s00);
            s10 = Vector512.FusedMultiplyAdd(a1, b0, s10);
            s20 = Vector512.FusedMultiplyAdd(a2, b0, s20);
            s30 = Vector512.FusedMultiplyAdd(a3, b0, s30);
            var b1 = Vector512.Load(b + 1 * ldb + p);
            s01 = Vector512.FusedMultiplyAdd(a0, b1, s01);
            s11 = Vector512.FusedMultiplyAdd(a1, b1, s11);
            s21 = Vector512.FusedMultiplyAdd(a2, b1, s21);
            s31 = Vector512.FusedMultiplyAdd(a3, b1, s31);
            var b2 = Vector512.Load(b + 2 * ldb + p);
            s02 = Vector512.FusedMultiplyAdd(a0, b2, s02);
            s12 = Vector512.FusedMultiplyAdd(a1, b2, s12);
            s22 = Vector512.FusedMultiplyAdd(a2, b2, s22);
            s32 = Vector512.FusedMultiplyAdd(a3, b2, s32);
            var b3 = Vector512.Load(b + 3 * ldb + p);
            s03 = Vector512.FusedMultiplyAdd(a0, b3, s03);
            s13 = Vector512.FusedMultiplyAdd(a1, b3, s13);
            s23 = Vector512.FusedMultiplyAdd(a2, b3, s23);
            s33 = Vector512.FusedMultiplyAdd(a3, b3, s33);
        }
        Finish(Vector512.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s01), a + 0 * lda, b + 1 * ldb, p, k, c + 0 * ldc + 1, accumulate);
        Finish(Vector512.Sum(s02), a + 0 * lda, b + 2 * ldb, p, k, c + 0 * ldc + 2, accumulate);
        Finish(Vector512.Sum(s03), a + 0 * lda, b + 3 * ldb, p, k, c + 0 * ldc + 3, accumulate);
        Finish(Vector512.Sum(s10), a + 1 * lda, b + 0 * ldb, p, k, c + 1 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s11), a + 1 * lda, b + 1 * ldb, p, k, c + 1 * ldc + 1, accumulate);
        Finish(Vector512.Sum(s12), a + 1 * lda, b + 2 * ldb, p, k, c + 1 * ldc + 2, accumulate);
        Finish(Vector512.Sum(s13), a + 1 * lda, b + 3 * ldb, p, k, c + 1 * ldc + 3, accumulate);
        Finish(Vector512.Sum(s20), a + 2 * lda, b + 0 * ldb, p, k, c + 2 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s21), a + 2 * lda, b + 1 * ldb, p, k, c + 2 * ldc + 1, accumulate);
        Finish(Vector512.Sum(s22), a + 2 * lda, b + 2 * ldb, p, k, c + 2 * ldc + 2, accumulate);
        Finish(Vector512.Sum(s23), a + 2 * lda, b + 3 * ldb, p, k, c + 2 * ldc + 3, accumulate);
        Finish(Vector512.Sum(s30), a + 3 * lda, b + 0 * ldb, p, k, c + 3 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s31), a + 3 * lda, b + 1 * ldb, p, k, c + 3 * ldc + 1, accumulate);
        Finish(Vector512.Sum(s32), a + 3 * lda, b + 2 * ldb, p, k, c + 3 * ldc + 2, accumulate);
        Finish(Vector512.Sum(s33), a + 3 * lda, b + 3 * ldb, p, k, c + 3 * ldc + 3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ElementVector512(float* a, float* b, int k, float* c, bool accumulate)
    {
        var s = Vector512<float>.Zero;
        var p = 0;
        for (; p + 16 <= k; p += 16)
        {
            s = Vector512.FusedMultiplyAdd(Vector512.Load(a + p), Vector512.Load(b + p), s);
        }
        Finish(Vector512.Sum(s), a, b, p, k, c, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x4Vector256(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector256<float>.Zero;
        var s01 = Vector256<float>.Zero;
        var s02 = Vector256<float>.Zero;
        var s03 = Vector256<float>.Zero;
        var s10 = Vector256<float>.Zero;
        var s11 = Vector256<float>.Zero;
        var s12 = Vector256<float>.Zero;
        var s13 = Vector256<float>.Zero;
        var s20 = Vector256<float>.Zero;
        var s21 = Vector256<float>.Zero;
        var s22 = Vector256<float>.Zero;
        var s23 = Vector256<float>.Zero;
        var s30 = Vector256<float>.Zero;
        var s31 = Vector256<float>.Zero;
        var s32 = Vector256<float>.Zero;
        var s33 = Vector256<float>.Zero;
        var p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var a0 = Vector256.Load(a + 0 * lda + p);
            var a1 = Vector256.Load(a + 1 * lda + p);
            var a2 = Vector256.Load(a + 2 * lda + p);
            var a3 = Vector256.Load(a + 3 * lda + p);
            var b0 = Vector256.Load(b + 0 * ldb + p);
            s00 = Vector256.MultiplyAddEstimate(a0, b0, s00);
            s10 = Vector256.MultiplyAddEstimate(a1, b0, s10);
            s20 = Vector256.MultiplyAddEstimate(a2, b0, s20);
            s30 = Vector256.MultiplyAddEstimate(a3, b0, s30);
            var b1 = Vector256.Load(b + 1 * ldb + p);
            s01 = Vector256.MultiplyAddEstimate(a0, b1, s01);
            s11 = Vector256.MultiplyAddEstimate(a1, b1, s11);
            s21 = Vector256.MultiplyAddEstimate(a2, b1, s21);
            s31 = Vector256.MultiplyAddEstimate(a3, b1, s31);
            var b2 = Vector256.Load(b + 2 * ldb + p);
            s02 = Vector256.MultiplyAddEstimate(a0, b2, s02);
            s12 = Vector256.MultiplyAddEstimate(a1, b2, s12);
            s22 = Vector256.MultiplyAddEstimate(a2, b2, s22);
            s32 = Vector256.MultiplyAddEstimate(a3, b2, s32);
            var b3 = Vector256.Load(b + 3 * ldb + p);
            s03 = Vector256.MultiplyAddEstimate(a0, b3, s03);
            s13 = Vector256.MultiplyAddEstimate(a1, b3, s13);
            s23 = Vector256.MultiplyAddEstimate(a2, b3, s23);
            s33 = Vector256.MultiplyAddEstimate(a3, b3, s33);
        }
        Finish(Vector256.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s01), a + 0 * lda, b + 1 * ldb, p, k, c + 0 * ldc + 1, accumulate);
        Finish(Vector256.Sum(s02), a + 0 * lda, b + 2 * ldb, p, k, c + 0 * ldc + 2, accumulate);
        Finish(Vector256.Sum(s03), a + 0 * lda, b + 3 * ldb, p, k, c + 0 * ldc + 3, accumulate);
        Finish(Vector256.Sum(s10), a + 1 * lda, b + 0 * ldb, p, k, c + 1 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s11), a + 1 * lda, b + 1 * ldb, p, k, c + 1 * ldc + 1, accumulate);
        Finish(Vector256.Sum(s12), a + 1 * lda, b + 2 * ldb, p, k, c + 1 * ldc + 2, accumulate);
        Finish(Vector256.Sum(s13), a + 1 * lda, b + 3 * ldb, p, k, c + 1 * ldc + 3, accumulate);
        Finish(Vector256.Sum(s20), a + 2 * lda, b + 0 * ldb, p, k, c + 2 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s21), a + 2 * lda, b + 1 * ldb, p, k, c + 2 * ldc + 1, accumulate);
        Finish(Vector256.Sum(s22), a + 2 * lda, b + 2 * ldb, p, k, c + 2 * ldc + 2, accumulate);
        Finish(Vector256.Sum(s23), a + 2 * lda, b + 3 * ldb, p, k, c + 2 * ldc + 3, accumulate);
        Finish(Vector256.Sum(s30), a + 3 * lda, b + 0 * ldb, p, k, c + 3 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s31), a + 3 * lda, b + 1 * ldb, p, k, c + 3 * ldc + 1, accumulate);
        Finish(Vector256.Sum(s32), a + 3 * lda, b + 2 * ldb, p, k, c + 3 * ldc + 2, accumulate);
        Finish(Vector256.Sum(s33), a + 3 * lda, b + 3 * ldb, p, k, c + 3 * ldc + 3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ElementVector256(float* a, float* b, int k, float* c, bool accumulate)
    {
        var s = Vector256<float>.Zero;
        var p = 0;
        for (; p + 8 <= k; p += 8)
        {
            s = Vector256.MultiplyAddEstimate(Vector256.Load(a + p), Vector256.Load(b + p), s);
        }
        Finish(Vector256.Sum(s), a, b, p, k, c, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x4Vector128(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector128<float>.Zero;
        var s01 = Vector128<float>.Zero;
        var s02 = Vector128<float>.Zero;
        var s03 = Vector128<float>.Zero;
        var s10 = Vector128<float>.Zero;
        var s11 = Vector128<float>.Zero;
        var s12 = Vector128<float>.Zero;
        var s13 = Vector128<float>.Zero;
        var s20 = Vector128<float>.Zero;
        var s21 = Vector128<float>.Zero;
        var s22 = Vector128<float>.Zero;
        var s23 = Vector128<float>.Zero;
        var s30 = Vector128<float>.Zero;
        var s31 = Vector128<float>.Zero;
        var s32 = Vector128<float>.Zero;
        var s33 = Vector128<float>.Zero;
        var p = 0;
        for (; p + 4 <= k; p += 4)
        {
            var a0 = Vector128.Load(a + 0 * lda + p);
            var a1 = Vector128.Load(a + 1 * lda + p);
            var a2 = Vector128.Load(a + 2 * lda + p);
            var a3 = Vector128.Load(a + 3 * lda + p);
            var b0 = Vector128.Load(b + 0 * ldb + p);
            s00 = Vector128.MultiplyAddEstimate(a0, b0, s00);
            s10 = Vector128.MultiplyAddEstimate(a1, b0, s10);
            s20 = Vector128.MultiplyAddEstimate(a2, b0, s20);
            s30 = Vector128.MultiplyAddEstimate(a3, b0, s30);
            var b1 = Vector128.Load(b + 1 * ldb + p);
            s01 = Vector128.MultiplyAddEstimate(a0, b1, s01);
            s11 = Vector128.MultiplyAddEstimate(a1, b1, s11);
            s21 = Vector128.MultiplyAddEstimate(a2, b1, s21);
            s31 = Vector128.MultiplyAddEstimate(a3, b1, s31);
            var b2 = Vector128.Load(b + 2 * ldb + p);
            s02 = Vector128.MultiplyAddEstimate(a0, b2, s02);
            s12 = Vector128.MultiplyAddEstimate(a1, b2, s12);
            s22 = Vector128.MultiplyAddEstimate(a2, b2, s22);
            s32 = Vector128.MultiplyAddEstimate(a3, b2, s32);
            var b3 = Vector128.Load(b + 3 * ldb + p);
            s03 = Vector128.MultiplyAddEstimate(a0, b3, s03);
            s13 = Vector128.MultiplyAddEstimate(a1, b3, s13);
            s23 = Vector128.MultiplyAddEstimate(a2, b3, s23);
            s33 = Vector128.MultiplyAddEstimate(a3, b3, s33);
        }
        Finish(Vector128.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s01), a + 0 * lda, b + 1 * ldb, p, k, c + 0 * ldc + 1, accumulate);
        Finish(Vector128.Sum(s02), a + 0 * lda, b + 2 * ldb, p, k, c + 0 * ldc + 2, accumulate);
        Finish(Vector128.Sum(s03), a + 0 * lda, b + 3 * ldb, p, k, c + 0 * ldc + 3, accumulate);
        Finish(Vector128.Sum(s10), a + 1 * lda, b + 0 * ldb, p, k, c + 1 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s11), a + 1 * lda, b + 1 * ldb, p, k, c + 1 * ldc + 1, accumulate);
        Finish(Vector128.Sum(s12), a + 1 * lda, b + 2 * ldb, p, k, c + 1 * ldc + 2, accumulate);
        Finish(Vector128.Sum(s13), a + 1 * lda, b + 3 * ldb, p, k, c + 1 * ldc + 3, accumulate);
        Finish(Vector128.Sum(s20), a + 2 * lda, b + 0 * ldb, p, k, c + 2 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s21), a + 2 * lda, b + 1 * ldb, p, k, c + 2 * ldc + 1, accumulate);
        Finish(Vector128.Sum(s22), a + 2 * lda, b + 2 * ldb, p, k, c + 2 * ldc + 2, accumulate);
        Finish(Vector128.Sum(s23), a + 2 * lda, b + 3 * ldb, p, k, c + 2 * ldc + 3, accumulate);
        Finish(Vector128.Sum(s30), a + 3 * lda, b + 0 * ldb, p, k, c + 3 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s31), a + 3 * lda, b + 1 * ldb, p, k, c + 3 * ldc + 1, accumulate);
        Finish(Vector128.Sum(s32), a + 3 * lda, b + 2 * ldb, p, k, c + 3 * ldc + 2, accumulate);
        Finish(Vector128.Sum(s33), a + 3 * lda, b + 3 * ldb, p, k, c + 3 * ldc + 3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ElementVector128(float* a, float* b, int k, float* c, bool accumulate)
    {
        var s = Vector128<float>.Zero;
        var p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s = Vector128.MultiplyAddEstimate(Vector128.Load(a + p), Vector128.Load(b + p), s);
        }
        Finish(Vector128.Sum(s), a, b, p, k, c, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x1Vector512(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector512<float>.Zero;
        var s10 = Vector512<float>.Zero;
        var s20 = Vector512<float>.Zero;
        var s30 = Vector512<float>.Zero;
        var p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var a0 = Vector512.Load(a + 0 * lda + p);
            var a1 = Vector512.Load(a + 1 * lda + p);
            var a2 = Vector512.Load(a + 2 * lda + p);
            var a3 = Vector512.Load(a + 3 * lda + p);
            var b0 = Vector512.Load(b + 0 * ldb + p);
            s00 = Vector512.FusedMultiplyAdd(a0, b0, s00);
            s10 = Vector512.FusedMultiplyAdd(a1, b0, s10);
            s20 = Vector512.FusedMultiplyAdd(a2, b0, s20);
            s30 = Vector512.FusedMultiplyAdd(a3, b0, s30);
        }
        Finish(Vector512.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s10), a + 1 * lda, b + 0 * ldb, p, k, c + 1 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s20), a + 2 * lda, b + 0 * ldb, p, k, c + 2 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s30), a + 3 * lda, b + 0 * ldb, p, k, c + 3 * ldc + 0, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1x4Vector512(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector512<float>.Zero;
        var s01 = Vector512<float>.Zero;
        var s02 = Vector512<float>.Zero;
        var s03 = Vector512<float>.Zero;
        var p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var a0 = Vector512.Load(a + 0 * lda + p);
            var b0 = Vector512.Load(b + 0 * ldb + p);
            s00 = Vector512.FusedMultiplyAdd(a0, b0, s00);
            var b1 = Vector512.Load(b + 1 * ldb + p);
            s01 = Vector512.FusedMultiplyAdd(a0, b1, s01);
            var b2 = Vector512.Load(b + 2 * ldb + p);
            s02 = Vector512.FusedMultiplyAdd(a0, b2, s02);
            var b3 = Vector512.Load(b + 3 * ldb + p);
            s03 = Vector512.FusedMultiplyAdd(a0, b3, s03);
        }
        Finish(Vector512.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector512.Sum(s01), a + 0 * lda, b + 1 * ldb, p, k, c + 0 * ldc + 1, accumulate);
        Finish(Vector512.Sum(s02), a + 0 * lda, b + 2 * ldb, p, k, c + 0 * ldc + 2, accumulate);
        Finish(Vector512.Sum(s03), a + 0 * lda, b + 3 * ldb, p, k, c + 0 * ldc + 3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x1Vector256(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector256<float>.Zero;
        var s10 = Vector256<float>.Zero;
        var s20 = Vector256<float>.Zero;
        var s30 = Vector256<float>.Zero;
        var p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var a0 = Vector256.Load(a + 0 * lda + p);
            var a1 = Vector256.Load(a + 1 * lda + p);
            var a2 = Vector256.Load(a + 2 * lda + p);
            var a3 = Vector256.Load(a + 3 * lda + p);
            var b0 = Vector256.Load(b + 0 * ldb + p);
            s00 = Vector256.MultiplyAddEstimate(a0, b0, s00);
            s10 = Vector256.MultiplyAddEstimate(a1, b0, s10);
            s20 = Vector256.MultiplyAddEstimate(a2, b0, s20);
            s30 = Vector256.MultiplyAddEstimate(a3, b0, s30);
        }
        Finish(Vector256.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s10), a + 1 * lda, b + 0 * ldb, p, k, c + 1 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s20), a + 2 * lda, b + 0 * ldb, p, k, c + 2 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s30), a + 3 * lda, b + 0 * ldb, p, k, c + 3 * ldc + 0, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1x4Vector256(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector256<float>.Zero;
        var s01 = Vector256<float>.Zero;
        var s02 = Vector256<float>.Zero;
        var s03 = Vector256<float>.Zero;
        var p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var a0 = Vector256.Load(a + 0 * lda + p);
            var b0 = Vector256.Load(b + 0 * ldb + p);
            s00 = Vector256.MultiplyAddEstimate(a0, b0, s00);
            var b1 = Vector256.Load(b + 1 * ldb + p);
            s01 = Vector256.MultiplyAddEstimate(a0, b1, s01);
            var b2 = Vector256.Load(b + 2 * ldb + p);
            s02 = Vector256.MultiplyAddEstimate(a0, b2, s02);
            var b3 = Vector256.Load(b + 3 * ldb + p);
            s03 = Vector256.MultiplyAddEstimate(a0, b3, s03);
        }
        Finish(Vector256.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector256.Sum(s01), a + 0 * lda, b + 1 * ldb, p, k, c + 0 * ldc + 1, accumulate);
        Finish(Vector256.Sum(s02), a + 0 * lda, b + 2 * ldb, p, k, c + 0 * ldc + 2, accumulate);
        Finish(Vector256.Sum(s03), a + 0 * lda, b + 3 * ldb, p, k, c + 0 * ldc + 3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x1Vector128(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector128<float>.Zero;
        var s10 = Vector128<float>.Zero;
        var s20 = Vector128<float>.Zero;
        var s30 = Vector128<float>.Zero;
        var p = 0;
        for (; p + 4 <= k; p += 4)
        {
            var a0 = Vector128.Load(a + 0 * lda + p);
            var a1 = Vector128.Load(a + 1 * lda + p);
            var a2 = Vector128.Load(a + 2 * lda + p);
            var a3 = Vector128.Load(a + 3 * lda + p);
            var b0 = Vector128.Load(b + 0 * ldb + p);
            s00 = Vector128.MultiplyAddEstimate(a0, b0, s00);
            s10 = Vector128.MultiplyAddEstimate(a1, b0, s10);
            s20 = Vector128.MultiplyAddEstimate(a2, b0, s20);
            s30 = Vector128.MultiplyAddEstimate(a3, b0, s30);
        }
        Finish(Vector128.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s10), a + 1 * lda, b + 0 * ldb, p, k, c + 1 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s20), a + 2 * lda, b + 0 * ldb, p, k, c + 2 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s30), a + 3 * lda, b + 0 * ldb, p, k, c + 3 * ldc + 0, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1x4Vector128(float* a, nint lda, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
    {
        var s00 = Vector128<float>.Zero;
        var s01 = Vector128<float>.Zero;
        var s02 = Vector128<float>.Zero;
        var s03 = Vector128<float>.Zero;
        var p = 0;
        for (; p + 4 <= k; p += 4)
        {
            var a0 = Vector128.Load(a + 0 * lda + p);
            var b0 = Vector128.Load(b + 0 * ldb + p);
            s00 = Vector128.MultiplyAddEstimate(a0, b0, s00);
            var b1 = Vector128.Load(b + 1 * ldb + p);
            s01 = Vector128.MultiplyAddEstimate(a0, b1, s01);
            var b2 = Vector128.Load(b + 2 * ldb + p);
            s02 = Vector128.MultiplyAddEstimate(a0, b2, s02);
            var b3 = Vector128.Load(b + 3 * ldb + p);
            s03 = Vector128.MultiplyAddEstimate(a0, b3, s03);
        }
        Finish(Vector128.Sum(s00), a + 0 * lda, b + 0 * ldb, p, k, c + 0 * ldc + 0, accumulate);
        Finish(Vector128.Sum(s01), a + 0 * lda, b + 1 * ldb, p, k, c + 0 * ldc + 1, accumulate);
        Finish(Vector128.Sum(s02), a + 0 * lda, b + 2 * ldb, p, k, c + 0 * ldc + 2, accumulate);
        Finish(Vector128.Sum(s03), a + 0 * lda, b + 3 * ldb, p, k, c + 0 * ldc + 3, accumulate);
    }
}
