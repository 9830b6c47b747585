using ConvKit.Backends;
using ConvKit.Backends.Cpu;
using ConvKit.Losses;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Tests.Layers;

/// <summary>Finite-difference checks of every loss's gradient with respect to the model output.</summary>
public class LossGradientTests
{
    private static readonly CpuBackend B = CpuBackend.Instance;

    private static void Check(Loss loss, float[] output, int rows, int cols, TargetBatch targets, Func<float[], float[]>? prepare = null)
    {
        var shape = new Shape(rows, cols);
        var x = Tensor.FromArray(shape, output);
        var d = B.Allocate(shape);
        loss.Compute(B, x, ActivationKind.Linear, targets, d, out var pre);
        Assert.False(pre);
        var analytic = d.ToArray();
        const double eps = 1e-3;
        for (var i = 0; i < output.Length; i++)
        {
            var keep = output[i];
            output[i] = (float)(keep + eps);
            var plus = loss.Compute(B, Tensor.FromArray(shape, output), ActivationKind.Linear, targets, null, out _);
            output[i] = (float)(keep - eps);
            var minus = loss.Compute(B, Tensor.FromArray(shape, output), ActivationKind.Linear, targets, null, out _);
            output[i] = keep;
            var numeric = (plus - minus) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-3 + 1e-2 * Math.Abs(numeric), $"{loss.Name}[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    private static float[] Uniform(int n, int seed, float lo, float hi)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(lo + r.NextDouble() * (hi - lo))).ToArray();
    }

    private static TargetBatch Labels(params int[] labels)
    {
        var buffer = B.AllocateIndices(labels.Length);
        B.UploadIndices(labels, buffer);
        return new TargetBatch(buffer, null, labels.Length);
    }

    private static float[] Normalize(float[] p, int rows, int cols)
    {
        for (var r = 0; r < rows; r++)
        {
            var s = p.AsSpan(r * cols, cols).ToArray().Sum();
            for (var c = 0; c < cols; c++)
            {
                p[r * cols + c] /= s;
            }
        }
        return p;
    }

    [Fact]
    public void SparseCrossEntropyFromLogits() => Check(new SparseCategoricalCrossentropy(fromLogits: true), Uniform(12, 1, -2, 2), 3, 4, Labels(0, 3, 1));

    [Fact]
    public void SparseCrossEntropyFromProbabilities() =>
        Check(new SparseCategoricalCrossentropy(), Normalize(Uniform(12, 2, 0.2f, 1f), 3, 4), 3, 4, Labels(2, 0, 1));

    [Fact]
    public void CategoricalCrossEntropyFromLogits()
    {
        var t = Tensor.FromArray(new Shape(3, 4), [0, 1, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0, 0, 1]);
        Check(new CategoricalCrossentropy(fromLogits: true), Uniform(12, 3, -2, 2), 3, 4, new TargetBatch(null, t, 3));
    }

    [Fact]
    public void CategoricalCrossEntropyFromProbabilities()
    {
        var t = Tensor.FromArray(new Shape(3, 4), [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
        Check(new CategoricalCrossentropy(), Normalize(Uniform(12, 4, 0.2f, 1f), 3, 4), 3, 4, new TargetBatch(null, t, 3));
    }

    [Fact]
    public void BinaryCrossEntropy()
    {
        var t = Tensor.FromArray(new Shape(2, 3), [1, 0, 1, 0, 0, 1]);
        Check(new BinaryCrossentropy(fromLogits: true), Uniform(6, 5, -3, 3), 2, 3, new TargetBatch(null, t, 2));
        Check(new BinaryCrossentropy(), Uniform(6, 6, 0.1f, 0.9f), 2, 3, new TargetBatch(null, t, 2));
    }

    [Fact]
    public void MeanSquaredError()
    {
        var t = Tensor.FromArray(new Shape(2, 3), Uniform(6, 7, -1, 1));
        Check(new MeanSquaredError(), Uniform(6, 8, -1, 1), 2, 3, new TargetBatch(null, t, 2));
    }
}
