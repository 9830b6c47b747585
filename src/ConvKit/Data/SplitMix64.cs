namespace ConvKit.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014; the seeder of xoshiro): a tiny, fast generator whose output depends only
/// on the seed, on every platform and .NET version, unlike <see cref="Random"/>, whose algorithm is not part of
/// its contract. A struct, so shuffling allocates nothing.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public int NextBelow(int bound)
    {
        var b = (ulong)bound;
        var m = Math.BigMul(Next(), b, out var low);
        if (low < b)
        {
            var threshold = (0UL - b) % b;
            while (low < threshold)
            {
                m = Math.BigMul(Next(), b, out low);
            }
        }
        return (int)m;
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates, from the end).</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextBelow(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal value (Box-Muller; draws two uniforms and uses the cosine branch only, so every call costs the same).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();   // (0, 1], so the logarithm is finite
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// A generator for item <paramref name="item"/> of stream <paramref name="stream"/> of <paramref name="seed"/>
    /// (for example one per sample of an epoch), so its values depend on the triple alone, never on the order in
    /// which items are visited or on the thread that visits them.
    /// </summary>
    public static SplitMix64 For(int seed, int stream, int item)
    {
        var streamState = For(seed, stream).Next();
        var mixer = new SplitMix64(streamState ^ ((ulong)(uint)item * 0xD1B54A32D192ED03UL));
        return new SplitMix64(mixer.Next());
    }

    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/> (for example one per epoch).</summary>
    public static SplitMix64 For(int seed, int stream)
    {
        // Hash the pair first so that nearby (seed, stream) pairs start far apart.
        var mixer = new SplitMix64(((ulong)(uint)seed << 32) | (uint)stream);
        return new SplitMix64(mixer.Next());
    }
}
