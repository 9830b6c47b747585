using ConvKit.Data;

namespace ConvKit.Explain;

/// <summary>
/// Seeded random numbers for the explainers (start images, jitter, SmoothGrad noise): SplitMix64, so results
/// depend only on the seed, on every platform. One stream per image keeps an image's result independent of the
/// batch it is computed in.
/// </summary>
internal struct ExplainRandom
{
    private SplitMix64 _bits;

    public ExplainRandom(int seed, int stream)
    {
        _bits = SplitMix64.For(seed, stream);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (_bits.Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [low, high].</summary>
    public int NextInclusive(int low, int high) => low + _bits.NextBelow(high - low + 1);

    /// <summary>A jitter offset (dy, dx), each uniform in [−<paramref name="jitter"/>, <paramref name="jitter"/>]; (0, 0) when jitter is 0.</summary>
    public (int Dy, int Dx) NextShift(int jitter) =>
        jitter > 0 ? (NextInclusive(-jitter, jitter), NextInclusive(-jitter, jitter)) : (0, 0);

    /// <summary>A standard normal deviate (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
