using ConvKit.Kernels.Cpu.Losses;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Losses;

public class LossesCpuTests
{
    private static readonly (int Rows, int Cols)[] Shapes = [(1, 1), (1, 2), (3, 10), (7, 33), (64, 10), (2, 1000)];

    [Fact]
    public void EqualLogitsGiveLogOfTheClassCount()
    {
        foreach (var cols in new[] { 1, 2, 10, 1000 })
        {
            const int rows = 3;
            var logits = Enumerable.Repeat(4.25f, rows * cols).ToArray();
            var p = new float[rows * cols];
            var d = new float[rows * cols];
            var loss = LossesCpu.SparseSoftmaxCrossEntropy(logits, [0, cols - 1, cols / 2], rows, cols, p, d);
            Assert.Equal(Math.Log(cols), loss, 1e-6);
            Assert.All(p, v => Assert.Equal(1f / cols, v, 1e-7f));
            // d = (1/cols - onehot) / rows
            Assert.Equal((1f / cols - 1f) / rows, d[0], 1e-7f);
            if (cols > 1)
            {
                Assert.Equal(1f / cols / rows, d[1], 1e-7f);
            }

            var targets = new float[rows * cols];
            targets[0] = targets[cols + cols - 1] = targets[2 * cols + cols / 2] = 1f;
            Assert.Equal(Math.Log(cols), LossesCpu.SoftmaxCrossEntropy(logits, targets, rows, cols, p, d), 1e-6);
        }
    }

    [Fact]
    public void SoftmaxCrossEntropyByHand()
    {
        // softmax(0, ln 3) = (1/4, 3/4).
        var p = new float[2];
        var d = new float[2];
        var loss = LossesCpu.SparseSoftmaxCrossEntropy([0f, MathF.Log(3f)], [1], 1, 2, p, d);
        Assert.Equal(-Math.Log(0.75), loss, 1e-6);
        AssertClose([0.25f, 0.75f], p, 1e-7, 0);
        AssertClose([0.25f, -0.25f], d, 1e-7, 0);

        // Huge logits stay finite: log-sum-exp.
        var big = LossesCpu.SparseSoftmaxCrossEntropy([1000f, 1000f, 1000f, 0f], [0, 1], 2, 2, new float[4], []);
        Assert.Equal((Math.Log(2) + 1000) / 2, big, 1e-4);

        // Smoothed targets (0.9, 0.1) on softmax (1/4, 3/4).
        loss = LossesCpu.SoftmaxCrossEntropy([0f, MathF.Log(3f)], [0.9f, 0.1f], 1, 2, p, d);
        Assert.Equal(-0.9 * Math.Log(0.25) - 0.1 * Math.Log(0.75), loss, 1e-6);
        AssertClose([0.25f - 0.9f, 0.75f - 0.1f], d, 1e-7, 0);
    }

    [Fact]
    public void ProbabilityCrossEntropyByHand()
    {
        // Rows (0.25, 0.75) with class 0, (0.5, 0.5) with class 1.
        float[] p = [0.25f, 0.75f, 0.5f, 0.5f];
        float[] t = [1f, 0f, 0f, 1f];
        var d = new float[4];
        var loss = LossesCpu.CrossEntropyFromProbabilities(p, t, 2, 2, d);
        Assert.Equal((Math.Log(4) + Math.Log(2)) / 2, loss, 1e-6);
        Assert.Equal([-2f, 0f, 0f, -1f], d); // -t / p / rows

        var sparse = new float[4];
        Assert.Equal(loss, LossesCpu.SparseCrossEntropyFromProbabilities(p, [0, 1], 2, 2, sparse), 1e-12);
        Assert.Equal(d, sparse);

        // A zero probability on the true class is clipped to 1e-7; the clipped element gets no gradient.
        loss = LossesCpu.CrossEntropyFromProbabilities([0f, 1f], [1f, 0f], 1, 2, d);
        Assert.Equal(-Math.Log(1e-7f), loss, 1e-4);
        Assert.Equal([0f, 0f], d.AsSpan(0, 2).ToArray());
        loss = LossesCpu.SparseCrossEntropyFromProbabilities([0f, 1f], [1], 1, 2, d);
        Assert.Equal(-Math.Log(1f - 1e-7f), loss, 1e-9);
    }

