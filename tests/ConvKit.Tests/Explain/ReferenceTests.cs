using ConvKit.Backends;
using ConvKit.Explain;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Tests.TestSupport;

namespace ConvKit.Tests.Explain;

/// <summary>
/// Saliency modifiers and Grad-CAM against plain loops written from the papers' formulas on tiny networks
/// (exact backward passes, no finite differences).
/// </summary>
public class ReferenceTests
{
    // Input (1, 5, 5) -> Conv2D(3, 3x3 valid, relu) (3, 3, 3) -> Flatten (27) -> Dense(4, relu) -> Dense(3, softmax)
    private static (Model Model, Conv2D Conv, Dense Hidden, Dense Output) TinyNetwork(int seed)
    {
        var conv = new Conv2D(3, 3, activation: "relu", biasInitializer: Initializers.Initializer.GlorotUniform, name: "conv");
        var hidden = new Dense(4, activation: "relu", biasInitializer: Initializers.Initializer.GlorotUniform, name: "hidden");
        var output = new Dense(3, activation: "softmax", name: "out");
        var model = new Sequential("tiny", seed, new InputLayer(new Shape(1, 5, 5)), conv, new Flatten(), hidden, output);
        return (model, conv, hidden, output);
    }

    /// <summary>dz_c/dx through the tiny network, with the ReLU rule of <paramref name="mode"/> written out.</summary>
    private static float[] ReferenceGradient(float[] x, int c, Conv2D conv, Dense hidden, Dense output, BackpropMode mode)
    {
        var wc = conv.Kernel.Value.ToArray();   // (3, 1, 3, 3)
        var bc = conv.Bias!.Value.ToArray();
        var wh = hidden.Kernel.Value.ToArray(); // (27, 4)
        var bh = hidden.Bias!.Value.ToArray();
        var wo = output.Kernel.Value.ToArray(); // (4, 3)

        var u1 = new double[27];
        for (var k = 0; k < 3; k++)
        {
            for (var p = 0; p < 3; p++)
            {
                for (var q = 0; q < 3; q++)
                {
                    double s = bc[k];
                    for (var r = 0; r < 3; r++)
                    {
                        for (var t = 0; t < 3; t++)
                        {
                            s += wc[k * 9 + r * 3 + t] * x[(p + r) * 5 + q + t];
                        }
                    }
                    u1[k * 9 + p * 3 + q] = s;
                }
            }
        }
        var y1 = u1.Select(v => Math.Max(v, 0)).ToArray();
        var u2 = new double[4];
        for (var j = 0; j < 4; j++)
        {
            u2[j] = bh[j];
            for (var f = 0; f < 27; f++)
            {
                u2[j] += y1[f] * wh[f * 4 + j];
            }
        }

        double Relu(double u, double g) => mode switch
        {
            BackpropMode.Vanilla => u > 0 ? g : 0,
            BackpropMode.Guided => u > 0 && g > 0 ? g : 0,
            _ => Math.Max(g, 0),
        };

        // z_c = Σ_j relu(u2_j) · wo[j, c] + b: the gradient reaching relu(u2) is wo[:, c].
        var du2 = new double[4];
        for (var j = 0; j < 4; j++)
        {
            du2[j] = Relu(u2[j], wo[j * 3 + c]);
        }
        var du1 = new double[27];
        for (var f = 0; f < 27; f++)
        {
            double g = 0;
            for (var j = 0; j < 4; j++)
            {
                g += wh[f * 4 + j] * du2[j];
            }
            du1[f] = Relu(u1[f], g);
        }
        var dx = new double[25];
        for (var k = 0; k < 3; k++)
        {
            for (var p = 0; p < 3; p++)
            {
                for (var q = 0; q < 3; q++)
                {
                    for (var r = 0; r < 3; r++)
                    {
                        for (var t = 0; t < 3; t++)
                        {
                            dx[(p + r) * 5 + q + t] += wc[k * 9 + r * 3 + t] * du1[k * 9 + p * 3 + q];
                        }
                    }
                }
            }
        }
        return dx.Select(v => (float)v).ToArray();
    }

    [Theory]
    [InlineData(BackpropMode.Vanilla, 11)]
    [InlineData(BackpropMode.Guided, 11)]
    [InlineData(BackpropMode.Rectified, 11)]
    [InlineData(BackpropMode.Guided, 12)]
    [InlineData(BackpropMode.Rectified, 13)]
    public void SaliencyModifiersMatchTheHandWrittenBackwardPass(BackpropMode mode, int seed)
    {
        var (model, conv, hidden, output) = TinyNetwork(seed);
        var images = ExplainModels.Noise(3, 25, seed).Select(v => 2 * v - 1).ToArray();
        int[] classes = [0, 2, 1];
        var s = Saliency.Compute(model, Tensor.FromArray(new Shape(3, 1, 5, 5), images), classes, new SaliencyOptions { Modifier = mode });
        var anyNonZero = false;
        for (var n = 0; n < 3; n++)
        {
            var expected = ReferenceGradient(images[(n * 25)..((n + 1) * 25)], classes[n], conv, hidden, output, mode);
            anyNonZero |= expected.Any(v => v != 0);
            Assertions.Close(expected, s.Gradients.Image(n), 1e-4, 1e-6, $"{mode} gradient of image {n}");
            Assertions.Close(expected.Select(Math.Abs).ToArray(), s.Maps.Image(n), 1e-4, 1e-6, $"{mode} map of image {n}");
        }
        Assert.True(anyNonZero, "the reference gradients are all zero; the case tests nothing");
    }

