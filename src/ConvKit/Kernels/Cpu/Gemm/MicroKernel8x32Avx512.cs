using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// An 8 x 32 SGEMM microkernel for AVX-512: 16 zmm accumulators, two 16-wide loads of B and eight broadcasts of A
/// per step of k feed 16 fused multiply-adds.
/// </summary>
internal readonly struct MicroKernel8x32Avx512 : IGemmMicroKernel
{
    public static int Mr => 8;

    public static int Nr => 32;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>The row pitch of C, in floats (4 KiB), from which <see cref="Run"/> prefetches C's tile before its k loop.</summary>
    private const nint PrefetchPitch = 1024;

    // Safe because the driver guarantees: a holds kc*Mr floats, b holds kc rows of Nr floats ldb apart,
    // c addresses Mr rows of Nr writable floats ldc apart, and rowBias is null or holds Mr floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool accumulate, float* rowBias)
    {
        if (ldc >= PrefetchPitch)
        {
            // Rows of C a page or more apart each start on their own page: asking for them now lets their cache and
            // TLB misses overlap the k loop instead of stalling the stores after it (2048^3 on one thread: +5%).
            for (var i = 0; i < 8; i++)
            {
                Sse.Prefetch0(c + i * ldc);
                Sse.Prefetch0(c + i * ldc + 16);
            }
        }
        var c00 = Vector512<float>.Zero;
        var c01 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero;
        var c11 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero;
        var c21 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero;
        var c31 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero;
        var c41 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero;
        var c51 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero;
        var c61 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero;
        var c71 = Vector512<float>.Zero;
        if (rowBias is not null)
        {
            c00 = Vector512.Create(rowBias[0]);
            c01 = Vector512.Create(rowBias[0]);
            c10 = Vector512.Create(rowBias[1]);
            c11 = Vector512.Create(rowBias[1]);
            c20 = Vector512.Create(rowBias[2]);
            c21 = Vector512.Create(rowBias[2]);
            c30 = Vector512.Create(rowBias[3]);
            c31 = Vector512.Create(rowBias[3]);
            c40 = Vector512.Create(rowBias[4]);
            c41 = Vector512.Create(rowBias[4]);
            c50 = Vector512.Create(rowBias[5]);
            c51 = Vector512.Create(rowBias[5]);
            c60 = Vector512.Create(rowBias[6]);
            c61 = Vector512.Create(rowBias[6]);
            c70 = Vector512.Create(rowBias[7]);
            c71 = Vector512.Create(rowBias[7]);
        }
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += ldb;
        }
        if (accumulate)
        {
            c00 += Vector512.Load(c + 0 * ldc + 0);
            c01 += Vector512.Load(c + 0 * ldc + 16);
            c10 += Vector512.Load(c + 1 * ldc + 0);
            c11 += Vector512.Load(c + 1 * ldc + 16);
            c20 += Vector512.Load(c + 2 * ldc + 0);
            c21 += Vector512.Load(c + 2 * ldc + 16);
            c30 += Vector512.Load(c + 3 * ldc + 0);
            c31 += Vector512.Load(c + 3 * ldc + 16);
            c40 += Vector512.Load(c + 4 * ldc + 0);
            c41 += Vector512.Load(c + 4 * ldc + 16);
            c50 += Vector512.Load(c + 5 * ldc + 0);
            c51 += Vector512.Load(c + 5 * ldc + 16);
            c60 += Vector512.Load(c + 6 * ldc + 0);
            c61 += Vector512.Load(c + 6 * ldc + 16);
            c70 += Vector512.Load(c + 7 * ldc + 0);
            c71 += Vector512.Load(c + 7 * ldc + 16);
        }
        c00.Store(c + 0 * ldc + 0);
        c01.Store(c + 0 * ldc + 16);
        c10.Store(c + 1 * ldc + 0);
        c11.Store(c + 1 * ldc + 16);
        c20.Store(c + 2 * ldc + 0);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc + 0);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc + 0);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc + 0);
        c51.Store(c + 5 * ldc + 16);
        c60.Store(c + 6 * ldc + 0);
        c61.Store(c + 6 * ldc + 16);
        c70.Store(c + 7 * ldc + 0);
        c71.Store(c + 7 * ldc + 16);
    }

    // Safe as Run; only the first Nr/2 floats of each row of b and c are touched.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunHalf(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool accumulate, float* rowBias)
    {
        var c00 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero;
        if (rowBias is not null)
        {
            c00 = Vector512.Create(rowBias[0]);
            c10 = Vector512.Create(rowBias[1]);
            c20 = Vector512.Create(rowBias[2]);
            c30 = Vector512.Create(rowBias[3]);
            c40 = Vector512.Create(rowBias[4]);
            c50 = Vector512.Create(rowBias[5]);
            c60 = Vector512.Create(rowBias[6]);
            c70 = Vector512.Create(rowBias[7]);
        }
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            a += 8;
            b += ldb;
        }
        if (accumulate)
        {
            c00 += Vector512.Load(c + 0 * ldc + 0);
            c10 += Vector512.Load(c + 1 * ldc + 0);
            c20 += Vector512.Load(c + 2 * ldc + 0);
            c30 += Vector512.Load(c + 3 * ldc + 0);
            c40 += Vector512.Load(c + 4 * ldc + 0);
            c50 += Vector512.Load(c + 5 * ldc + 0);
            c60 += Vector512.Load(c + 6 * ldc + 0);
            c70 += Vector512.Load(c + 7 * ldc + 0);
        }
        c00.Store(c + 0 * ldc + 0);
        c10.Store(c + 1 * ldc + 0);
        c20.Store(c + 2 * ldc + 0);
        c30.Store(c + 3 * ldc + 0);
        c40.Store(c + 4 * ldc + 0);
        c50.Store(c + 5 * ldc + 0);
        c60.Store(c + 6 * ldc + 0);
        c70.Store(c + 7 * ldc + 0);
    }
}
