using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvKit.Filters;

/// <summary>
/// Row microkernels of the 2-D filters: building a border-padded row, and the multi-row correlation that both the
/// direct 2-D path (KH rows, KW taps each) and the two passes of the separable path (1 row of KW taps, then KH
/// rows of 1 tap) are made of. Pure functions on spans that never allocate.
/// </summary>
internal static class FilterRowKernels
{
    /// <summary>
    /// Writes the padded row <c>dst[i] = row[Map(i − padLeft, W)]</c> for i in [0, dst.Length), or the border
    /// value where <see cref="BorderIndex.Map"/> gives −1 (constant border).
    /// </summary>
    public static void PadRow(ReadOnlySpan<float> row, int padLeft, BorderMode border, float value, Span<float> dst)
    {
        var width = row.Length;
        var start = Math.Clamp(padLeft, 0, dst.Length);
        var end = Math.Clamp(padLeft + width, 0, dst.Length);
        if (end > start)
        {
            row.Slice(start - padLeft, end - start).CopyTo(dst[start..end]);
        }
        for (var i = 0; i < start; i++)
        {
            var m = BorderIndex.Map(i - padLeft, width, border);
            dst[i] = m < 0 ? value : row[m];
        }
        for (var i = Math.Max(end, start); i < dst.Length; i++)
        {
            var m = BorderIndex.Map(i - padLeft, width, border);
            dst[i] = m < 0 ? value : row[m];
        }
    }

