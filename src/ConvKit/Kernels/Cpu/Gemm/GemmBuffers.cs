using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// Per-thread packing buffers for SGEMM. Each thread (the caller and every pool worker) owns its own set; they
/// live on the pinned object heap, are aligned to 64 bytes and only grow, so after the first call of a given
/// size a GEMM allocates nothing.
/// </summary>
internal static unsafe class GemmBuffers
{
    private const int AlignFloats = 16;

    [ThreadStatic]
    private static float[]? t_packedA;

    [ThreadStatic]
    private static float[]? t_packedB;

    [ThreadStatic]
    private static float[]? t_partials;

    /// <summary>A 64-byte aligned buffer of at least <paramref name="length"/> floats for packed A panels.</summary>
    public static float* PackedA(int length) => Get(ref t_packedA, length);

    /// <summary>A 64-byte aligned buffer of at least <paramref name="length"/> floats for packed B panels.</summary>
    public static float* PackedB(int length) => Get(ref t_packedB, length);

    /// <summary>
    /// A 64-byte aligned buffer of at least <paramref name="length"/> floats for the partial rows of the row form's
    /// depth runs, written by every thread of the calling thread's product (it is pinned, so workers may use it).
    /// </summary>
    public static float* Partials(int length) => Get(ref t_partials, length);

    private static float* Get(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length + AlignFloats)
        {
            // Grow geometrically so that a slowly growing sequence of sizes does not reallocate every call.
            var size = Math.Max(length + AlignFloats, buffer is null ? 0 : Math.Min(int.MaxValue / 2, buffer.Length) * 2);
            buffer = GC.AllocateUninitializedArray<float>(size, pinned: true);
        }
        // Safe: the array is allocated on the pinned object heap, so its address never changes, and it is kept
        // alive by the thread-static field for as long as this thread can use the pointer.
        var p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        var misalign = (int)(((nuint)p & 63) / sizeof(float));
        return misalign == 0 ? p : p + (AlignFloats - misalign);
    }
}
