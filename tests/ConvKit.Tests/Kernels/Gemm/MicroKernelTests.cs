using ConvKit.Kernels.Cpu.Gemm;

namespace ConvKit.Tests.Kernels.Gemm;

/// <summary>
/// Runs every microkernel this machine supports through the blocked driver (not only the one <see cref="Sgemm"/>
/// picked), so the AVX2 and portable kernels are checked on an AVX-512 machine too.
/// </summary>
public class MicroKernelTests
{
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (5, 7, 3), (6, 16, 1), (8, 32, 9), (13, 45, 17), (33, 65, 300), (140, 70, 40), (17, 2100, 5),
    ];

    [Fact]
    public void Avx512KernelMatchesReference() => CheckKernel<MicroKernel8x32Avx512>();

    [Fact]
    public void Avx2KernelMatchesReference() => CheckKernel<MicroKernel6x16Avx2>();

    [Fact]
    public void PortableKernelMatchesReference() => CheckKernel<MicroKernel6x8Vector128>();

    private static unsafe void CheckKernel<TKernel>()
        where TKernel : struct, IGemmMicroKernel
    {
        if (!TKernel.IsSupported)
        {
            return;
        }
        var seed = 0;
        foreach (var (m, n, k) in Shapes)
        {
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                foreach (var beta in new[] { 0f, 1f })
                {
                    var gemm = new GemmCase(ta, tb, m, n, k, beta, padding: 2, seed: ++seed);
                    gemm.Check(c =>
                    {
                        fixed (float* pa = gemm.A, pb = gemm.B, pc = c)
                        {
                            var args = new GemmArgs(ta, tb, m, n, k, pa, gemm.Lda, pb, gemm.Ldb, pc, gemm.Ldc, beta != 0f);
                            GemmDriver<TKernel>.Compute(args, 0, m, 0, n);
                        }
                    });
                }
            }
        }
    }
}
