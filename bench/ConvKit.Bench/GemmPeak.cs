using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Bench;

/// <summary>
/// The FMA-throughput ceiling: independent chains of vector fused multiply-adds (16 with 32 vector registers,
/// 12 with 16), enough to cover the FMA latency on every pipe, with nothing else in the loop. No GEMM can beat
/// this number.
/// </summary>
public static class GemmPeak
{
    private const long Iterations = 20_000_000;

    /// <summary>
    /// Measured single-precision GFLOP/s on <paramref name="threads"/> threads: the best of 7 samples, since a
    /// ceiling is what the machine can do and on a shared machine noise only lowers a sample.
    /// </summary>
    public static double Measure(int threads)
    {
        var work = new ChainsWork();
        var samples = new double[7];
        CpuThreads.Run(work, threads); // warm up and reach optimised code
        for (var i = 0; i < samples.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            CpuThreads.Run(work, threads);
            var seconds = sw.Elapsed.TotalSeconds;
            samples[i] = threads * Iterations * Chains * 2.0 * Lanes / seconds / 1e9;
        }
        GC.KeepAlive(work.Sink);
        return samples.Max();
    }

    /// <summary>Independent FMA chains per thread: enough to cover latency x pipes without spilling registers.</summary>
    public static int Chains => Vector512.IsHardwareAccelerated ? 16 : 12;

    /// <summary>Floats per vector the chains use.</summary>
    public static int Lanes => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;

    private sealed class ChainsWork : IWorkItem
    {
        public float Sink { get; private set; }

        public void Execute(int threadIndex, int threadCount)
        {
            var r = Vector512.IsHardwareAccelerated ? Chains512(Iterations) : Vector256.IsHardwareAccelerated ? Chains256(Iterations) : Chains128(Iterations);
            if (threadIndex == 0)
            {
                Sink = r;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        var m = Vector512.Create(0.9999999f);
        var c = Vector512.Create(1e-7f);
        var a0 = Vector512.Create(1.00f);
        var a1 = Vector512.Create(1.01f);
        var a2 = Vector512.Create(1.02f);
        var a3 = Vector512.Create(1.03f);
        var a4 = Vector512.Create(1.04f);
        var a5 = Vector512.Create(1.05f);
        var a6 = Vector512.Create(1.06f);
        var a7 = Vector512.Create(1.07f);
        var a8 = Vector512.Create(1.08f);
        var a9 = Vector512.Create(1.09f);
        var a10 = Vector512.Create(1.10f);
        var a11 = Vector512.Create(1.11f);
        var a12 = Vector512.Create(1.12f);
        var a13 = Vector512.Create(1.13f);
        var a14 = Vector512.Create(1.14f);
        var a15 = Vector512.Create(1.15f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
            a12 = Vector512.FusedMultiplyAdd(a12, m, c);
            a13 = Vector512.FusedMultiplyAdd(a13, m, c);
            a14 = Vector512.FusedMultiplyAdd(a14, m, c);
            a15 = Vector512.FusedMultiplyAdd(a15, m, c);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector512.Sum(s);
    }

    // 12 chains: with 16 vector registers, 16 chains plus the two constants would spill.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        var m = Vector256.Create(0.9999999f);
        var c = Vector256.Create(1e-7f);
        var a0 = Vector256.Create(1.00f);
        var a1 = Vector256.Create(1.01f);
        var a2 = Vector256.Create(1.02f);
        var a3 = Vector256.Create(1.03f);
        var a4 = Vector256.Create(1.04f);
        var a5 = Vector256.Create(1.05f);
        var a6 = Vector256.Create(1.06f);
        var a7 = Vector256.Create(1.07f);
        var a8 = Vector256.Create(1.08f);
        var a9 = Vector256.Create(1.09f);
        var a10 = Vector256.Create(1.10f);
        var a11 = Vector256.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector256.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains128(long iterations)
    {
        var m = Vector128.Create(0.9999999f);
        var c = Vector128.Create(1e-7f);
        var a0 = Vector128.Create(1.00f);
        var a1 = Vector128.Create(1.01f);
        var a2 = Vector128.Create(1.02f);
        var a3 = Vector128.Create(1.03f);
        var a4 = Vector128.Create(1.04f);
        var a5 = Vector128.Create(1.05f);
        var a6 = Vector128.Create(1.06f);
        var a7 = Vector128.Create(1.07f);
        var a8 = Vector128.Create(1.08f);
        var a9 = Vector128.Create(1.09f);
        var a10 = Vector128.Create(1.10f);
        var a11 = Vector128.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, m, c);
            a1 = Vector128.MultiplyAddEstimate(a1, m, c);
            a2 = Vector128.MultiplyAddEstimate(a2, m, c);
            a3 = Vector128.MultiplyAddEstimate(a3, m, c);
            a4 = Vector128.MultiplyAddEstimate(a4, m, c);
            a5 = Vector128.MultiplyAddEstimate(a5, m, c);
            a6 = Vector128.MultiplyAddEstimate(a6, m, c);
            a7 = Vector128.MultiplyAddEstimate(a7, m, c);
            a8 = Vector128.MultiplyAddEstimate(a8, m, c);
            a9 = Vector128.MultiplyAddEstimate(a9, m, c);
            a10 = Vector128.MultiplyAddEstimate(a10, m, c);
            a11 = Vector128.MultiplyAddEstimate(a11, m, c);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector128.Sum(s);
    }
}
