using ConvKit.Kernels.Cpu.Pooling;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Pooling;

public class PoolingCpuTests
{
    /// <summary>Geometries for the sweeps: overlapping, padded, asymmetric, ceil mode, "same", windows all padding.</summary>
    public static IEnumerable<Pool2DGeometry> Geometries()
    {
        foreach (var (h, w) in new[] { (1, 1), (2, 3), (5, 5), (7, 4), (9, 13), (12, 35) })
        {
            yield return Pool2DGeometry.Create(h, w, 1, 1, 1, 1);
            if (h >= 2 && w >= 2)
            {
                yield return Pool2DGeometry.Create(h, w, 2, 2, 2, 2);
                yield return Pool2DGeometry.Create(h, w, 2, 2, 2, 2, ceilMode: true);
                yield return Pool2DGeometry.Create(h, w, 2, 2, 1, 1);
            }
            yield return Pool2DGeometry.Create(h, w, 3, 3, 2, 2, 1, 1, 1, 1);
            yield return Pool2DGeometry.Create(h, w, 3, 3, 1, 1, 1, 1, 1, 1);
            yield return Pool2DGeometry.Create(h, w, 3, 2, 2, 1, 1, 0, 2, 1, ceilMode: true);
            yield return Pool2DGeometry.Same(h, w, 3, 3, 2, 2);
            yield return Pool2DGeometry.Same(h, w, 2, 2, 2, 2);
            // Pad larger than the window: whole windows of padding.
            yield return new Pool2DGeometry(h, w, 1, 2, 2, 2, 2, 3, (h + 4) / 2 + 1, (w + 5) / 2 + 1);
        }
        if (Pool2DGeometry.Create(3, 40, 3, 3, 2, 2) is var overlapping)
        {
            yield return overlapping;
        }
    }

    [Fact]
    public void OverlappingThreeByThreeStrideTwoByHand()
    {
        float[] x =
        [
            0, 9, 1, 0, 2,
            3, 0, 0, 8, 0,
            0, 4, 7, 0, 0,
            5, 0, 0, 0, 6,
            0, 0, 1, 0, 0,
        ];
        var g = Pool2DGeometry.Create(5, 5, 3, 3, 2, 2);
        Assert.Equal((2, 2), (g.OutHeight, g.OutWidth));
        var y = new float[4];
        var arg = new int[4];
        MaxPool2DCpu.Forward(x, 1, g, y, arg);
        Assert.Equal([9f, 8f, 7f, 7f], y);
        Assert.Equal([1, 8, 12, 12], arg);

        // The shared pixel (2, 2) wins two windows: its gradients add up.
        var dx = new float[25];
        Array.Fill(dx, 99f);
        MaxPool2DCpu.Backward([1f, 2f, 3f, 4f], arg, 1, g, dx);
        var expected = new float[25];
        expected[1] = 1f;
        expected[8] = 2f;
        expected[12] = 7f;
        Assert.Equal(expected, dx);
    }

    [Fact]
    public void PaddingNeverWinsAndEmptyWindowsGiveZero()
    {
        // All inputs negative: a zero from padding would win if padding counted.
        var g = Pool2DGeometry.Create(2, 2, 3, 3, 1, 1, 1, 1, 1, 1);
        var y = new float[4];
        var arg = new int[4];
        MaxPool2DCpu.Forward([-1f, -2f, -3f, -4f], 1, g, y, arg);
        Assert.Equal([-1f, -1f, -1f, -1f], y);
        Assert.Equal([0, 0, 0, 0], arg);

        // One pixel, 1x1 window, padding 1: eight windows see only padding.
        var lonely = new Pool2DGeometry(1, 1, 1, 1, 1, 1, 1, 1, 3, 3);
        y = new float[9];
        arg = new int[9];
        MaxPool2DCpu.Forward([5f], 1, lonely, y, arg);
        Assert.Equal([0f, 0f, 0f, 0f, 5f, 0f, 0f, 0f, 0f], y);
        Assert.Equal([-1, -1, -1, -1, 0, -1, -1, -1, -1], arg);
        var dx = new float[1];
        MaxPool2DCpu.Backward([1f, 1f, 1f, 1f, 3f, 1f, 1f, 1f, 1f], arg, 1, lonely, dx);
        Assert.Equal(3f, dx[0]);

        AvgPool2DCpu.Forward([5f], 1, lonely, countIncludePad: false, y);
        Assert.Equal([0f, 0f, 0f, 0f, 5f, 0f, 0f, 0f, 0f], y);
    }

