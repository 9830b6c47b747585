using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>Vectorised building blocks of the SGEMM packing routines.</summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// dst[j * dstStride + i] = src[i * srcStride + j] for an 8 x 8 block: eight 8-wide loads, a 24-shuffle AVX
    /// transpose and eight 8-wide stores, instead of 64 scalar moves with strided stores.
    /// Requires <see cref="Avx.IsSupported"/>.
    /// </summary>
    public static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        // Safe: the caller guarantees 8 rows of 8 readable floats at src and 8 rows of 8 writable floats at dst.
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride);
        var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride);
        var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride);
        var r7 = Avx.LoadVector256(src + 7 * srcStride);

        // Interleave pairs of rows: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], ...
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        // Gather four rows per column within each 128-bit half: s0 = column 0 | column 4 of rows 0-3, ...
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);

        // Join the halves of rows 0-3 and rows 4-7.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>
    /// dst[p * dstStride + i] = src[i * srcStride + p] for i &lt; rows, p &lt; depth: the general (strided) transpose,
    /// 8 x 8 blocks at a time where AVX allows and rows is a multiple of 8, element by element otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* src, nint srcStride, int rows, int depth, float* dst, nint dstStride)
    {
        var i0 = 0;
        if (Avx.IsSupported)
        {
            for (; i0 + 8 <= rows; i0 += 8)
            {
                var p = 0;
                for (; p + 8 <= depth; p += 8)
                {
                    Transpose8x8(src + i0 * srcStride + p, srcStride, dst + p * dstStride + i0, dstStride);
                }
                for (; p < depth; p++)
                {
                    for (var i = i0; i < i0 + 8; i++)
                    {
                        dst[p * dstStride + i] = src[i * srcStride + p];
                    }
                }
            }
        }
        for (var i = i0; i < rows; i++)
        {
            var s = src + i * srcStride;
            for (var p = 0; p < depth; p++)
            {
                dst[p * dstStride + i] = s[p];
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="count"/> floats between buffers that do not overlap, a vector at a time. Runs shorter
    /// than a vector (im2col lines of 9-14 pixels) go in one masked move; longer ones end with narrower vectors,
    /// which measured faster than a masked tail for 24-float lines.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* src, float* dst, int count)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            if (count < 16 && Avx512F.IsSupported)
            {
                // Masked-off lanes are neither read nor written (and cannot fault).
                var mask = TailMask(count);
                Avx512F.MaskStore(dst, mask, Avx512F.MaskLoad(src, mask, Vector512<float>.Zero));
                return;
            }
            for (; i + 16 <= count; i += 16)
            {
                Vector512.Store(Vector512.Load(src + i), dst + i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector256.Store(Vector256.Load(src + i), dst + i);
            }
        }
        for (; i + 4 <= count; i += 4)
        {
            Vector128.Store(Vector128.Load(src + i), dst + i);
        }
        for (; i < count; i++)
        {
            dst[i] = src[i];
        }
    }

    /// <summary>
    /// dst[i] += src[i] for i &lt; count, a vector at a time. The tail is not masked: col2im adds overlapping lines
    /// one after another, and a load that overlaps a preceding masked store cannot take its data from the store
    /// buffer (the masked tail made col2im two to three times slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(float* src, float* dst, int count)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                (Vector512.Load(dst + i) + Vector512.Load(src + i)).Store(dst + i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                (Vector256.Load(dst + i) + Vector256.Load(src + i)).Store(dst + i);
            }
        }
        for (; i + 4 <= count; i += 4)
        {
            (Vector128.Load(dst + i) + Vector128.Load(src + i)).Store(dst + i);
        }
        for (; i < count; i++)
        {
            dst[i] += src[i];
        }
    }

    /// <summary>A mask selecting the first <paramref name="count"/> (at most 16) lanes.</summary>
    private static Vector512<float> TailMask(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
}
