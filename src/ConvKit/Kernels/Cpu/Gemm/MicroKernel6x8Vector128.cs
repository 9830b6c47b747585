using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// A portable 6 x 8 SGEMM microkernel on <see cref="Vector128{T}"/> (SSE, NEON): 12 accumulators. It uses a fused
/// multiply-add where the hardware has one and a multiply then an add where it does not. It runs everywhere.
/// </summary>
internal readonly struct MicroKernel6x8Vector128 : IGemmMicroKernel
{
    public static int Mr => 6;

    public static int Nr => 8;

    public static bool IsSupported => true;

    // Safe because the driver guarantees: a holds kc*Mr floats, b holds kc rows of Nr floats ldb apart,
    // c addresses Mr rows of Nr writable floats ldc apart, and rowBias is null or holds Mr floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool accumulate, float* rowBias)
    {
        var c00 = Vector128<float>.Zero;
        var c01 = Vector128<float>.Zero;
        var c10 = Vector128<float>.Zero;
        var c11 = Vector128<float>.Zero;
        var c20 = Vector128<float>.Zero;
        var c21 = Vector128<float>.Zero;
        var c30 = Vector128<float>.Zero;
        var c31 = Vector128<float>.Zero;
        var c40 = Vector128<float>.Zero;
        var c41 = Vector128<float>.Zero;
        var c50 = Vector128<float>.Zero;
        var c51 = Vector128<float>.Zero;
        if (rowBias is not null)
        {
            c00 = Vector128.Create(rowBias[0]);
            c01 = Vector128.Create(rowBias[0]);
            c10 = Vector128.Create(rowBias[1]);
            c11 = Vector128.Create(rowBias[1]);
            c20 = Vector128.Create(rowBias[2]);
            c21 = Vector128.Create(rowBias[2]);
            c30 = Vector128.Create(rowBias[3]);
            c31 = Vector128.Create(rowBias[3]);
            c40 = Vector128.Create(rowBias[4]);
            c41 = Vector128.Create(rowBias[4]);
            c50 = Vector128.Create(rowBias[5]);
            c51 = Vector128.Create(rowBias[5]);
        }
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0);
            var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
            var a4 = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(a4, b1, c41);
            var a5 = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(a5, b1, c51);
            a += 6;
            b += ldb;
        }
        if (accumulate)
        {
            c00 += Vector128.Load(c + 0 * ldc + 0);
            c01 += Vector128.Load(c + 0 * ldc + 4);
            c10 += Vector128.Load(c + 1 * ldc + 0);
            c11 += Vector128.Load(c + 1 * ldc + 4);
            c20 += Vector128.Load(c + 2 * ldc + 0);
            c21 += Vector128.Load(c + 2 * ldc + 4);
            c30 += Vector128.Load(c + 3 * ldc + 0);
            c31 += Vector128.Load(c + 3 * ldc + 4);
            c40 += Vector128.Load(c + 4 * ldc + 0);
            c41 += Vector128.Load(c + 4 * ldc + 4);
            c50 += Vector128.Load(c + 5 * ldc + 0);
            c51 += Vector128.Load(c + 5 * ldc + 4);
        }
        c00.Store(c + 0 * ldc + 0);
        c01.Store(c + 0 * ldc + 4);
        c10.Store(c + 1 * ldc + 0);
        c11.Store(c + 1 * ldc + 4);
        c20.Store(c + 2 * ldc + 0);
        c21.Store(c + 2 * ldc + 4);
        c30.Store(c + 3 * ldc + 0);
        c31.Store(c + 3 * ldc + 4);
        c40.Store(c + 4 * ldc + 0);
        c41.Store(c + 4 * ldc + 4);
        c50.Store(c + 5 * ldc + 0);
        c51.Store(c + 5 * ldc + 4);
    }

    // Safe as Run; only the first Nr/2 floats of each row of b and c are touched.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunHalf(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool accumulate, float* rowBias)
    {
        var c00 = Vector128<float>.Zero;
        var c10 = Vector128<float>.Zero;
        var c20 = Vector128<float>.Zero;
        var c30 = Vector128<float>.Zero;
        var c40 = Vector128<float>.Zero;
        var c50 = Vector128<float>.Zero;
        if (rowBias is not null)
        {
            c00 = Vector128.Create(rowBias[0]);
            c10 = Vector128.Create(rowBias[1]);
            c20 = Vector128.Create(rowBias[2]);
            c30 = Vector128.Create(rowBias[3]);
            c40 = Vector128.Create(rowBias[4]);
            c50 = Vector128.Create(rowBias[5]);
        }
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
            var a4 = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(a4, b0, c40);
            var a5 = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(a5, b0, c50);
            a += 6;
            b += ldb;
        }
        if (accumulate)
        {
            c00 += Vector128.Load(c + 0 * ldc + 0);
            c10 += Vector128.Load(c + 1 * ldc + 0);
            c20 += Vector128.Load(c + 2 * ldc + 0);
            c30 += Vector128.Load(c + 3 * ldc + 0);
            c40 += Vector128.Load(c + 4 * ldc + 0);
            c50 += Vector128.Load(c + 5 * ldc + 0);
        }
        c00.Store(c + 0 * ldc + 0);
        c10.Store(c + 1 * ldc + 0);
        c20.Store(c + 2 * ldc + 0);
        c30.Store(c + 3 * ldc + 0);
        c40.Store(c + 4 * ldc + 0);
        c50.Store(c + 5 * ldc + 0);
    }
}