    [Fact]
    public void TiesGoToTheFirstInRowMajorOrder()
    {
        // Wide enough for the vector paths (16 and 8 outputs) and a scalar tail: 2 x 50 -> 1 x 25.
        var x = new float[100];
        Array.Fill(x, 3f);
        x[2 * 7 + 1] = 4f; // window 7: top-right is larger
        x[50 + 2 * 20] = 4f; // window 20: bottom-left is larger
        x[50 + 2 * 20 + 1] = 4f; // ... tied with bottom-right, which must lose
        x[50 + 2 * 24 + 1] = 4f; // window 24 (scalar tail): bottom-right
        var g = Pool2DGeometry.Create(2, 50, 2, 2, 2, 2);
        var y = new float[25];
        var arg = new int[25];
        MaxPool2DCpu.Forward(x, 1, g, y, arg);
        for (var j = 0; j < 25; j++)
        {
            var expected = j switch { 7 => 15, 20 => 90, 24 => 99, _ => 2 * j };
            Assert.Equal(expected, arg[j]);
            Assert.Equal(j is 7 or 20 or 24 ? 4f : 3f, y[j]);
        }

        // General path, overlapping 3x3 windows of equal values.
        var flat = new float[25];
        Array.Fill(flat, 1f);
        var g3 = Pool2DGeometry.Create(5, 5, 3, 3, 2, 2);
        var arg3 = new int[4];
        MaxPool2DCpu.Forward(flat, 1, g3, new float[4], arg3);
        Assert.Equal([0, 2, 10, 12], arg3);
    }

    [Fact]
    public void AveragePoolingByHand()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var g = Pool2DGeometry.Create(3, 3, 2, 2, 1, 1);
        var y = new float[4];
        AvgPool2DCpu.Forward(x, 1, g, true, y);
        Assert.Equal([3f, 4f, 6f, 7f], y);

        // Backward: each pixel receives 1/4 per window covering it.
        var dx = new float[9];
        AvgPool2DCpu.Backward([1f, 1f, 1f, 1f], 1, g, true, dx);
        Assert.Equal([0.25f, 0.5f, 0.25f, 0.5f, 1f, 0.5f, 0.25f, 0.5f, 0.25f], dx);