    /// <summary>
    /// <c>dst[x] = Σ_{i &lt; KH} Σ_{j &lt; KW} w[i · KW + j] · src[rowOffsets[i] + x + j]</c> for x in [0, dst.Length),
    /// with KH = rowOffsets.Length and KW = <paramref name="kernelWidth"/>. Each output is accumulated from zero
    /// with fused multiply-adds in (i, j) order, so a pixel's value does not depend on where the row is split.
    /// </summary>
    /// <exception cref="ArgumentException">The weights are not KH · KW, or a row would read outside <paramref name="src"/>.</exception>
    public static void CorrelateRows(ReadOnlySpan<float> src, ReadOnlySpan<int> rowOffsets, ReadOnlySpan<float> weights, int kernelWidth, Span<float> dst)
    {
        var kh = rowOffsets.Length;
        var n = dst.Length;
        if (kernelWidth < 1 || kh < 1 || weights.Length != kh * kernelWidth)
        {
            throw new ArgumentException($"Expected {kh}x{kernelWidth} weights, got {weights.Length}.", nameof(weights));
        }
        if (n == 0)
        {
            return;
        }
        foreach (var offset in rowOffsets)
        {
            if (offset < 0 || (long)offset + n + kernelWidth - 1 > src.Length)
            {
                throw new ArgumentException($"A row at offset {offset} of {n + kernelWidth - 1} values does not fit in {src.Length}.", nameof(rowOffsets));
            }
        }
        var done = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Correlate512(src, rowOffsets, weights, kernelWidth, dst);
            done = n;
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Correlate256(src, rowOffsets, weights, kernelWidth, dst);
            done = n;
        }
        for (var x = done; x < n; x++)
        {
            var acc = 0f;
            for (var i = 0; i < kh; i++)
            {
                var row = src.Slice(rowOffsets[i] + x, kernelWidth);
                var w = weights.Slice(i * kernelWidth, kernelWidth);
                for (var j = 0; j < kernelWidth; j++)
                {
                    acc = MathF.FusedMultiplyAdd(w[j], row[j], acc);
                }
            }
            dst[x] = acc;
        }
    }

    // Safe because CorrelateRows checked that every row offset + dst.Length + KW - 1 <= src.Length and that
    // weights hold KH * KW values; every load below reads src[offset + x + j + k] with x + k < dst.Length and
    // j < KW, and every store writes dst[x .. x + 16) with x + 16 <= dst.Length (the last block overlaps the one
    // before it instead of running past the end; it recomputes the same values).
    private static void Correlate512(ReadOnlySpan<float> src, ReadOnlySpan<int> rowOffsets, ReadOnlySpan<float> weights, int kw, Span<float> dst)
    {
        const int V = 16;
        var kh = rowOffsets.Length;
        var n = dst.Length;
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var x = 0;
        for (; x + 4 * V <= n; x += 4 * V)
        {
            var a0 = Vector512<float>.Zero;
            var a1 = Vector512<float>.Zero;
            var a2 = Vector512<float>.Zero;
            var a3 = Vector512<float>.Zero;
            for (var i = 0; i < kh; i++)
            {
                ref var row = ref Unsafe.Add(ref s, rowOffsets[i] + x);
                ref var wr = ref Unsafe.Add(ref w, i * kw);
                for (var j = 0; j < kw; j++)
                {
                    var wv = Vector512.Create(Unsafe.Add(ref wr, j));
                    ref var p = ref Unsafe.Add(ref row, j);
                    a0 = Vector512.FusedMultiplyAdd(wv, Vector512.LoadUnsafe(ref p), a0);
                    a1 = Vector512.FusedMultiplyAdd(wv, Vector512.LoadUnsafe(ref p, V), a1);
                    a2 = Vector512.FusedMultiplyAdd(wv, Vector512.LoadUnsafe(ref p, 2 * V), a2);
                    a3 = Vector512.FusedMultiplyAdd(wv, Vector512.LoadUnsafe(ref p, 3 * V), a3);
                }
            }
            a0.StoreUnsafe(ref d, (nuint)x);
            a1.StoreUnsafe(ref d, (nuint)(x + V));
            a2.StoreUnsafe(ref d, (nuint)(x + 2 * V));
            a3.StoreUnsafe(ref d, (nuint)(x + 3 * V));
        }
        while (x < n)
        {
            if (x + V > n)
            {
                x = n - V;
            }
            var a = Vector512<float>.Zero;
            for (var i = 0; i < kh; i++)
            {
                ref var row = ref Unsafe.Add(ref s, rowOffsets[i] + x);
                ref var wr = ref Unsafe.Add(ref w, i * kw);
                for (var j = 0; j < kw; j++)
                {
                    a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref wr, j)), Vector512.LoadUnsafe(ref Unsafe.Add(ref row, j)), a);
                }
            }
            a.StoreUnsafe(ref d, (nuint)x);
            x += V;
        }
    }

    // Safe for the same reasons as Correlate512, with blocks of 8 floats.
    private static void Correlate256(ReadOnlySpan<float> src, ReadOnlySpan<int> rowOffsets, ReadOnlySpan<float> weights, int kw, Span<float> dst)
    {
        const int V = 8;
        var kh = rowOffsets.Length;
        var n = dst.Length;
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var x = 0;
        for (; x + 4 * V <= n; x += 4 * V)
        {
            var a0 = Vector256<float>.Zero;
            var a1 = Vector256<float>.Zero;
            var a2 = Vector256<float>.Zero;
            var a3 = Vector256<float>.Zero;
            for (var i = 0; i < kh; i++)
            {
                ref var row = ref Unsafe.Add(ref s, rowOffsets[i] + x);
                ref var wr = ref Unsafe.Add(ref w, i * kw);
                for (var j = 0; j < kw; j++)
                {
                    var wv = Vector256.Create(Unsafe.Add(ref wr, j));
                    ref var p = ref Unsafe.Add(ref row, j);
                    a0 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref p), a0);
                    a1 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref p, V), a1);
                    a2 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref p, 2 * V), a2);
                    a3 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref p, 3 * V), a3);
                }
            }
            a0.StoreUnsafe(ref d, (nuint)x);
            a1.StoreUnsafe(ref d, (nuint)(x + V));
            a2.StoreUnsafe(ref d, (nuint)(x + 2 * V));
            a3.StoreUnsafe(ref d, (nuint)(x + 3 * V));
        }
        while (x < n)
        {
            if (x + V > n)
            {
                x = n - V;
            }
            var a = Vector256<float>.Zero;
            for (var i = 0; i < kh; i++)
            {
                ref var row = ref Unsafe.Add(ref s, rowOffsets[i] + x);
                ref var wr = ref Unsafe.Add(ref w, i * kw);
                for (var j = 0; j < kw; j++)
                {
                    a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref wr, j)), Vector256.LoadUnsafe(ref Unsafe.Add(ref row, j)), a);
                }
            }
            a.StoreUnsafe(ref d, (nuint)x);
            x += V;
        }
    }
}
