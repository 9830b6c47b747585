using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.TestSupport;
using ConvKit.Zoo;

namespace ConvKit.Tests.Parity;

/// <summary>Whole models against PyTorch: seed-mnist's loss, every gradient and three Adam steps; keras-mnist-cnn's forward pass.</summary>
public class GoldenModelTests
{
    private static void SetWeights(Model model, Golden g, string prefix)
    {
        foreach (var p in model.Parameters)
        {
            p.Value.CopyFrom(g[prefix + p.FullName]);
        }
    }

    [Fact]
    public void SeedMnistTrainingStepsMatchPyTorch()
    {
        var g = Golden.Load("seed_mnist_step");
        var model = ModelZoo.Create("seed-mnist");
        Assert.Equal(["conv2d", "conv2d_1", "dense", "dense_1"], model.Layers.Where(l => l.Parameters.Count > 0).Select(l => l.Name));
        SetWeights(model, g, "init.");
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);

        var x0 = Tensor.FromArray(new Shape(g.Shape("x0")), g["x0"]);
        var probs = model.Predict(x0);
        var logits = g["logits0"];
        var expected = new float[logits.Length];
        for (var r = 0; r < 64; r++)
        {
            var row = logits.AsSpan(r * 10, 10);
            var max = row.ToArray().Max();
            var sum = row.ToArray().Sum(v => Math.Exp(v - max));
            for (var c = 0; c < 10; c++)
            {
                expected[r * 10 + c] = (float)(Math.Exp(row[c] - max) / sum);
            }
        }
        Assertions.Close(expected, probs.AsSpan(), 1e-4, 1e-6, "softmax(logits0)");

        var (loss0, _) = model.Evaluate(x0, g.Labels("y0"));
        Assertions.Close(g["loss0"][0], loss0, 1e-4, 1e-6, "loss0");

        // One step: gradients, then the Adam update.
        var step = model.TrainOnBatch(x0, g.Labels("y0"));
        Assertions.Close(g["loss0"][0], step, 1e-4, 1e-6, "training loss0");
        foreach (var p in model.Parameters)
        {
            Assertions.Close(g["grad." + p.FullName], p.Gradient!.AsSpan(), 1e-3, 2e-6, "grad." + p.FullName);
            Assertions.Close(g["step1." + p.FullName], p.Value.AsSpan(), 0, 3e-4, "step1." + p.FullName);
        }
        // Two more steps on fresh batches, from the exact step-1 weights.
        SetWeights(model, g, "step1.");
        for (var s = 1; s <= 2; s++)
        {
            var x = Tensor.FromArray(new Shape(g.Shape($"x{s}")), g[$"x{s}"]);
            var loss = model.TrainOnBatch(x, g.Labels($"y{s}"));
            Assertions.Close(g[$"loss{s}"][0], loss, 2e-3, 1e-5, $"loss{s}");
        }
        foreach (var p in model.Parameters)
        {
            Assertions.Close(g["step3." + p.FullName], p.Value.AsSpan(), 0, 5e-4, "step3." + p.FullName);
        }
    }

    [Fact]
    public void KerasMnistCnnForwardMatchesPyTorch()
    {
        var g = Golden.Load("keras_mnist_cnn_forward");
        var model = ModelZoo.Create("keras-mnist-cnn");
        SetWeights(model, g, string.Empty);
        var x = Tensor.FromArray(new Shape(g.Shape("x")), g["x"]);
        var probs = model.Predict(x);
        Assertions.Close(g["probs"], probs.AsSpan(), 1e-4, 1e-6, "probs");
    }
}