        // 3x3 stride 1 with padding 1 over a 2x2 plane: every window covers all four pixels (sum 10).
        var same = Pool2DGeometry.Create(2, 2, 3, 3, 1, 1, 1, 1, 1, 1);
        AvgPool2DCpu.Forward([1f, 2f, 3f, 4f], 1, same, true, y);
        AssertClose([10f / 9, 10f / 9, 10f / 9, 10f / 9], y, 0, 1e-7);
        AvgPool2DCpu.Forward([1f, 2f, 3f, 4f], 1, same, false, y);
        Assert.Equal([2.5f, 2.5f, 2.5f, 2.5f], y);
        dx = new float[4];
        AvgPool2DCpu.Backward([1f, 2f, 3f, 4f], 1, same, false, dx);
        Assert.Equal([2.5f, 2.5f, 2.5f, 2.5f], dx);
    }

    [Fact]
    public void GlobalAveragePoolingByHand()
    {
        var y = new float[2];
        GlobalAvgPoolCpu.Forward([1f, 2f, 3f, 4f, 10f, 20f, 30f, 40f], 2, 4, y);
        Assert.Equal([2.5f, 25f], y);
        var dx = new float[8];
        GlobalAvgPoolCpu.Backward([2f, 4f], 2, 4, dx);
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f, 1f, 1f, 1f, 1f], dx);
    }

    [Fact]
    public void GeometryHelpersComputeOutputSizes()
    {
        var g = Pool2DGeometry.Create(5, 5, 3, 3, 2, 2);
        Assert.Equal((2, 2), (g.OutHeight, g.OutWidth));
        Assert.Equal(2, Pool2DGeometry.Create(6, 6, 3, 3, 2, 2).OutHeight);
        Assert.Equal(3, Pool2DGeometry.Create(6, 6, 3, 3, 2, 2, ceilMode: true).OutHeight);
        // Ceil mode may not start a window in the bottom padding: 5 + 1 + 1 with k = 2, s = 2 gives 3, not 4.
        Assert.Equal(3, Pool2DGeometry.Create(5, 5, 2, 2, 2, 2, 1, 1, 1, 1, ceilMode: true).OutHeight);
        Assert.Equal(3, Pool2DGeometry.Create(5, 5, 2, 2, 2, 2, 1, 1, 1, 1).OutHeight);

        var same = Pool2DGeometry.Same(5, 5, 3, 3, 2, 2);
        Assert.Equal((3, 3, 1, 1), (same.OutHeight, same.OutWidth, same.PadTop, same.PadLeft));
        var odd = Pool2DGeometry.Same(5, 7, 2, 2, 2, 2);
        Assert.Equal((3, 4, 0, 0), (odd.OutHeight, odd.OutWidth, odd.PadTop, odd.PadLeft));
        var big = Pool2DGeometry.Same(4, 4, 4, 4, 1, 1); // padding 3: one above, two below
        Assert.Equal((4, 1), (big.OutHeight, big.PadTop));

        Assert.Throws<ArgumentException>(() => Pool2DGeometry.Create(2, 2, 3, 3, 1, 1));
        Assert.Throws<ArgumentException>(() => new Pool2DGeometry(4, 4, 0, 2, 2, 2, 0, 0, 2, 2).Validate());
        Assert.Throws<ArgumentException>(() => new Pool2DGeometry(4, 4, 2, 2, 2, 2, -1, 0, 2, 2).Validate());
        Assert.Throws<ArgumentException>(() => MaxPool2DCpu.Forward(new float[15], 1, g, new float[4], new int[4]));
        Assert.Throws<ArgumentException>(() => MaxPool2DCpu.Forward(new float[25], 1, g, new float[4], new int[3]));
        Assert.Throws<ArgumentException>(() => MaxPool2DCpu.Backward(new float[4], [0, 1, 2, 25], 1, g, new float[25]));
    }

    [Fact]
    public void MaxPoolMatchesReference()
    {
        var seed = 0;
        foreach (var g in Geometries())
        {
            foreach (var planes in new[] { 1, 3 })
            {
                // Small integers: plenty of ties.
                var x = Uniform(planes * g.InputPlaneSize, ++seed, -3f, 3f).Select(v => MathF.Round(v)).ToArray();
                var expected = new float[planes * g.OutputPlaneSize];
                var expectedArg = new int[expected.Length];
                PoolingReference.MaxForward(x, planes, g, expected, expectedArg);
                var y = Guarded(expected.Length);
                var arg = new int[expected.Length];
                MaxPool2DCpu.Forward(x, planes, g, y, arg);
                AssertBitwiseEqual(expected, y.AsSpan(0, expected.Length), $"max {g}");
                Assert.Equal(expectedArg, arg);
                AssertGuardIntact(y, expected.Length);

                var dy = Uniform(expected.Length, ++seed);
                var expectedDx = new float[x.Length];
                PoolingReference.MaxBackward(dy, arg, planes, g, expectedDx);
                var dx = Guarded(x.Length);
                MaxPool2DCpu.Backward(dy, arg, planes, g, dx);
                AssertBitwiseEqual(expectedDx, dx.AsSpan(0, x.Length), $"max backward {g}");
                AssertGuardIntact(dx, x.Length);
            }
        }
    }

    [Fact]
    public void MaxPoolBackwardThroughAReluIsTheReluBackwardOfThePlainOne()
    {
        // Input out of a ReLU (many zeros, so many windows whose maximum is 0); the 2x2 geometries take the fast path
        // on every width, the others the scatter.
        var seed = 500;
        var geometries = Geometries().Concat(Enumerable.Range(2, 40).Select(w => Pool2DGeometry.Create(4, w, 2, 2, 2, 2)));
        foreach (var g in geometries)
        {
            const int planes = 3;
            var x = Uniform(planes * g.InputPlaneSize, ++seed, -2f, 2f).Select(v => MathF.Max(0f, MathF.Round(v))).ToArray();
            var y = new float[planes * g.OutputPlaneSize];
            var arg = new int[y.Length];
            MaxPool2DCpu.Forward(x, planes, g, y, arg);
            var dy = Uniform(y.Length, ++seed, -1f, 1f);
            if (dy.Length > 0)
            {
                dy[0] = -0f;
            }
            var plain = new float[x.Length];
            MaxPool2DCpu.Backward(dy, arg, planes, g, plain);
            var expected = new float[x.Length];
            ConvKit.Kernels.Cpu.Activations.ActivationsReference.ReluBackward(x, plain, expected);
            var dx = Guarded(x.Length);
            Array.Fill(dx, float.NaN, 0, x.Length);
            MaxPool2DCpu.Backward(dy, arg, planes, g, dx, reluOutput: y);
            AssertBitwiseEqual(expected, dx.AsSpan(0, x.Length), $"max backward through relu {g}");
            AssertGuardIntact(dx, x.Length);
        }
        Assert.Throws<ArgumentException>("reluOutput", () =>
            MaxPool2DCpu.Backward(new float[4], [0, 2, 8, 10], 1, Pool2DGeometry.Create(4, 4, 2, 2, 2, 2), new float[16], reluOutput: new float[3]));
    }

    [Fact]
    public void TwoByTwoFastPathMatchesReferenceOnAllWidths()
    {
        var seed = 100;
        foreach (var h in new[] { 2, 3, 5, 7, 8 })
        {
            for (var w = 2; w <= 80; w++)
            {
                var g = Pool2DGeometry.Create(h, w, 2, 2, 2, 2);
                var x = Uniform(2 * g.InputPlaneSize, ++seed, -2f, 2f).Select(v => MathF.Round(v)).ToArray();
                var expected = new float[2 * g.OutputPlaneSize];
                var expectedArg = new int[expected.Length];
                PoolingReference.MaxForward(x, 2, g, expected, expectedArg);
                var y = Guarded(expected.Length);
                var arg = new int[expected.Length];
                MaxPool2DCpu.Forward(x, 2, g, y, arg);
                AssertBitwiseEqual(expected, y.AsSpan(0, expected.Length), $"2x2 {h}x{w}");
                Assert.Equal(expectedArg, arg);
                AssertGuardIntact(y, expected.Length);
            }
        }
    }

    [Fact]
    public void TwoByTwoBackwardMatchesTheScatterOnAllWidths()
    {
        var seed = 300;
        foreach (var h in new[] { 2, 3, 5, 7, 8 })
        {
            for (var w = 2; w <= 60; w++)
            {
                var g = Pool2DGeometry.Create(h, w, 2, 2, 2, 2);
                var x = Uniform(2 * g.InputPlaneSize, ++seed, -2f, 2f).Select(v => MathF.Round(v)).ToArray();
                var y = new float[2 * g.OutputPlaneSize];
                var arg = new int[y.Length];
                MaxPool2DCpu.Forward(x, 2, g, y, arg);
                var dy = Uniform(y.Length, ++seed, -1f, 1f);
                dy[0] = -0f; // the scatter gives 0 + -0 = +0
                var expected = new float[x.Length];
                PoolingReference.MaxBackward(dy, arg, 2, g, expected);
                var dx = Guarded(x.Length);
                Array.Fill(dx, float.NaN, 0, x.Length); // every element must be written
                MaxPool2DCpu.Backward(dy, arg, 2, g, dx);
                AssertBitwiseEqual(expected, dx.AsSpan(0, x.Length), $"2x2 backward {h}x{w}");
                AssertGuardIntact(dx, x.Length);
            }
        }
    }

    [Theory]
    [InlineData(40)] // 20 outputs a row
    [InlineData(14)] // 7: two rows a vector on AVX-512
    public void TwoByTwoBackwardHonoursAnArgmaxOutsideItsWindow(int width)
    {
        // Not what Forward produces, but Backward's contract is the scatter dInput[argmax] += dOutput: a plane whose
        // argmax points into another window must still get it, and one outside the plane is reported.
        var g = Pool2DGeometry.Create(4, width, 2, 2, 2, 2);
        var dy = Uniform(2 * g.OutputPlaneSize, 7, -1f, 1f);
        var arg = new int[dy.Length];
        for (var p = 0; p < 2; p++)
        {
            for (var oh = 0; oh < g.OutHeight; oh++)
            {
                for (var ow = 0; ow < g.OutWidth; ow++)
                {
                    arg[(p * g.OutHeight + oh) * g.OutWidth + ow] = 2 * oh * g.Width + 2 * ow + 1;
                }
            }
        }
        arg[g.OutputPlaneSize + 5] = 0; // plane 1, output 5 -> pixel 0, which output 0 also routes to
        var expected = new float[2 * g.InputPlaneSize];
        PoolingReference.MaxBackward(dy, arg, 2, g, expected);
        var dx = new float[expected.Length];
        MaxPool2DCpu.Backward(dy, arg, 2, g, dx);
        AssertBitwiseEqual(expected, dx, "argmax in another window");

        arg[3] = g.InputPlaneSize;
        var error = Assert.Throws<ArgumentException>(() => MaxPool2DCpu.Backward(dy, arg, 2, g, dx));
        Assert.Contains("outside its input plane", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorisedInteriorMatchesReferenceOnAllWidths()
    {
        var seed = 500;
        for (var w = 1; w <= 60; w++)
        {
            foreach (var g in new[]
            {
                Pool2DGeometry.Create(5, w, 3, 3, 2, 2, 1, 1, 1, 1),
                Pool2DGeometry.Create(4, w, 3, 3, 1, 1, 1, 1, 1, 1),
                Pool2DGeometry.Create(3, w, 2, 1, 1, 1),
                Pool2DGeometry.Create(6, w + 4, 5, 3, 2, 2, 2, 1, 2, 1, ceilMode: true),
                Pool2DGeometry.Create(3, w + 2, 1, 3, 1, 2, 0, 2, 0, 2),
            })
            {
                var x = Uniform(2 * g.InputPlaneSize, ++seed, -2f, 2f).Select(v => MathF.Round(v)).ToArray();
                if (x.Length > 7)
                {
                    x[7] = float.NaN;
                }
                var expected = new float[2 * g.OutputPlaneSize];
                var expectedArg = new int[expected.Length];
                PoolingReference.MaxForward(x, 2, g, expected, expectedArg);
                var y = Guarded(expected.Length);
                var arg = new int[expected.Length];
                MaxPool2DCpu.Forward(x, 2, g, y, arg);
                AssertBitwiseEqual(expected, y.AsSpan(0, expected.Length), $"{g}");
                Assert.Equal(expectedArg, arg);
                AssertGuardIntact(y, expected.Length);
            }
        }
    }

    [Fact]
    public void FastPathKeepsNaNWhereTheScalarRuleDoes()
    {
        // NaN first in the window stays (nothing compares greater); NaN later never wins.
        var x = new float[4 * 40];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = i % 7;
        }
        x[0] = float.NaN;
        x[2 * 9 + 1] = float.NaN;
        var g = Pool2DGeometry.Create(4, 40, 2, 2, 2, 2);
        var expected = new float[g.OutputPlaneSize];
        var expectedArg = new int[expected.Length];
        PoolingReference.MaxForward(x, 1, g, expected, expectedArg);
        var y = new float[expected.Length];
        var arg = new int[expected.Length];
        MaxPool2DCpu.Forward(x, 1, g, y, arg);
        AssertBitwiseEqual(expected, y);
        Assert.Equal(expectedArg, arg);
        Assert.True(float.IsNaN(y[0]));
        Assert.False(float.IsNaN(y[9]));
    }

    [Fact]
    public void AvgPoolMatchesReference()
    {
        var seed = 1000;
        foreach (var g in Geometries())
        {
            foreach (var includePad in new[] { true, false })
            {
                const int planes = 3;
                var x = Uniform(planes * g.InputPlaneSize, ++seed);
                var expected = new float[planes * g.OutputPlaneSize];
                PoolingReference.AvgForward(x, planes, g, includePad, expected);
                var y = Guarded(expected.Length);
                AvgPool2DCpu.Forward(x, planes, g, includePad, y);
                AssertClose(expected, y, 1e-6, 1e-6, $"avg {g} {includePad}");
                AssertGuardIntact(y, expected.Length);

                var dy = Uniform(expected.Length, ++seed);
                var expectedDx = new float[x.Length];
                PoolingReference.AvgBackward(dy, planes, g, includePad, expectedDx);
                var dx = Guarded(x.Length);
                AvgPool2DCpu.Backward(dy, planes, g, includePad, dx);
                AssertClose(expectedDx, dx, 1e-6, 1e-6, $"avg backward {g} {includePad}");
                AssertGuardIntact(dx, x.Length);
            }
        }
    }

    [Fact]
    public void GlobalAvgPoolMatchesReference()
    {
        foreach (var (planes, size) in new[] { (1, 1), (3, 7), (5, 49), (2, 1000), (17, 3) })
        {
            var x = Uniform(planes * size, planes * 31 + size, -2f, 3f);
            var expected = new float[planes];
            PoolingReference.GlobalAvgForward(x, planes, size, expected);
            var y = Guarded(planes);
            GlobalAvgPoolCpu.Forward(x, planes, size, y);
            AssertClose(expected, y, 1e-6, 1e-6, "gap");
            AssertGuardIntact(y, planes);

            var expectedDx = new float[x.Length];
            PoolingReference.GlobalAvgBackward(expected, planes, size, expectedDx);
            var dx = Guarded(x.Length);
            GlobalAvgPoolCpu.Backward(expected, planes, size, dx);
            AssertClose(expectedDx, dx, 1e-7, 1e-6, "gap backward");
            AssertGuardIntact(dx, x.Length);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => GlobalAvgPoolCpu.Forward([], 1, 0, new float[1]));
    }

    [Fact]
    public void BackwardKernelsMatchCentralDifferences()
    {
        foreach (var g in new[] { Pool2DGeometry.Create(5, 6, 3, 3, 2, 2, 1, 1, 1, 1), Pool2DGeometry.Create(4, 6, 2, 2, 2, 2), Pool2DGeometry.Same(5, 5, 2, 3, 2, 2) })
        {
            const int planes = 2;
            var n = planes * g.InputPlaneSize;
            // Distinct values 0.01 apart: no ties for a step of 1e-3.
            var rng = new Random(n);
            var x = Enumerable.Range(0, n).Select(i => (i - n / 2) * 0.01f).OrderBy(_ => rng.Next()).ToArray();
            var w = Uniform(planes * g.OutputPlaneSize, 5);
            var y = new float[w.Length];
            var arg = new int[w.Length];
            var dx = new float[n];

            MaxPool2DCpu.Forward(x, planes, g, y, arg);
            MaxPool2DCpu.Backward(w, arg, planes, g, dx);
            CheckGradient(x, p =>
            {
                var o = new float[w.Length];
                MaxPool2DCpu.Forward(p, planes, g, o, new int[w.Length]);
                return Dot(w, o);
            }, dx, $"max {g}");

            foreach (var includePad in new[] { true, false })
            {
                AvgPool2DCpu.Backward(w, planes, g, includePad, dx);
                CheckGradient(x, p =>
                {
                    var o = new float[w.Length];
                    AvgPool2DCpu.Forward(p, planes, g, includePad, o);
                    return Dot(w, o);
                }, dx, $"avg {g} {includePad}");
            }
        }

        var gx = Uniform(3 * 10, 3);
        var gw = Uniform(3, 4);
        var gdx = new float[30];
        GlobalAvgPoolCpu.Backward(gw, 3, 10, gdx);
        CheckGradient(gx, p =>
        {
            var o = new float[3];
            GlobalAvgPoolCpu.Forward(p, 3, 10, o);
            return Dot(gw, o);
        }, gdx, "global avg");
    }
}
