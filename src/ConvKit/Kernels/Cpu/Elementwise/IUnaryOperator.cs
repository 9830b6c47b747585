using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// A lane-wise operation y = f(x) with a scalar body and one body per vector width. All bodies must compute
/// exactly the same IEEE operations in the same order (no fused multiply-add in one and not the other), so an
/// element gets the same bits whether it lands in a vector or in the scalar tail.
/// </summary>
internal interface IUnaryOperator
{
    float Invoke(float x);

    Vector128<float> Invoke(Vector128<float> x);

    Vector256<float> Invoke(Vector256<float> x);

    Vector512<float> Invoke(Vector512<float> x);
}