    [Fact]
    public void GuidedAndVanillaGradientsDifferOnTheTinyNetwork()
    {
        // Guards the test above against a backend that ignores the modifier.
        var (model, _, _, _) = TinyNetwork(11);
        var x = Tensor.FromArray(new Shape(3, 1, 5, 5), ExplainModels.Noise(3, 25, 11).Select(v => 2 * v - 1).ToArray());
        var vanilla = Saliency.Compute(model, x, [0, 2, 1]).Gradients.Values;
        var guided = Saliency.Compute(model, x, [0, 2, 1], new SaliencyOptions { Modifier = BackpropMode.Guided }).Gradients.Values;
        Assert.NotEqual(vanilla, guided);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void GradCamWeightsAndMapMatchAHandComputation(int seed)
    {
        // Input (1, 4, 4) -> Conv2D(2, 2x2 valid, relu) "c" (2, 3, 3) -> Flatten (18) -> Dense(3, softmax).
        var conv = new Conv2D(2, 2, activation: "relu", biasInitializer: Initializers.Initializer.GlorotUniform, name: "c");
        var dense = new Dense(3, activation: "softmax", biasInitializer: Initializers.Initializer.GlorotUniform, name: "d");
        var model = new Sequential("cam", seed, new InputLayer(new Shape(1, 4, 4)), conv, new Flatten(), dense);
        // Mostly positive filters so units are active; dense weights that favour channel 0 and penalise channel 1,
        // with a varying part, so that the map is positive in some cells and cut by the ReLU in others.
        conv.Kernel.Value.CopyFrom(Enumerable.Range(0, 8).Select(i => 0.2f + 0.15f * MathF.Sin(i + seed)).ToArray());
        conv.Bias!.Value.CopyFrom([0.05f, -0.05f]);
        dense.Kernel.Value.CopyFrom(Enumerable.Range(0, 54).Select(i => (i / 27 == 0 ? 0.5f : -0.4f) + 0.4f * MathF.Sin(1.3f * i + seed)).ToArray());
        var x = ExplainModels.Noise(2, 16, seed);
        int[] classes = [1, 2];
        var cam = GradCam.Compute(model, Tensor.FromArray(new Shape(2, 1, 4, 4), x), classes, "c");

        var wc = conv.Kernel.Value.ToArray();
        var bc = conv.Bias!.Value.ToArray();
        var wd = dense.Kernel.Value.ToArray(); // (18, 3)
        var positive = 0;
        for (var n = 0; n < 2; n++)
        {
            // A[k, p, q] = relu(b_k + Σ w x); z_c = Σ_f A_f wd[f, c] + b_c, so ∂z_c/∂A[k, p, q] = wd[9k + 3p + q, c].
            var a = new double[18];
            for (var k = 0; k < 2; k++)
            {
                for (var p = 0; p < 3; p++)
                {
                    for (var q = 0; q < 3; q++)
                    {
                        double s = bc[k];
                        for (var r = 0; r < 2; r++)
                        {
                            for (var t = 0; t < 2; t++)
                            {
                                s += wc[k * 4 + r * 2 + t] * x[n * 16 + (p + r) * 4 + q + t];
                            }
                        }
                        a[k * 9 + p * 3 + q] = Math.Max(s, 0);
                    }
                }
            }
            var alpha = new double[2];
            for (var k = 0; k < 2; k++)
            {
                for (var j = 0; j < 9; j++)
                {
                    alpha[k] += wd[(k * 9 + j) * 3 + classes[n]] / 9.0;
                }
            }
            Assertions.Close(alpha.Select(v => (float)v).ToArray(), cam.Weights.AsSpan(n * 2, 2), 1e-5, 1e-7, $"alpha of image {n}");
            var map = new float[9];
            for (var j = 0; j < 9; j++)
            {
                map[j] = (float)Math.Max(alpha[0] * a[j] + alpha[1] * a[9 + j], 0);
                positive += map[j] > 0 ? 1 : 0;
            }
            Assertions.Close(map, cam.LayerMaps.Image(n), 1e-5, 1e-7, $"Grad-CAM map of image {n}");
        }
        Assert.True(positive >= 2, $"seed {seed}: only {positive} of 18 hand-computed map cells are positive; the case tests little");
    }
}
