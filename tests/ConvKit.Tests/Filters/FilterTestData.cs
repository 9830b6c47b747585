using ConvKit.Filters;

namespace ConvKit.Tests.Filters;

/// <summary>Seeded random images and kernels for the filter tests.</summary>
internal static class FilterTestData
{
    public static float[] RandomValues(int count, int seed, float low = -1, float high = 1)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = low + (float)rng.NextDouble() * (high - low);
        }
        return values;
    }

    /// <summary>
    /// The float rounding error a weighted sum may pick up, relative to the size of its terms: 1e-7 · Σ|w| · max|x|.
    /// Outputs near zero that are sums of large terms (a 7 × 7 Sobel has Σ|w| = 2048) need it on top of a relative
    /// tolerance.
    /// </summary>
    public static double SumTolerance(Kernel2D kernel, ReadOnlySpan<float> image)
    {
        var l1 = 0.0;
        foreach (var w in kernel.Weights)
        {
            l1 += Math.Abs(w);
        }
        var max = 1.0;
        foreach (var v in image)
        {
            max = Math.Max(max, Math.Abs(v));
        }
        return 1e-7 * l1 * max;
    }

    public static Kernel2D RandomKernel(int height, int width, int seed) =>
        new($"random-{height}x{width}", height, width, RandomValues(height * width, seed));

    /// <summary>
    /// Asserts |a − e| ≤ absolute + tolerance · max(1, |e|) element by element, naming the first bad index.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what = "", double absolute = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var limit = absolute + tolerance * Math.Max(1, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= limit))
            {
                Assert.Fail($"{what}: element {i} of {expected.Length} is {actual[i]}, expected {expected[i]} (tolerance {limit}).");
            }
        }
    }
}
