namespace ConvKit.Kernels.Cpu.Losses;

/// <summary>
/// Naive twins of <see cref="LossesCpu"/>, written from the textbook formulas in double (softmax, then the log of the
/// probability). Same arguments and semantics; used by the tests as the definition.
/// </summary>
public static class LossesReference
{
    /// <summary>See <see cref="LossesCpu.SparseSoftmaxCrossEntropy"/>.</summary>
    public static double SparseSoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int cols, Span<float> probabilities, Span<float> dLogits)
    {
        var targets = new float[rows * cols];
        for (var r = 0; r < rows; r++)
        {
            targets[r * cols + labels[r]] = 1f;
        }
        return SoftmaxCrossEntropy(logits, targets, rows, cols, probabilities, dLogits);
    }

    /// <summary>See <see cref="LossesCpu.SoftmaxCrossEntropy"/>.</summary>
    public static double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int cols, Span<float> probabilities, Span<float> dLogits)
    {
        var total = 0.0;
        var p = new double[cols];
        for (var r = 0; r < rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < cols; j++)
            {
                max = Math.Max(max, logits[r * cols + j]);
            }
            var sum = 0.0;
            for (var j = 0; j < cols; j++)
            {
                p[j] = Math.Exp(logits[r * cols + j] - max);
                sum += p[j];
            }
            var sumT = 0.0;
            for (var j = 0; j < cols; j++)
            {
                p[j] /= sum;
                probabilities[r * cols + j] = (float)p[j];
                // -t log p with log p = x - max - log(sum)
                total -= targets[r * cols + j] * (logits[r * cols + j] - max - Math.Log(sum));
                sumT += targets[r * cols + j];
            }
            if (!dLogits.IsEmpty)
            {
                for (var j = 0; j < cols; j++)
                {
                    dLogits[r * cols + j] = (float)((p[j] * sumT - targets[r * cols + j]) / rows);
                }
            }
        }
        return rows == 0 ? 0.0 : total / rows;
    }

    /// <summary>See <see cref="LossesCpu.CrossEntropyFromProbabilities"/>.</summary>
    public static double CrossEntropyFromProbabilities(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, int rows, int cols, Span<float> dProbabilities)
    {
        var total = 0.0;
        for (var i = 0; i < rows * cols; i++)
        {
            var p = probabilities[i];
            var clipped = Math.Clamp(p, LossesCpu.Epsilon, 1f - LossesCpu.Epsilon);
            total += -targets[i] * Math.Log(clipped);
            if (!dProbabilities.IsEmpty)
            {
                var active = p < LossesCpu.Epsilon || p > 1f - LossesCpu.Epsilon;
                dProbabilities[i] = active ? 0f : (float)(-targets[i] / (double)clipped / rows);
            }
        }
        return rows == 0 ? 0.0 : total / rows;
    }

    /// <summary>See <see cref="LossesCpu.SparseCrossEntropyFromProbabilities"/>.</summary>
    public static double SparseCrossEntropyFromProbabilities(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int rows, int cols, Span<float> dProbabilities)
    {
        var targets = new float[rows * cols];
        for (var r = 0; r < rows; r++)
        {
            targets[r * cols + labels[r]] = 1f;
        }
        return CrossEntropyFromProbabilities(probabilities, targets, rows, cols, dProbabilities);
    }

    /// <summary>See <see cref="LossesCpu.BinaryCrossEntropy"/>; the logit form is computed as -(t log s + (1 - t) log(1 - s)), s = sigmoid(x).</summary>
    public static double BinaryCrossEntropy(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, bool fromLogits, Span<float> dInput)
    {
        var n = input.Length;
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            double t = targets[i];
            if (fromLogits)
            {
                double x = input[i];
                // log sigmoid(x) = -log(1 + exp(-x)), log(1 - sigmoid(x)) = -log(1 + exp(x)), each written to avoid overflow.
                var logS = x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));
                var log1mS = x >= 0 ? -x - Math.Log(1 + Math.Exp(-x)) : -Math.Log(1 + Math.Exp(x));
                total -= t * logS + (1 - t) * log1mS;
                if (!dInput.IsEmpty)
                {
                    dInput[i] = (float)((Math.Exp(logS) - t) / n);
                }
            }
            else
            {
                var p = input[i];
                var clipped = (double)Math.Clamp(p, LossesCpu.Epsilon, 1f - LossesCpu.Epsilon);
                total -= t * Math.Log(clipped) + (1 - t) * Math.Log(1 - clipped);
                if (!dInput.IsEmpty)
                {
                    var active = p < LossesCpu.Epsilon || p > 1f - LossesCpu.Epsilon;
                    dInput[i] = active ? 0f : (float)((-t / clipped + (1 - t) / (1 - clipped)) / n);
                }
            }
        }
        return n == 0 ? 0.0 : total / n;
    }

    /// <summary>See <see cref="LossesCpu.MeanSquaredError"/>.</summary>
    public static double MeanSquaredError(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Span<float> dInput)
    {
        var total = 0.0;
        for (var i = 0; i < input.Length; i++)
        {
            total += Math.Pow((double)input[i] - targets[i], 2);
            if (!dInput.IsEmpty)
            {
                dInput[i] = (float)(2 * ((double)input[i] - targets[i]) / input.Length);
            }
        }
        return input.Length == 0 ? 0.0 : total / input.Length;
    }

    /// <summary>See <see cref="LossesCpu.ArgMaxRows"/>.</summary>
    public static void ArgMaxRows(ReadOnlySpan<float> scores, int rows, int cols, Span<int> result)
    {
        for (var r = 0; r < rows; r++)
        {
            var index = 0;
            for (var j = 1; j < cols; j++)
            {
                var best = scores[r * cols + index];
                var v = scores[r * cols + j];
                if (v > best || (float.IsNaN(best) && !float.IsNaN(v)))
                {
                    index = j;
                }
            }
            result[r] = index;
        }
    }
}
