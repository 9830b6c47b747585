using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Tests.Kernels.Elementwise;

/// <summary>Shared helpers of the element-wise, activation, pooling, normalisation, loss and optimiser kernel tests.</summary>
internal static class OpsTestData
{
    /// <summary>Lengths that hit every vector width, every tail length, and (the last one) the threaded path.</summary>
    public static IEnumerable<int> AwkwardLengths()
    {
        for (var n = 0; n <= 70; n++)
        {
            yield return n;
        }
        yield return 127;
        yield return 1001;
        yield return 40_013;
    }

    /// <summary>Uniform values in [lo, hi) from a fixed seed.</summary>
    public static float[] Uniform(int length, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = lo + (float)rng.NextDouble() * (hi - lo);
        }
        return a;
    }

    /// <summary>Uniform values in [-range, range) none of which lies within <paramref name="margin"/> of <paramref name="point"/>.</summary>
    public static float[] AwayFrom(int length, int seed, float point, float margin, float range = 1f)
    {
        var a = Uniform(length, seed, -range, range);
        for (var i = 0; i < a.Length; i++)
        {
            if (MathF.Abs(a[i] - point) < margin)
            {
                a[i] = a[i] >= point ? point + margin + (a[i] - point) : point - margin + (a[i] - point);
            }
        }
        return a;
    }

    /// <summary>A buffer of <paramref name="length"/> useful elements followed by <paramref name="guard"/> NaN sentinels.</summary>
    public static float[] Guarded(int length, int guard = 5)
    {
        var a = new float[length + guard];
        Array.Fill(a, float.NaN, length, guard);
        Array.Fill(a, 12345f, 0, length);
        return a;
    }

    /// <summary>Asserts that the sentinels after <paramref name="length"/> were left alone.</summary>
    public static void AssertGuardIntact(float[] a, int length)
    {
        for (var i = length; i < a.Length; i++)
        {
            Assert.True(float.IsNaN(a[i]), $"element {i} past the end ({length}) was overwritten with {a[i]}");
        }
    }

    /// <summary>|expected - actual| &lt;= abs + rel * |expected| element by element (NaN matches NaN).</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double abs, double rel, string what = "")
    {
        Assert.True(expected.Length <= actual.Length, $"{what}: actual has {actual.Length} elements, expected {expected.Length}");
        for (var i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a))
            {
                continue;
            }
            if (e == a)
            {
                continue;
            }
            var tol = abs + rel * Math.Abs(e);
            Assert.True(Math.Abs(e - a) <= tol, $"{what}[{i}] of {expected.Length}: expected {e:R}, got {a:R} (tolerance {tol:G3})");
        }
    }

    /// <summary>Exact equality of the bits (so +0 and -0 differ, and NaN payloads count).</summary>
    public static void AssertBitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: {expected[i]:R} vs {actual[i]:R}");
        }
    }

    /// <summary>Runs <paramref name="action"/> with <see cref="CpuThreads.Count"/> set to <paramref name="threads"/>, then restores it.</summary>
    public static void WithThreads(int threads, Action action)
    {
        var saved = CpuThreads.Count;
        CpuThreads.Count = threads;
        try
        {
            action();
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    /// <summary>
    /// Central-difference check of an analytic gradient. <paramref name="loss"/> evaluates the forward kernel on the
    /// (perturbed) input and returns a scalar in double; the step actually taken in float is used as the divisor.
    /// </summary>
    public static void CheckGradient(float[] x, Func<float[], double> loss, ReadOnlySpan<float> analytic, string what,
        float step = 1e-3f, double abs = 2e-3, double rel = 2e-3)
    {
        Assert.Equal(x.Length, analytic.Length);
        var probe = (float[])x.Clone();
        for (var i = 0; i < x.Length; i++)
        {
            var plus = x[i] + step;
            var minus = x[i] - step;
            probe[i] = plus;
            var lp = loss(probe);
            probe[i] = minus;
            var lm = loss(probe);
            probe[i] = x[i];
            var numeric = (lp - lm) / ((double)plus - minus);
            var tol = abs + rel * Math.Abs(numeric);
            Assert.True(Math.Abs(numeric - analytic[i]) <= tol,
                $"{what}: d/dx[{i}] analytic {analytic[i]:R}, central difference {numeric:R} (tolerance {tol:G3})");
        }
    }

    /// <summary>sum_i w[i] * y[i] in double: the scalar loss whose gradient with respect to y is w.</summary>
    public static double Dot(ReadOnlySpan<float> w, ReadOnlySpan<float> y)
    {
        var s = 0.0;
        for (var i = 0; i < w.Length; i++)
        {
            s += (double)w[i] * y[i];
        }
        return s;
    }
}
