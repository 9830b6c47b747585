namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>A sequential element-wise kernel y = f(x) on a slice, e.g. a call into TensorPrimitives.</summary>
internal interface IUnarySpanKernel
{
    void Invoke(ReadOnlySpan<float> x, Span<float> y);
}
