using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// Loop drivers shared by the element-wise kernels: a vector loop (Vector512, then Vector256, then Vector128, then a
/// scalar tail) over an operator struct, and parallel wrappers that split long spans over <see cref="Threading.CpuThreads"/>
/// in blocks of <see cref="ParallelRange.ElementGrain"/> elements. Callers validate lengths first; the destination
/// may be one of the inputs itself (exact in-place use) because every element is read before it is written.
/// </summary>
internal static class ElementwiseDriver
{
    /// <summary>y[i] = op(x[i]) for i &lt; x.Length, on the calling thread.</summary>
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> y, in TOp op)
        where TOp : struct, IUnaryOperator
    {
        // Safe: callers check y.Length >= x.Length, and every access below is at an index < x.Length.
        ref var xr = ref MemoryMarshal.GetReference(x);
        ref var yr = ref MemoryMarshal.GetReference(y);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                op.Invoke(Vector128.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref xr, i));
        }
    }

    /// <summary>y[i] = op(a[i], b[i]) for i &lt; a.Length, on the calling thread.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, in TOp op)
        where TOp : struct, IBinaryOperator
    {
        // Safe: callers check b.Length == a.Length and y.Length >= a.Length; every access is at an index < a.Length.
        ref var ar = ref MemoryMarshal.GetReference(a);
        ref var br = ref MemoryMarshal.GetReference(b);
        ref var yr = ref MemoryMarshal.GetReference(y);
        var n = (nuint)a.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref ar, i), Vector512.LoadUnsafe(ref br, i)).StoreUnsafe(ref yr, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref ar, i), Vector256.LoadUnsafe(ref br, i)).StoreUnsafe(ref yr, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                op.Invoke(Vector128.LoadUnsafe(ref ar, i), Vector128.LoadUnsafe(ref br, i)).StoreUnsafe(ref yr, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref ar, i), Unsafe.Add(ref br, i));
        }
    }

    /// <summary><see cref="Unary{TOp}"/>, split over threads when the span is long.</summary>
    public static unsafe void ParallelUnary<TOp>(ReadOnlySpan<float> x, Span<float> y, in TOp op)
        where TOp : struct, IUnaryOperator
    {
        if (x.Length < ParallelRange.MinParallelWork)
        {
            Unary(x, y, op);
            return;
        }
        // Safe: x and y stay pinned until ParallelRange.Run returns, and each worker touches only its own slice.
        fixed (float* px = x, py = y)
        {
            ParallelRange.Run(new UnaryRange<VectorUnary<TOp>>(px, py, new VectorUnary<TOp>(op)), x.Length, ParallelRange.ElementGrain, x.Length);
        }
    }

    /// <summary><see cref="Binary{TOp}"/>, split over threads when the spans are long.</summary>
    public static unsafe void ParallelBinary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, in TOp op)
        where TOp : struct, IBinaryOperator
    {
        if (a.Length < ParallelRange.MinParallelWork)
        {
            Binary(a, b, y, op);
            return;
        }
        // Safe: a, b and y stay pinned until ParallelRange.Run returns, and each worker touches only its own slice.
        fixed (float* pa = a, pb = b, py = y)
        {
            ParallelRange.Run(new BinaryRange<VectorBinary<TOp>>(pa, pb, py, new VectorBinary<TOp>(op)), a.Length, ParallelRange.ElementGrain, a.Length);
        }
    }

    /// <summary>Runs a sequential span kernel y = f(x), split over threads when the span is long.</summary>
    public static unsafe void ParallelUnarySpan<TKernel>(ReadOnlySpan<float> x, Span<float> y, in TKernel kernel)
        where TKernel : struct, IUnarySpanKernel
    {
        if (x.IsEmpty)
        {
            return; // TensorPrimitives rejects some empty inputs; there is nothing to do.
        }
        if (x.Length < ParallelRange.MinParallelWork)
        {
            kernel.Invoke(x, y[..x.Length]);
            return;
        }
        // Safe: x and y stay pinned until ParallelRange.Run returns, and each worker touches only its own slice.
        fixed (float* px = x, py = y)
        {
            ParallelRange.Run(new UnaryRange<TKernel>(px, py, kernel), x.Length, ParallelRange.ElementGrain, x.Length);
        }
    }

    /// <summary>Runs a sequential span kernel y = f(a, b), split over threads when the spans are long.</summary>
    public static unsafe void ParallelBinarySpan<TKernel>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, in TKernel kernel)
        where TKernel : struct, IBinarySpanKernel
    {
        if (a.IsEmpty)
        {
            return; // TensorPrimitives rejects some empty inputs; there is nothing to do.
        }
        if (a.Length < ParallelRange.MinParallelWork)
        {
            kernel.Invoke(a, b, y[..a.Length]);
            return;
        }
        // Safe: a, b and y stay pinned until ParallelRange.Run returns, and each worker touches only its own slice.
        fixed (float* pa = a, pb = b, py = y)
        {
            ParallelRange.Run(new BinaryRange<TKernel>(pa, pb, py, kernel), a.Length, ParallelRange.ElementGrain, a.Length);
        }
    }

    private readonly struct VectorUnary<TOp>(TOp op) : IUnarySpanKernel
        where TOp : struct, IUnaryOperator
    {
        public void Invoke(ReadOnlySpan<float> x, Span<float> y) => Unary(x, y, op);
    }

    private readonly struct VectorBinary<TOp>(TOp op) : IBinarySpanKernel
        where TOp : struct, IBinaryOperator
    {
        public void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Binary(a, b, y, op);
    }

    private readonly unsafe struct UnaryRange<TKernel>(float* x, float* y, TKernel kernel) : IRangeKernel
        where TKernel : struct, IUnarySpanKernel
    {
        public void Execute(int start, int end) =>
            kernel.Invoke(new ReadOnlySpan<float>(x + start, end - start), new Span<float>(y + start, end - start));
    }

    private readonly unsafe struct BinaryRange<TKernel>(float* a, float* b, float* y, TKernel kernel) : IRangeKernel
        where TKernel : struct, IBinarySpanKernel
    {
        public void Execute(int start, int end) =>
            kernel.Invoke(new ReadOnlySpan<float>(a + start, end - start), new ReadOnlySpan<float>(b + start, end - start), new Span<float>(y + start, end - start));
    }
}
