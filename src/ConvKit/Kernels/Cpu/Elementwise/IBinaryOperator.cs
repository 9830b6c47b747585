using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// A lane-wise operation y = f(a, b) with a scalar body and one body per vector width, all computing the same
/// IEEE operations in the same order (see <see cref="IUnaryOperator"/>).
/// </summary>
internal interface IBinaryOperator
{
    float Invoke(float a, float b);

    Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);

    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);

    Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}
