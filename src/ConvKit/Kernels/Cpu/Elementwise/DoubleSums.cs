using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// Reductions of float spans accumulated in double (widened vector lanes, combined in a fixed order), for statistics
/// whose float sums would lose digits over hundreds of thousands of elements. The order depends only on the length,
/// never on memory alignment or threads, so equal inputs give equal bits.
/// </summary>
internal static class DoubleSums
{
    /// <summary>sum_i x[i].</summary>
    public static double Sum(ReadOnlySpan<float> x)
    {
        // Safe: every load reads elements [i, i + width) with i + width <= x.Length.
        ref var xr = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        var total = 0.0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                acc0 += lo;
                acc1 += hi;
            }
            total += Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                acc0 += lo;
                acc1 += hi;
            }
            total += Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            total += Unsafe.Add(ref xr, i);
        }
        return total;
    }

    /// <summary>sum_i (x[i] - mean)^2.</summary>
    public static double SumSquaredDeviations(ReadOnlySpan<float> x, double mean)
    {
        // Safe: every load reads elements [i, i + width) with i + width <= x.Length.
        ref var xr = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        var total = 0.0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512.Create(mean);
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                lo -= m;
                hi -= m;
                acc0 += lo * lo;
                acc1 += hi * hi;
            }
            total += Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var m = Vector256.Create(mean);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                lo -= m;
                hi -= m;
                acc0 += lo * lo;
                acc1 += hi * hi;
            }
            total += Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref xr, i) - mean;
            total += d * d;
        }
        return total;
    }

    /// <summary>sum_i (x[i] - mean) * y[i]; <paramref name="y"/> must be at least as long as <paramref name="x"/>.</summary>
    public static double DotCentered(ReadOnlySpan<float> x, double mean, ReadOnlySpan<float> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException("y is shorter than x.", nameof(y));
        }
        // Safe: every load reads elements [i, i + width) with i + width <= x.Length <= y.Length.
        ref var xr = ref MemoryMarshal.GetReference(x);
        ref var yr = ref MemoryMarshal.GetReference(y);
        var n = x.Length;
        var i = 0;
        var total = 0.0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512.Create(mean);
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var (xlo, xhi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                var (ylo, yhi) = Vector512.Widen(Vector512.LoadUnsafe(ref yr, (nuint)i));
                acc0 += (xlo - m) * ylo;
                acc1 += (xhi - m) * yhi;
            }
            total += Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var m = Vector256.Create(mean);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var (xlo, xhi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                var (ylo, yhi) = Vector256.Widen(Vector256.LoadUnsafe(ref yr, (nuint)i));
                acc0 += (xlo - m) * ylo;
                acc1 += (xhi - m) * yhi;
            }
            total += Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            total += (Unsafe.Add(ref xr, i) - mean) * Unsafe.Add(ref yr, i);
        }
        return total;
    }
}
