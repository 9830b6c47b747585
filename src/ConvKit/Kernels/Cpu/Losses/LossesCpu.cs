using System.Numerics.Tensors;
using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Losses;

/// <summary>
/// Loss functions with their gradients, and accuracy helpers. Scores are (rows, cols) row-major: one row per sample,
/// one column per class. Every loss returns the MEAN over the batch as a double (per-row terms are summed in double in
/// row order) and, when the gradient span is not empty, OVERWRITES it with the gradient of that mean.
/// </summary>
/// <remarks>
/// Spans may be longer than their shape; only the prefix is used. An empty batch (rows = 0) has loss 0.
/// These kernels run on the calling thread (they are small next to the layers that feed them). Nothing here allocates.
/// </remarks>
public static class LossesCpu
{
    /// <summary>Probabilities are clipped to [Epsilon, 1 - Epsilon] before the logarithm, as Keras does.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>
    /// Fused softmax and sparse categorical cross-entropy, stable for any logits (log-sum-exp):
    /// loss = (1/rows) sum_r [log sum_j exp(x[r, j]) - x[r, labels[r]]].
    /// <paramref name="probabilities"/> receives softmax(logits); when <paramref name="dLogits"/> is not empty it is
    /// overwritten with (p - onehot(labels)) / rows.
    /// </summary>
    /// <param name="logits">(rows, cols).</param>
    /// <param name="labels">(rows), each in [0, cols).</param>
    /// <param name="rows">Batch size.</param>
    /// <param name="cols">Number of classes (at least 1 when rows &gt; 0).</param>
    /// <param name="probabilities">(rows, cols), overwritten; may be <paramref name="logits"/> itself.</param>
    /// <param name="dLogits">(rows, cols) or empty; may be <paramref name="probabilities"/> itself.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range, or a label is outside [0, cols) (the message names the row and label).</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape or overlaps another at an offset.</exception>
    public static double SparseSoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int cols, Span<float> probabilities, Span<float> dLogits)
    {
        var count = CheckScores(rows, cols);
        SpanChecks.AtLeast(logits.Length, count, nameof(logits));
        SpanChecks.AtLeast(probabilities.Length, count, nameof(probabilities));
        SpanChecks.NoPartialOverlap(logits, probabilities, nameof(probabilities));
        CheckGradient(dLogits, count, nameof(dLogits));
        if (!dLogits.IsEmpty)
        {
            SpanChecks.NoPartialOverlap(probabilities, dLogits, nameof(dLogits));
        }
        CheckLabels(labels, rows, cols);
        var total = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var x = logits.Slice(r * cols, cols);
            var label = labels[r];
            var target = x[label]; // read before probabilities (possibly the same memory) is written
            var lse = SoftmaxRow(x, probabilities.Slice(r * cols, cols));
            total += lse - target;
        }
        if (!dLogits.IsEmpty)
        {
            for (var r = 0; r < rows; r++)
            {
                var d = dLogits.Slice(r * cols, cols);
                var atLabel = probabilities[r * cols + labels[r]]; // dLogits may be probabilities itself
                TensorPrimitives.Divide(probabilities.Slice(r * cols, cols), rows, d);
                d[labels[r]] = (atLabel - 1f) / rows;
            }
        }
        return rows == 0 ? 0.0 : total / rows;
    }

    /// <summary>
    /// Fused softmax and categorical cross-entropy against target distributions (e.g. one-hot or smoothed labels):
    /// loss = (1/rows) sum_r sum_j t[r, j] * (log sum_k exp(x[r, k]) - x[r, j]).
    /// <paramref name="probabilities"/> receives softmax(logits); when <paramref name="dLogits"/> is not empty it is
    /// overwritten with (p * sum_j t[r, j] - t) / rows, which is (p - t) / rows for targets that sum to 1.
    /// </summary>
    /// <param name="logits">(rows, cols).</param>
    /// <param name="targets">(rows, cols).</param>
    /// <param name="rows">Batch size.</param>
    /// <param name="cols">Number of classes (at least 1 when rows &gt; 0).</param>
    /// <param name="probabilities">(rows, cols), overwritten; may be <paramref name="logits"/> itself.</param>
    /// <param name="dLogits">(rows, cols) or empty; may be <paramref name="probabilities"/> itself.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape or overlaps another at an offset.</exception>
    public static double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int cols, Span<float> probabilities, Span<float> dLogits)
    {
        var count = CheckScores(rows, cols);
        SpanChecks.AtLeast(logits.Length, count, nameof(logits));
        SpanChecks.AtLeast(targets.Length, count, nameof(targets));
        SpanChecks.AtLeast(probabilities.Length, count, nameof(probabilities));
        SpanChecks.NoPartialOverlap(logits, probabilities, nameof(probabilities));
        SpanChecks.NoPartialOverlap(targets, probabilities, nameof(probabilities));
        CheckGradient(dLogits, count, nameof(dLogits));
        if (!dLogits.IsEmpty)
        {
            SpanChecks.NoPartialOverlap(targets, dLogits, nameof(dLogits));
            SpanChecks.NoPartialOverlap(probabilities, dLogits, nameof(dLogits));
        }
        var total = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var x = logits.Slice(r * cols, cols);
            var t = targets.Slice(r * cols, cols);
            var max = TensorPrimitives.Max(x);
            // Loss terms from the logits before the probabilities (possibly the same memory) are written.
            var sumT = 0.0;
            var sumTx = 0.0;
            for (var j = 0; j < cols; j++)
            {
                sumT += t[j];
                sumTx += (double)t[j] * (x[j] - max);
            }
            var p = probabilities.Slice(r * cols, cols);
            var lse = SoftmaxRow(x, p);
            total += sumT * (lse - max) - sumTx;
            if (!dLogits.IsEmpty)
            {
                var d = dLogits.Slice(r * cols, cols);
                for (var j = 0; j < cols; j++)
                {
                    d[j] = (float)((p[j] * sumT - t[j]) / rows);
                }
            }
        }
        return rows == 0 ? 0.0 : total / rows;
    }

    /// <summary>
    /// Categorical cross-entropy on probabilities (the output of a softmax layer), Keras-style:
    /// loss = (1/rows) sum_r sum_j -t[r, j] * log(clip(p[r, j], eps, 1 - eps)) with eps = <see cref="Epsilon"/>.
    /// When <paramref name="dProbabilities"/> is not empty it is overwritten with -t / clip(p) / rows, and 0 where the
    /// clip was active (p &lt; eps or p &gt; 1 - eps), as the gradient of a clip is.
    /// </summary>
    /// <param name="probabilities">(rows, cols).</param>
    /// <param name="targets">(rows, cols).</param>
    /// <param name="rows">Batch size.</param>
    /// <param name="cols">Number of classes.</param>
    /// <param name="dProbabilities">(rows, cols) or empty; may be <paramref name="probabilities"/> itself.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape or overlaps another at an offset.</exception>
    public static double CrossEntropyFromProbabilities(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, int rows, int cols, Span<float> dProbabilities)
    {
        var count = CheckScores(rows, cols);
        SpanChecks.AtLeast(probabilities.Length, count, nameof(probabilities));
        SpanChecks.AtLeast(targets.Length, count, nameof(targets));
        CheckGradient(dProbabilities, count, nameof(dProbabilities));
        if (!dProbabilities.IsEmpty)
        {
            SpanChecks.NoPartialOverlap(probabilities, dProbabilities, nameof(dProbabilities));
            SpanChecks.NoPartialOverlap(targets, dProbabilities, nameof(dProbabilities));
        }
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            var p = probabilities[i];
            var t = targets[i];
            var clipped = Clip(p);
            total -= t * Math.Log(clipped);
            if (!dProbabilities.IsEmpty)
            {
                dProbabilities[i] = clipped == p ? (float)(-t / (double)clipped / rows) : 0f;
            }
        }
        return rows == 0 ? 0.0 : total / rows;
    }

    /// <summary>
    /// Sparse categorical cross-entropy on probabilities, Keras-style:
    /// loss = (1/rows) sum_r -log(clip(p[r, labels[r]], eps, 1 - eps)). When <paramref name="dProbabilities"/> is not
    /// empty it is overwritten with zeros except -1 / clip(p) / rows at each label (0 there too if the clip was active).
    /// </summary>
    /// <param name="probabilities">(rows, cols).</param>
    /// <param name="labels">(rows), each in [0, cols).</param>
    /// <param name="rows">Batch size.</param>
    /// <param name="cols">Number of classes (at least 1 when rows &gt; 0).</param>
    /// <param name="dProbabilities">(rows, cols) or empty; may be <paramref name="probabilities"/> itself.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range, or a label is outside [0, cols) (the message names the row and label).</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape or overlaps another at an offset.</exception>
    public static double SparseCrossEntropyFromProbabilities(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int rows, int cols, Span<float> dProbabilities)
    {
        var count = CheckScores(rows, cols);
        SpanChecks.AtLeast(probabilities.Length, count, nameof(probabilities));
        CheckGradient(dProbabilities, count, nameof(dProbabilities));
        if (!dProbabilities.IsEmpty)
        {
            SpanChecks.NoPartialOverlap(probabilities, dProbabilities, nameof(dProbabilities));
        }
        CheckLabels(labels, rows, cols);
        var total = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var p = probabilities[r * cols + labels[r]];
            var clipped = Clip(p);
            total -= Math.Log(clipped);
            if (!dProbabilities.IsEmpty)
            {
                dProbabilities.Slice(r * cols, cols).Clear();
                dProbabilities[r * cols + labels[r]] = clipped == p ? (float)(-1.0 / clipped / rows) : 0f;
            }
        }
        return rows == 0 ? 0.0 : total / rows;
    }

    /// <summary>
    /// Binary cross-entropy, the mean over all elements. With <paramref name="fromLogits"/> the input is a logit x and
    /// the stable form max(x, 0) - x t + log(1 + exp(-|x|)) is used, with gradient (sigmoid(x) - t) / count. Otherwise
    /// the input is a probability p, clipped to [eps, 1 - eps]: -(t log p + (1 - t) log(1 - p)), with gradient
    /// (-t / p + (1 - t) / (1 - p)) / count, 0 where the clip was active.
    /// </summary>
    /// <param name="input">Logits or probabilities, any shape.</param>
    /// <param name="targets">Same length as <paramref name="input"/>, usually 0 or 1.</param>
    /// <param name="fromLogits">Whether <paramref name="input"/> holds logits.</param>
    /// <param name="dInput">Gradient with respect to the input, overwritten; same length as the input, or empty. May be the input itself.</param>
    /// <returns>The mean loss (0 for empty input).</returns>
    /// <exception cref="ArgumentException">Lengths differ or a span overlaps another at an offset.</exception>
    public static double BinaryCrossEntropy(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, bool fromLogits, Span<float> dInput)
    {
        var count = CheckElementwise(input, targets, dInput, nameof(dInput));
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            double t = targets[i];
            if (fromLogits)
            {
                double x = input[i];
                var e = Math.Exp(-Math.Abs(x));
                total += Math.Max(x, 0.0) - x * t + Math.Log(1.0 + e);
                if (!dInput.IsEmpty)
                {
                    var sigmoid = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
                    dInput[i] = (float)((sigmoid - t) / count);
                }
            }
            else
            {
                var p = input[i];
                var clipped = Clip(p);
                total -= t * Math.Log(clipped) + (1.0 - t) * Math.Log(1.0 - clipped);
                if (!dInput.IsEmpty)
                {
                    dInput[i] = clipped == p ? (float)((-t / clipped + (1.0 - t) / (1.0 - clipped)) / count) : 0f;
                }
            }
        }
        return count == 0 ? 0.0 : total / count;
    }

    /// <summary>
    /// Mean squared error over all elements: loss = (1/count) sum (x - t)^2; dInput = 2 (x - t) / count when not empty
    /// (it may be the input itself).
    /// </summary>
    /// <param name="input">Predictions, any shape.</param>
    /// <param name="targets">Same length as <paramref name="input"/>.</param>
    /// <param name="dInput">Overwritten; same length as the input, or empty.</param>
    /// <returns>The mean loss (0 for empty input).</returns>
    /// <exception cref="ArgumentException">Lengths differ or a span overlaps another at an offset.</exception>
    public static double MeanSquaredError(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Span<float> dInput)
    {
        var count = CheckElementwise(input, targets, dInput, nameof(dInput));
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            var d = (double)input[i] - targets[i];
            total += d * d;
            if (!dInput.IsEmpty)
            {
                dInput[i] = (float)(2.0 * d / count);
            }
        }
        return count == 0 ? 0.0 : total / count;
    }

    /// <summary>Number of rows whose <see cref="ArgMaxRows">argmax</see> equals the label.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range, or a label is outside [0, cols).</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static int CountCorrect(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int rows, int cols)
    {
        var count = CheckScores(rows, cols);
        SpanChecks.AtLeast(scores.Length, count, nameof(scores));
        CheckLabels(labels, rows, cols);
        var correct = 0;
        for (var r = 0; r < rows; r++)
        {
            correct += ArgMax(scores.Slice(r * cols, cols)) == labels[r] ? 1 : 0;
        }
        return correct;
    }

    /// <summary>
    /// result[r] = the column of the largest score in row r, the first one on ties. NaN scores are skipped (a row of
    /// NaN gives 0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void ArgMaxRows(ReadOnlySpan<float> scores, int rows, int cols, Span<int> result)
    {
        var count = CheckScores(rows, cols);
        SpanChecks.AtLeast(scores.Length, count, nameof(scores));
        SpanChecks.AtLeast(result.Length, rows, nameof(result));
        for (var r = 0; r < rows; r++)
        {
            result[r] = ArgMax(scores.Slice(r * cols, cols));
        }
    }

    /// <summary>Softmax of one row into <paramref name="p"/>; returns log sum exp(x) in double.</summary>
    private static double SoftmaxRow(ReadOnlySpan<float> x, Span<float> p)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, p);
        TensorPrimitives.Exp(p, p);
        var sum = DoubleSums.Sum(p);
        TensorPrimitives.Divide(p, (float)sum, p);
        return max + Math.Log(sum);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0f;
        var index = -1;
        for (var j = 0; j < row.Length; j++)
        {
            var v = row[j];
            if (!float.IsNaN(v) && (index < 0 || v > best))
            {
                best = v;
                index = j;
            }
        }
        return Math.Max(index, 0);
    }

    private static float Clip(float p) => p < Epsilon ? Epsilon : p > 1f - Epsilon ? 1f - Epsilon : p;

    private static int CheckScores(int rows, int cols)
    {
        SpanChecks.NonNegative(rows, nameof(rows));
        SpanChecks.NonNegative(cols, nameof(cols));
        if (rows > 0 && cols == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cols), cols, "A batch of scores needs at least one column.");
        }
        return SpanChecks.Product(rows, cols, "rows x cols");
    }

    private static void CheckLabels(ReadOnlySpan<int> labels, int rows, int cols)
    {
        SpanChecks.AtLeast(labels.Length, rows, nameof(labels));
        for (var r = 0; r < rows; r++)
        {
            if ((uint)labels[r] >= (uint)cols)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[r], $"Label {labels[r]} in row {r} is outside the {cols} classes [0, {cols}).");
            }
        }
    }

    private static void CheckGradient(Span<float> gradient, int count, string name)
    {
        if (!gradient.IsEmpty)
        {
            SpanChecks.AtLeast(gradient.Length, count, name);
        }
    }

    private static int CheckElementwise(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Span<float> gradient, string name)
    {
        SpanChecks.SameLength(targets.Length, input.Length, nameof(targets));
        if (!gradient.IsEmpty)
        {
            SpanChecks.AtLeast(gradient.Length, input.Length, name);
            SpanChecks.NoPartialOverlap(input, gradient, name);
            SpanChecks.NoPartialOverlap(targets, gradient, name);
        }
        return input.Length;
    }
}