    [Fact]
    public void BinaryCrossEntropyByHand()
    {
        var d = new float[3];
        // Logit 0 is probability 1/2 whatever the target: log 2 each.
        Assert.Equal(Math.Log(2), LossesCpu.BinaryCrossEntropy([0f, 0f, 0f], [0f, 1f, 0.5f], true, d), 1e-12);
        AssertClose([0.5f / 3, -0.5f / 3, 0f], d, 1e-8, 0);
        // A confident wrong logit costs its size; a confident right one almost nothing.
        Assert.Equal((100 + Math.Log(1 + Math.Exp(-100))) / 2, LossesCpu.BinaryCrossEntropy([100f, 100f], [0f, 1f], true, []), 1e-9);

        Assert.Equal(Math.Log(2), LossesCpu.BinaryCrossEntropy([0.5f, 0.5f], [1f, 0f], false, d), 1e-9);
        AssertClose([-1f, 1f], d, 1e-7, 0); // -1/p / 2, 1/(1-p) / 2
        // Clipping at both ends.
        var clipped = LossesCpu.BinaryCrossEntropy([0f, 1f], [1f, 0f], false, d);
        Assert.Equal(-Math.Log(1e-7f) / 2 - Math.Log(1 - (double)(1f - 1e-7f)) / 2, clipped, 1e-3);
        Assert.Equal([0f, 0f], d.AsSpan(0, 2).ToArray());
    }

    [Fact]
    public void MeanSquaredErrorByHand()
    {
        var d = new float[2];
        Assert.Equal(2.5, LossesCpu.MeanSquaredError([1f, 2f], [0f, 0f], d));
        Assert.Equal([1f, 2f], d);
        Assert.Equal(0.0, LossesCpu.MeanSquaredError([], [], []));
    }

    [Fact]
    public void ArgMaxAndCountCorrect()
    {
        float[] scores = [1, 3, 3, 0, 5, -1, 2, 2, 2, float.NaN, 1, 0, float.NaN, float.NaN, float.NaN];
        var result = new int[5];
        LossesCpu.ArgMaxRows(scores, 5, 3, result);
        Assert.Equal([1, 1, 0, 1, 0], result); // ties go to the first; NaN is skipped
        var expected = new int[5];
        LossesReference.ArgMaxRows(scores, 5, 3, expected);
        Assert.Equal(expected, result);
        Assert.Equal(3, LossesCpu.CountCorrect(scores, [1, 0, 0, 1, 2], 5, 3));
    }

