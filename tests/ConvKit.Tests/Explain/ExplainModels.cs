using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Tests.Explain;

/// <summary>Small hand-built networks whose answers are known, and images to go with them.</summary>
internal static class ExplainModels
{
    public const int Side = 16;

    public const int Quadrant = Side / 2;

    /// <summary>
    /// A model that only looks at the top-left quadrant of a 16×16 grey image. Layer "edges" holds two fixed 3×3
    /// filters with ReLU: channel 0 responds to vertical edges, channel 1 to horizontal edges. The softmax layer
    /// "logits" reads only the quadrant: z_0 = mean of channel 0 over the quadrant (vertical-edge evidence),
    /// z_1 = mean of channel 1 over it (horizontal-edge evidence). Every other weight is zero. The logits read the
    /// filter responses at rows and columns 0..6 only, whose 3×3 windows cover exactly rows and columns 0..7: the
    /// output depends on the quadrant's pixels and on no other.
    /// </summary>
    public static Model QuadrantModel()
    {
        var edges = new Conv2D(2, 3, padding: Padding.Same, activation: "relu", useBias: false, name: "edges");
        var logits = new Dense(2, activation: "softmax", name: "logits");
        var model = new Sequential("quadrant", 1, new InputLayer(new Shape(1, Side, Side)), edges, new Flatten(name: "flatten"), logits);
        float[] vertical = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
        float[] horizontal = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
        edges.Kernel.Value.CopyFrom([.. vertical, .. horizontal]);
        var w = new float[2 * Side * Side * 2];
        for (var c = 0; c < 2; c++)
        {
            for (var y = 0; y < Quadrant - 1; y++)
            {
                for (var x = 0; x < Quadrant - 1; x++)
                {
                    var feature = (c * Side + y) * Side + x;
                    w[feature * 2 + c] = 1f / ((Quadrant - 1) * (Quadrant - 1));
                }
            }
        }
        logits.Kernel.Value.CopyFrom(w);
        logits.Bias!.Value.CopyFrom([0f, 0f]);
        return model;
    }

    /// <summary>Vertical stripes (2 pixels wide) in the top-left quadrant, horizontal stripes everywhere else.</summary>
    public static float[] StripesImage()
    {
        var img = new float[Side * Side];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var inQuadrant = y < Quadrant && x < Quadrant;
                img[y * Side + x] = inQuadrant ? (x / 2) % 2 : (y / 2) % 2;
            }
        }
        return img;
    }

    /// <summary>Uniform noise in [0, 1].</summary>
    public static float[] Noise(int count, int size, int seed)
    {
        var r = new Random(seed);
        var v = new float[count * size];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)r.NextDouble();
        }
        return v;
    }

    /// <summary>The share of Σ|map| that lies in the rows [0, rows) and columns [0, cols) of an h×w map.</summary>
    public static double MassIn(ReadOnlySpan<float> map, int h, int w, int rows, int cols)
    {
        double inside = 0, total = 0;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var v = Math.Abs(map[y * w + x]);
                total += v;
                if (y < rows && x < cols)
                {
                    inside += v;
                }
            }
        }
        return total > 0 ? inside / total : double.NaN;
    }

    /// <summary>Asserts a map is of the expected size, finite everywhere and not constant.</summary>
    public static void AssertUsable(global::ConvKit.Explain.ImageBatch batch, int count, int channels, int height, int width, string what)
    {
        Assert.Equal((count, channels, height, width), (batch.Count, batch.Channels, batch.Height, batch.Width));
        for (var n = 0; n < count; n++)
        {
            var img = batch.Image(n);
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            foreach (var v in img)
            {
                Assert.True(float.IsFinite(v), $"{what}: image {n} has a non-finite value {v}.");
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
            Assert.True(hi > lo, $"{what}: image {n} is constant ({lo}).");
        }
    }
}
