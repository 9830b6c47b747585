using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// A stateless counter-based random number generator: the value for (seed, step, index) is a hash of the three, so
/// any element of any step can be drawn directly, in any order, on any thread, and the result never depends on how
/// work is split. The hash is the SplitMix64 finaliser (Steele, Lea and Flood 2014, "Fast splittable pseudorandom
/// number generators"): a stream key is derived from (seed, step), and element <c>index</c> is the SplitMix64 output at
/// position <c>index</c> of that stream. Not for cryptography.
/// </summary>
public static class CounterRng
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL; // 2^64 / golden ratio, the SplitMix64 increment
    private const ulong StepOdd = 0xD1B54A32D192ED03UL;

    /// <summary>The 64-bit key of the stream for (<paramref name="seed"/>, <paramref name="step"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong StreamKey(ulong seed, ulong step) => Mix(Mix(seed + Golden) + step * StepOdd);

    /// <summary>64 uniformly distributed bits for element <paramref name="index"/> of the stream <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bits(ulong key, ulong index) => Mix(key + (index + 1) * Golden);

    /// <summary>64 uniformly distributed bits for (<paramref name="seed"/>, <paramref name="step"/>, <paramref name="index"/>).</summary>
    public static ulong Bits(ulong seed, ulong step, ulong index) => Bits(StreamKey(seed, step), index);

    /// <summary>
    /// A float uniform on [0, 1) for (<paramref name="seed"/>, <paramref name="step"/>, <paramref name="index"/>):
    /// the top 24 bits of <see cref="Bits(ulong, ulong, ulong)"/> times 2^-24, so every value is exact and
    /// P(u &lt; r) = ceil(r * 2^24) / 2^24 for r in [0, 1].
    /// </summary>
    public static float Uniform(ulong seed, ulong step, ulong index) => ToUniform(Bits(StreamKey(seed, step), index));

    /// <summary>A double uniform on [0, 1) with 53 random bits.</summary>
    public static double UniformDouble(ulong seed, ulong step, ulong index) => (Bits(StreamKey(seed, step), index) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Maps 64 random bits to a float on [0, 1) using the top 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToUniform(ulong bits) => (bits >> 40) * (1f / (1 << 24));

    /// <summary><see cref="Bits(ulong, ulong)"/> for eight indices at once: the same bits in each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> Bits(ulong key, Vector512<ulong> index) =>
        Mix(Vector512.Create(key) + (index + Vector512<ulong>.One) * Vector512.Create(Golden));

    /// <summary><see cref="Bits(ulong, ulong)"/> for four indices at once: the same bits in each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Bits(ulong key, Vector256<ulong> index) =>
        Mix(Vector256.Create(key) + (index + Vector256<ulong>.One) * Vector256.Create(Golden));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z = (z ^ Vector256.ShiftRightLogical(z, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector256.ShiftRightLogical(z, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        return z ^ Vector256.ShiftRightLogical(z, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