    [Fact]
    public void LabelsOutOfRangeNameTheRowAndLabel()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LossesCpu.SparseSoftmaxCrossEntropy(new float[6], [1, 3], 2, 3, new float[6], []));
        Assert.Contains("row 1", e.Message);
        Assert.Contains("Label 3", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => LossesCpu.SparseCrossEntropyFromProbabilities(new float[6], [-1, 0], 2, 3, []));
        Assert.Contains("row 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LossesCpu.CountCorrect(new float[6], [0, 7], 2, 3));
        Assert.Throws<ArgumentException>(() => LossesCpu.MeanSquaredError(new float[3], new float[2], []));
        Assert.Throws<ArgumentException>(() => LossesCpu.SoftmaxCrossEntropy(new float[6], new float[6], 2, 3, new float[5], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossesCpu.SparseSoftmaxCrossEntropy([], [0], 1, 0, [], []));
    }

    [Fact]
    public void MatchesReference()
    {
        var seed = 0;
        foreach (var (rows, cols) in Shapes)
        {
            var n = rows * cols;
            var logits = Uniform(n, ++seed, -8f, 8f);
            var rng = new Random(++seed);
            var labels = Enumerable.Range(0, rows).Select(_ => rng.Next(cols)).ToArray();
            var targets = Uniform(n, ++seed, 0f, 1f);
            var what = $"{rows}x{cols}";

            void Compare(Func<float[], float[], double> fast, Func<float[], float[], double> reference, string name, bool softmax = false, double tol = 1e-6)
            {
                var (p1, d1) = (Guarded(n), Guarded(n));
                var (p2, d2) = (new float[n], new float[n]);
                var l1 = fast(p1, d1);
                var l2 = reference(p2, d2);
                Assert.True(Math.Abs(l1 - l2) <= 1e-6 * (1 + Math.Abs(l2)), $"{name} {what}: {l1} vs {l2}");
                if (softmax)
                {
                    AssertClose(p2, p1, tol, tol, $"{name} p {what}");
                }
                AssertClose(d2, d1, tol * 1e-1, tol, $"{name} d {what}");
                AssertGuardIntact(d1, n);
            }

            Compare((p, d) => LossesCpu.SparseSoftmaxCrossEntropy(logits, labels, rows, cols, p, d),
                (p, d) => LossesReference.SparseSoftmaxCrossEntropy(logits, labels, rows, cols, p, d), "sparse softmax ce", softmax: true);
            Compare((p, d) => LossesCpu.SoftmaxCrossEntropy(logits, targets, rows, cols, p, d),
                (p, d) => LossesReference.SoftmaxCrossEntropy(logits, targets, rows, cols, p, d), "softmax ce", softmax: true);

            var probs = Uniform(n, ++seed, 0f, 1f);
            probs[0] = 0f; // clipped
            Compare((_, d) => LossesCpu.CrossEntropyFromProbabilities(probs, targets, rows, cols, d),
                (_, d) => LossesReference.CrossEntropyFromProbabilities(probs, targets, rows, cols, d), "ce from p");
            Compare((_, d) => LossesCpu.SparseCrossEntropyFromProbabilities(probs, labels, rows, cols, d),
                (_, d) => LossesReference.SparseCrossEntropyFromProbabilities(probs, labels, rows, cols, d), "sparse ce from p");
            Compare((_, d) => LossesCpu.BinaryCrossEntropy(logits, targets, true, d),
                (_, d) => LossesReference.BinaryCrossEntropy(logits, targets, true, d), "bce logits");
            Compare((_, d) => LossesCpu.BinaryCrossEntropy(probs, targets, false, d),
                (_, d) => LossesReference.BinaryCrossEntropy(probs, targets, false, d), "bce p");
            Compare((_, d) => LossesCpu.MeanSquaredError(logits, targets, d),
                (_, d) => LossesReference.MeanSquaredError(logits, targets, d), "mse");

            var argmax = new int[rows];
            var argmaxRef = new int[rows];
            LossesCpu.ArgMaxRows(logits, rows, cols, argmax);
            LossesReference.ArgMaxRows(logits, rows, cols, argmaxRef);
            Assert.Equal(argmaxRef, argmax);
            Assert.Equal(argmaxRef.Zip(labels).Count(z => z.First == z.Second), LossesCpu.CountCorrect(logits, labels, rows, cols));
        }
    }

    [Fact]
    public void GradientsMatchCentralDifferences()
    {
        const int rows = 3, cols = 5;
        const int n = rows * cols;
        var logits = Uniform(n, 1, -2f, 2f);
        int[] labels = [4, 0, 2];
        var targets = Uniform(n, 2, 0f, 1f);
        var probs = Uniform(n, 3, 0.05f, 0.95f);
        var d = new float[n];

        LossesCpu.SparseSoftmaxCrossEntropy(logits, labels, rows, cols, new float[n], d);
        CheckGradient(logits, x => LossesCpu.SparseSoftmaxCrossEntropy(x, labels, rows, cols, new float[n], []), d, "sparse softmax ce");

        LossesCpu.SoftmaxCrossEntropy(logits, targets, rows, cols, new float[n], d);
        CheckGradient(logits, x => LossesCpu.SoftmaxCrossEntropy(x, targets, rows, cols, new float[n], []), d, "softmax ce (targets not normalised)");

        LossesCpu.CrossEntropyFromProbabilities(probs, targets, rows, cols, d);
        CheckGradient(probs, p => LossesCpu.CrossEntropyFromProbabilities(p, targets, rows, cols, []), d, "ce from p");

        LossesCpu.SparseCrossEntropyFromProbabilities(probs, labels, rows, cols, d);
        CheckGradient(probs, p => LossesCpu.SparseCrossEntropyFromProbabilities(p, labels, rows, cols, []), d, "sparse ce from p");

        LossesCpu.BinaryCrossEntropy(logits, targets, true, d);
        CheckGradient(logits, x => LossesCpu.BinaryCrossEntropy(x, targets, true, []), d, "bce logits");

        LossesCpu.BinaryCrossEntropy(probs, targets, false, d);
        CheckGradient(probs, p => LossesCpu.BinaryCrossEntropy(p, targets, false, []), d, "bce p");

        LossesCpu.MeanSquaredError(logits, targets, d);
        CheckGradient(logits, x => LossesCpu.MeanSquaredError(x, targets, []), d, "mse");
    }

    [Fact]
    public void ProbabilitiesAndGradientsMayShareBuffers()
    {
        const int rows = 4, cols = 6;
        var logits = Uniform(rows * cols, 9, -3f, 3f);
        int[] labels = [0, 5, 2, 3];
        var p = new float[rows * cols];
        var d = new float[rows * cols];
        var expected = LossesCpu.SparseSoftmaxCrossEntropy(logits, labels, rows, cols, p, d);

        var shared = (float[])logits.Clone();
        Assert.Equal(expected, LossesCpu.SparseSoftmaxCrossEntropy(shared, labels, rows, cols, shared, shared));
        AssertBitwiseEqual(d, shared, "logits, probabilities and gradient in one buffer");
    }
}
