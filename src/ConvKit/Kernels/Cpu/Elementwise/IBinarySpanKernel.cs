namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>A sequential element-wise kernel y = f(a, b) on a slice, e.g. a call into TensorPrimitives.</summary>
internal interface IBinarySpanKernel
{
    void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);
}
