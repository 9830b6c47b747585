using ConvKit.Layers;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Core;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.TestSupport;

namespace ConvKit.Tests.Layers;

/// <summary>The softmax with LeNet-5's rubbish class and the criterion of its eq. 9.</summary>
public class RubbishClassSoftmaxTests
{
    private static readonly float[] Scores = [1.5f, -0.25f, 0.75f, -2f, 0.5f, 0f];

    [Fact]
    public void ForwardIsSoftmaxWithOneMoreConstantLogit()
    {
        var model = GradientChecker.Single(new RubbishClassSoftmax(-1f), new Shape(3));
        var y = model.Forward(Tensor.FromArray(new Shape(2, 3), Scores)).ToArray();
        for (var n = 0; n < 2; n++)
        {
            var z = Scores.AsSpan(n * 3, 3).ToArray().Select(v => (double)v).ToArray();
            var denominator = Math.Exp(-1) + z.Sum(Math.Exp);
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(Math.Exp(z[k]) / denominator, y[n * 3 + k], 1e-6);
            }
            Assert.Equal(1 - Math.Exp(-1) / denominator, y.AsSpan(n * 3, 3).ToArray().Sum(), 1e-5);
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences() =>
        GradientChecker.Check(GradientChecker.Single(new RubbishClassSoftmax(0.3f), new Shape(5)), new Shape(5), batch: 3);

    /// <summary>Cross-entropy on its output is eq. 9, L = −z_D + log(e^c + Σ e^{z_i}), and its fused gradient is exact.</summary>
    [Fact]
    public void CrossEntropyIsTheMapCriterionAndItsGradientIsExact()
    {
        var input = Input.Create(2);
        var dense = new Dense(3, name: "scores");
        var output = new RubbishClassSoftmax(-2f).Call(dense.Call(input));
        var model = new Model(input, output, seed: 4);
        var x = Tensor.FromArray(new Shape(2, 2), [0.4f, -1.2f, 0.9f, 0.3f]);
        int[] labels = [2, 0];

        double Criterion()
        {
            var w = dense.Kernel.Value.ToArray();
            var b = dense.Bias!.Value.ToArray();
            double total = 0;
            for (var n = 0; n < 2; n++)
            {
                var z = Enumerable.Range(0, 3).Select(k => b[k] + x[n, 0] * (double)w[k] + x[n, 1] * (double)w[3 + k]).ToArray();
                total += -z[labels[n]] + Math.Log(Math.Exp(-2) + z.Sum(Math.Exp));
            }
            return total / 2;
        }

        model.Compile(new Sgd(1e-6f), new SparseCategoricalCrossentropy());
        var expected = Criterion();
        Assert.Equal(expected, model.TrainOnBatch(x, labels), 5);
        var analytic = dense.Bias!.Gradient!.ToArray();
        var bias = dense.Bias.Value.AsSpan();
        for (var k = 0; k < 3; k++)
        {
            var keep = bias[k];
            bias[k] = keep + 1e-3f;
            var plus = Criterion();
            bias[k] = keep - 1e-3f;
            var minus = Criterion();
            bias[k] = keep;
            Assert.Equal((plus - minus) / 2e-3, analytic[k], 3);
        }
    }

    [Fact]
    public void RoundTripsThroughSaveAndLoadAndRefusesBadInput()
    {
        var layer = LayerRegistry.Create("RubbishClassSoftmax", new RubbishClassSoftmax(-5f, "out").GetConfig());
        Assert.Equal(-5f, Assert.IsType<RubbishClassSoftmax>(layer).RubbishLogit);
        Assert.Throws<ConvKitException>(() => new RubbishClassSoftmax(float.NaN));
        var e = Assert.Throws<ConvKitException>(() => GradientChecker.Single(new RubbishClassSoftmax(0f, "out"), new Shape(2, 3, 3)));
        Assert.Contains("'out'", e.Message, StringComparison.Ordinal);
    }
}
