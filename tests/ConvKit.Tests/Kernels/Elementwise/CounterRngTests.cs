using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Tests.Kernels.Elementwise;

public class CounterRngTests
{
    [Fact]
    public void ElementsOfTheZeroKeyStreamAreTheSplitMix64Sequence()
    {
        // Published SplitMix64 outputs for state 0 (Vigna's splitmix64.c, Java's SplittableRandom).
        Assert.Equal(0xE220A8397B1DCDAFUL, CounterRng.Bits(0UL, 0UL));
        Assert.Equal(0x6E789E6AA1B965F4UL, CounterRng.Bits(0UL, 1UL));
        Assert.Equal(0x06C45D188009454FUL, CounterRng.Bits(0UL, 2UL));
    }

    [Fact]
    public void IsAPureFunctionOfSeedStepAndIndex()
    {
        var forward = Enumerable.Range(0, 1000).Select(i => CounterRng.Uniform(9, 3, (ulong)i)).ToArray();
        var backward = Enumerable.Range(0, 1000).Reverse().Select(i => CounterRng.Uniform(9, 3, (ulong)i)).Reverse().ToArray();
        Assert.Equal(forward, backward);
        Assert.NotEqual(CounterRng.Bits(1, 0, 0), CounterRng.Bits(0, 1, 0));
        Assert.NotEqual(CounterRng.Bits(1, 0, 0), CounterRng.Bits(0, 0, 1));
    }

    [Fact]
    public void UniformIsUniformOnTheUnitInterval()
    {
        const int bins = 64, samples = 1 << 16;
        var counts = new int[bins];
        var sum = 0.0;
        var sumSq = 0.0;
        for (var i = 0; i < samples; i++)
        {
            var u = CounterRng.Uniform(2024, 17, (ulong)i);
            Assert.InRange(u, 0f, 0.99999994f);
            counts[(int)(u * bins)]++;
            sum += u;
            sumSq += (double)u * u;
        }
        // Chi-square with 63 degrees of freedom: the 0.1% critical value is about 103.4.
        var expected = samples / (double)bins;
        var chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < 103.4, $"chi-square {chi2:F1}");
        var mean = sum / samples;
        Assert.Equal(0.5, mean, 0.005);
        Assert.Equal(1.0 / 12, sumSq / samples - mean * mean, 0.002);
    }

    [Fact]
    public void BitsAreBalancedAndNeighbouringStreamsUncorrelated()
    {
        const int samples = 20_000;
        var ones = new int[64];
        var cross = 0.0;
        for (var i = 0; i < samples; i++)
        {
            var bits = CounterRng.Bits(5, 100, (ulong)i);
            for (var b = 0; b < 64; b++)
            {
                ones[b] += (int)((bits >> b) & 1);
            }
            // Same index, neighbouring step: the values must be unrelated.
            cross += (CounterRng.Uniform(5, 100, (ulong)i) - 0.5) * (CounterRng.Uniform(5, 101, (ulong)i) - 0.5);
        }
        // Each bit: binomial standard deviation about 71; allow 5.
        Assert.All(ones, c => Assert.InRange(c, samples / 2 - 355, samples / 2 + 355));
        // Correlation estimate: standard deviation 1/sqrt(n) ~ 0.007.
        var correlation = cross / samples * 12;
        Assert.InRange(correlation, -0.035, 0.035);

        var d = CounterRng.UniformDouble(1, 2, 3);
        Assert.InRange(d, 0.0, 1.0 - 1e-16);
    }
}
