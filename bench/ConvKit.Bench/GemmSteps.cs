using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Gemm;

namespace ConvKit.Bench;

/// <summary>
/// The walk-through of docs/kernels.md: the same 512 x 512 x 512 product computed by each step from the textbook
/// loop to the packed, register-blocked kernel, in one run so the numbers compare.
/// </summary>
public static class GemmSteps
{
    public static unsafe void Run(double peak1, double peakN, int threads)
    {
        const int n = 512;
        var a = GemmBenchmark.Random(n * n, 1);
        var b = GemmBenchmark.Random(n * n, 2);
        var c = new float[n * n];
        var flops = 2.0 * n * n * n;
        Console.WriteLine();
        Console.WriteLine($"Walk-through, C = A * B with n = {n}");
        Console.WriteLine($"{"step",-58}{GemmBenchmark.Header}");

        Step("1 naive i-j-p loop, scalar", () => NaiveIjp(a, b, c, n));
        Step("2 i-p-j loop, Vector512 row update (axpy)", () => AxpyIpj(a, b, c, n));
        Kernel<MicroKernel6x8Vector128>("3 packed, 6x8 Vector128 microkernel");
        Kernel<MicroKernel6x16Avx2>("4 packed, 6x16 AVX2 microkernel");
        Kernel<MicroKernel8x32Avx512>("5 packed, 8x32 AVX-512 microkernel");
        Step("6 Sgemm.Multiply, 1 thread", () => Sgemm.Multiply(false, false, n, n, n, a, n, b, n, c, n, 0f, 1));
        if (threads > 1)
        {
            var seconds = GemmTiming.Measure(() => Sgemm.Multiply(false, false, n, n, n, a, n, b, n, c, n, 0f, threads));
            GemmBenchmark.Print($"{$"7 Sgemm.Multiply, {threads} threads",-58}", flops, seconds, peakN);
        }

        void Step(string name, Action action)
        {
            var seconds = GemmTiming.Measure(action, repeats: 5, warmupSeconds: 0.3);
            GemmBenchmark.Print($"{name,-58}", flops, seconds, peak1);
        }

        void Kernel<TKernel>(string name)
            where TKernel : struct, IGemmMicroKernel
        {
            if (!TKernel.IsSupported)
            {
                Console.WriteLine($"{name,-58} (not supported here)");
                return;
            }
            Step(name, () =>
            {
                fixed (float* pa = a, pb = b, pc = c)
                {
                    GemmDriver<TKernel>.Compute(new GemmArgs(false, false, n, n, n, pa, n, pb, n, pc, n, false), 0, n, 0, n);
                }
            });
        }
    }

    private static void NaiveIjp(float[] a, float[] b, float[] c, int n)
    {
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0f;
                for (var p = 0; p < n; p++)
                {
                    sum += a[i * n + p] * b[p * n + j];
                }
                c[i * n + j] = sum;
            }
        }
    }

    private static void AxpyIpj(float[] a, float[] b, float[] c, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var row = c.AsSpan(i * n, n);
            row.Clear();
            for (var p = 0; p < n; p++)
            {
                var s = Vector512.Create(a[i * n + p]);
                var brow = b.AsSpan(p * n, n);
                for (var j = 0; j + 16 <= n; j += 16)
                {
                    var acc = Vector512.Create(row[j..]);
                    Vector512.FusedMultiplyAdd(s, Vector512.Create(brow[j..]), acc).CopyTo(row[j..]);
                }
            }
        }
    }
}
