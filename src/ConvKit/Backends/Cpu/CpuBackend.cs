using ConvKit.Kernels.Cpu.Activations;
using ConvKit.Kernels.Cpu.Convolution;
using ConvKit.Kernels.Cpu.Elementwise;
using ConvKit.Kernels.Cpu.Gemm;
using ConvKit.Kernels.Cpu.Losses;
using ConvKit.Kernels.Cpu.Normalization;
using ConvKit.Kernels.Cpu.Optimizers;
using ConvKit.Kernels.Cpu.Pooling;
using ConvKit.Kernels.Cpu.Reshaping;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Tensors;

namespace ConvKit.Backends.Cpu;

/// <summary>
/// The CPU backend: managed arrays and the vectorised, multi-threaded kernels under <c>ConvKit.Kernels.Cpu</c>.
/// It adds no logic of its own beyond mapping tensors to spans and dimensions.
/// </summary>
public sealed class CpuBackend : IBackend
{
    public static CpuBackend Instance { get; } = new();

    private CpuBackend()
    {
    }

    public string Name => "cpu";

    public Tensor Allocate(Shape shape) => new(this, shape, new CpuStorage(shape.Size), 0);

    public IndexBuffer AllocateIndices(int length) => new CpuIndexBuffer(length);

    public void Upload(ReadOnlySpan<float> source, Tensor destination) => source.CopyTo(destination.AsSpan());

    public void Download(Tensor source, Span<float> destination) => source.AsSpan().CopyTo(destination);

    public void UploadIndices(ReadOnlySpan<int> source, IndexBuffer destination) => source.CopyTo(Ints(destination));

    public void Fill(Tensor tensor, float value) => tensor.AsSpan().Fill(value);

    public void Copy(Tensor source, Tensor destination) => source.AsSpan().CopyTo(destination.AsSpan());

    public void Add(Tensor a, Tensor b, Tensor y) => ElementwiseCpu.Add(a.AsSpan(), b.AsSpan(), y.AsSpan());

    public void Multiply(Tensor a, Tensor b, Tensor y) => ElementwiseCpu.Multiply(a.AsSpan(), b.AsSpan(), y.AsSpan());

    public void AddScaled(Tensor x, float alpha, Tensor y) =>
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x.AsSpan(), alpha, y.AsSpan(), y.AsSpan());

    public void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float beta)
    {
        var (ar, ac) = Matrix(a);
        var (br, bc) = Matrix(b);
        var (m, k) = transposeA ? (ac, ar) : (ar, ac);
        var (k2, n) = transposeB ? (bc, br) : (br, bc);
        var (cr, cc) = Matrix(c);
        if (k != k2 || cr != m || cc != n)
        {
            throw new ArgumentException($"MatMul shapes do not agree: {a.Shape}{(transposeA ? "ᵀ" : "")} · {b.Shape}{(transposeB ? "ᵀ" : "")} -> {c.Shape}.");
        }
        Sgemm.Multiply(transposeA, transposeB, m, n, k, a.AsSpan(), ac, b.AsSpan(), bc, c.AsSpan(), cc, beta);
    }

    public void AddRowBias(Tensor x, Tensor bias)
    {
        var (rows, cols) = Matrix(x);
        ElementwiseCpu.AddRowBias(x.AsSpan(), rows, cols, bias.AsSpan());
    }

    public void AccumulateColumnSums(Tensor dy, Tensor dBias)
    {
        var (rows, cols) = Matrix(dy);
        ElementwiseCpu.AccumulateColumnSums(dy.AsSpan(), rows, cols, dBias.AsSpan());
    }

    public int Conv2DWorkspaceSize(in Conv2DGeometry geometry, int batch)
    {
        var threads = CpuThreads.Count;
        return Math.Max(Conv2DCpu.ForwardWorkspaceSize(geometry, batch, threads),
            Math.Max(Conv2DCpu.BackwardDataWorkspaceSize(geometry, batch, threads), Conv2DCpu.BackwardFilterWorkspaceSize(geometry, batch, threads)));
    }

    public void Conv2DForward(Tensor x, Tensor weight, Tensor? bias, Tensor y, in Conv2DGeometry geometry, Tensor workspace, bool relu = false,
        Tensor? weightCache = null) =>
        Conv2DCpu.ForwardWithWeightCache(x.AsSpan(), weight.AsSpan(), bias is null ? [] : bias.AsSpan(), x.Shape[0], geometry, y.AsSpan(), workspace.AsSpan(),
            weightCache is null ? [] : weightCache.AsSpan(), relu: relu);

    public int Conv2DWeightCacheSize(in Conv2DGeometry geometry) => Conv2DCpu.WeightCacheSize(geometry);

    public void Conv2DBackwardData(Tensor dy, Tensor weight, Tensor dx, in Conv2DGeometry geometry, Tensor workspace, Tensor? reluInput = null) =>
        Conv2DCpu.BackwardData(dy.AsSpan(), weight.AsSpan(), dy.Shape[0], geometry, dx.AsSpan(), workspace.AsSpan(),
            reluInput: reluInput is null ? [] : reluInput.AsSpan());

    public void Conv2DBackwardFilter(Tensor x, Tensor dy, Tensor dWeight, Tensor? dBias, in Conv2DGeometry geometry, Tensor workspace) =>
        Conv2DCpu.BackwardFilter(x.AsSpan(), dy.AsSpan(), x.Shape[0], geometry, dWeight.AsSpan(), dBias is null ? [] : dBias.AsSpan(), workspace.AsSpan());

    public void MaxPool2DForward(Tensor x, Tensor y, IndexBuffer argmax, in Pool2DGeometry geometry) =>
        MaxPool2DCpu.Forward(x.AsSpan(), Planes(x), geometry, y.AsSpan(), Ints(argmax).AsSpan(0, y.Length));

    public void MaxPool2DBackward(Tensor dy, IndexBuffer argmax, Tensor dx, in Pool2DGeometry geometry, Tensor? reluOutput = null) =>
        MaxPool2DCpu.Backward(dy.AsSpan(), Ints(argmax).AsSpan(0, dy.Length), Planes(dx), geometry, dx.AsSpan(), reluOutput is null ? [] : reluOutput.AsSpan());

    public void AvgPool2DForward(Tensor x, Tensor y, in Pool2DGeometry geometry, bool countIncludePad) =>
        AvgPool2DCpu.Forward(x.AsSpan(), Planes(x), geometry, countIncludePad, y.AsSpan());

    public void AvgPool2DBackward(Tensor dy, Tensor dx, in Pool2DGeometry geometry, bool countIncludePad) =>
        AvgPool2DCpu.Backward(dy.AsSpan(), Planes(dx), geometry, countIncludePad, dx.AsSpan());

    public void GlobalAvgPoolForward(Tensor x, Tensor y) =>
        GlobalAvgPoolCpu.Forward(x.AsSpan(), Planes(x), x.Shape[2] * x.Shape[3], y.AsSpan());

    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx) =>
        GlobalAvgPoolCpu.Backward(dy.AsSpan(), Planes(dx), dx.Shape[2] * dx.Shape[3], dx.AsSpan());

    public void ActivationForward(ActivationKind kind, float alpha, Tensor x, Tensor y)
    {
        var xs = x.AsSpan();
        var ys = y.AsSpan();
        switch (kind)
        {
            case ActivationKind.Linear:
                if (!xs.Overlaps(ys))
                {
                    xs.CopyTo(ys);
                }
                break;
            case ActivationKind.Relu:
                ActivationsCpu.Relu(xs, ys);
                break;
            case ActivationKind.LeakyRelu:
                ActivationsCpu.LeakyRelu(xs, alpha, ys);
                break;
            case ActivationKind.Sigmoid:
                ActivationsCpu.Sigmoid(xs, ys);
                break;
            case ActivationKind.Tanh:
                ActivationsCpu.Tanh(xs, ys);
                break;
            case ActivationKind.LeCunTanh:
                ActivationsCpu.ScaledTanh(xs, 1.7159f, 2f / 3f, ys);
                break;
            case ActivationKind.Softmax:
                var cols = x.Shape[x.Shape.Rank - 1];
                ActivationsCpu.Softmax(xs, x.Length / cols, cols, ys);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    public void ActivationBackward(ActivationKind kind, float alpha, Tensor y, Tensor dy, Tensor dx, BackpropMode mode)
    {
        var ys = y.AsSpan();
        var dys = dy.AsSpan();
        var dxs = dx.AsSpan();
        switch (kind)
        {
            case ActivationKind.Linear:
                if (!dys.Overlaps(dxs))
                {
                    dys.CopyTo(dxs);
                }
                break;
            case ActivationKind.Relu:
                switch (mode)
                {
                    case BackpropMode.Guided:
                        ActivationsCpu.ReluBackwardGuided(ys, dys, dxs);
                        break;
                    case BackpropMode.Rectified:
                        ActivationsCpu.ReluBackwardRectified(dys, dxs);
                        break;
                    default:
                        ActivationsCpu.ReluBackward(ys, dys, dxs);
                        break;
                }
                break;
            case ActivationKind.LeakyRelu:
                // For alpha > 0 the output has the sign of the input, so y stands in for x.
                ActivationsCpu.LeakyReluBackward(ys, dys, alpha, dxs);
                break;
            case ActivationKind.Sigmoid:
                ActivationsCpu.SigmoidBackward(ys, dys, dxs);
                break;
            case ActivationKind.Tanh:
                ActivationsCpu.TanhBackward(ys, dys, dxs);
                break;
            case ActivationKind.LeCunTanh:
                ActivationsCpu.ScaledTanhBackward(ys, dys, 1.7159f, 2f / 3f, dxs);
                break;
            case ActivationKind.Softmax:
                var cols = y.Shape[y.Shape.Rank - 1];
                ActivationsCpu.SoftmaxBackward(ys, dys, y.Length / cols, cols, dxs);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    public void BatchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, float momentum,
        Tensor runningMean, Tensor runningVariance, Tensor savedMean, Tensor savedInvStd, Tensor y)
    {
        var (n, c, s) = Ncs(x);
        BatchNormCpu.ForwardTraining(x.AsSpan(), n, c, s, gamma.AsSpan(), beta.AsSpan(), epsilon, momentum,
            runningMean.AsSpan(), runningVariance.AsSpan(), savedMean.AsSpan(), savedInvStd.AsSpan(), y.AsSpan());
    }

    public void BatchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, float epsilon, Tensor y)
    {
        var (n, c, s) = Ncs(x);
        BatchNormCpu.ForwardInference(x.AsSpan(), n, c, s, gamma.AsSpan(), beta.AsSpan(), runningMean.AsSpan(), runningVariance.AsSpan(), epsilon, y.AsSpan());
    }

    public void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx, Tensor dGamma, Tensor dBeta)
    {
        var (n, c, s) = Ncs(x);
        BatchNormCpu.BackwardTraining(x.AsSpan(), dy.AsSpan(), n, c, s, gamma.AsSpan(), savedMean.AsSpan(), savedInvStd.AsSpan(),
            dx.AsSpan(), dGamma.AsSpan(), dBeta.AsSpan());
    }

    public void LocalResponseNormForward(Tensor x, int size, float alpha, float beta, float k, Tensor y, Tensor scaleSaved)
    {
        var (n, c, s) = Ncs(x);
        LocalResponseNormCpu.Forward(x.AsSpan(), n, c, s, size, alpha, beta, k, y.AsSpan(), scaleSaved.AsSpan());
    }

    public void LocalResponseNormBackward(Tensor x, Tensor y, Tensor scaleSaved, Tensor dy, int size, float alpha, float beta, float k, Tensor dx)
    {
        var (n, c, s) = Ncs(x);
        LocalResponseNormCpu.Backward(x.AsSpan(), y.AsSpan(), scaleSaved.AsSpan(), dy.AsSpan(), n, c, s, size, alpha, beta, k, dx.AsSpan());
    }

    public void ChannelAffineForward(Tensor x, Tensor scale, Tensor bias, Tensor y)
    {
        var (n, c, s) = Ncs(x);
        ChannelAffineCpu.Forward(x.AsSpan(), n, c, s, scale.AsSpan(), bias.AsSpan(), y.AsSpan());
    }

    public void ChannelAffineBackward(Tensor x, Tensor dy, Tensor scale, Tensor? dx, Tensor dScale, Tensor dBias)
    {
        var (n, c, s) = Ncs(x);
        ChannelAffineCpu.Backward(x.AsSpan(), dy.AsSpan(), n, c, s, scale.AsSpan(), dx is null ? [] : dx.AsSpan(), dScale.AsSpan(), dBias.AsSpan());
    }

    public void RowSquaredNorms(Tensor x, Tensor norms)
    {
        var (rows, cols) = Matrix(x);
        RowOpsCpu.SquaredNorms(x.AsSpan(), rows, cols, norms.AsSpan());
    }

    public void RowSums(Tensor x, Tensor sums)
    {
        var (rows, cols) = Matrix(x);
        RowOpsCpu.Sums(x.AsSpan(), rows, cols, sums.AsSpan());
    }

    public void AddOuterSum(Tensor y, float alpha, Tensor rowTerm, Tensor columnTerm, float beta)
    {
        var (rows, cols) = Matrix(y);
        RowOpsCpu.AddOuterSum(y.AsSpan(), rows, cols, alpha, rowTerm.AsSpan(), columnTerm.AsSpan(), beta);
    }

    public void AddRowScaled(Tensor x, Tensor rowScale, float alpha, Tensor y, float beta)
    {
        var (rows, cols) = Matrix(x);
        RowOpsCpu.AddRowScaled(x.AsSpan(), rows, cols, rowScale.AsSpan(), alpha, y.AsSpan(), beta);
    }

    public void ZeroPad2D(Tensor x, Tensor y, int top, int left) =>
        Padding2DCpu.Pad(x.AsSpan(), Planes(x), x.Shape[2], x.Shape[3], top, left, y.AsSpan(), y.Shape[2], y.Shape[3]);

    public void Crop2D(Tensor x, Tensor y, int top, int left) =>
        Padding2DCpu.Crop(x.AsSpan(), Planes(x), x.Shape[2], x.Shape[3], top, left, y.AsSpan(), y.Shape[2], y.Shape[3]);

    public void DropoutForward(Tensor x, float rate, ulong seed, ulong step, Tensor mask, Tensor y, ulong first = 0) =>
        ElementwiseCpu.DropoutForward(x.AsSpan(), rate, seed, step, mask.AsSpan(), y.AsSpan(), first);

    public void CopyChannels(Tensor source, Tensor destination, int destinationChannelOffset)
    {
        var (n, cs, s) = Ncs(source);
        ElementwiseCpu.CopyChannels(source.AsSpan(), n, cs, s, destination.AsSpan(), destination.Shape[1], destinationChannelOffset);
    }

    public void ExtractChannels(Tensor source, int sourceChannelOffset, Tensor destination)
    {
        var (n, cs, s) = Ncs(source);
        ElementwiseCpu.ExtractChannels(source.AsSpan(), n, cs, s, sourceChannelOffset, destination.AsSpan(), destination.Shape[1]);
    }

    public double SparseSoftmaxCrossEntropy(Tensor logits, IndexBuffer labels, Tensor probabilities, Tensor? dLogits)
    {
        var (rows, cols) = Matrix(logits);
        return LossesCpu.SparseSoftmaxCrossEntropy(logits.AsSpan(), Ints(labels).AsSpan(0, rows), rows, cols, probabilities.AsSpan(), dLogits is null ? [] : dLogits.AsSpan());
    }

    public double SoftmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor? dLogits)
    {
        var (rows, cols) = Matrix(logits);
        return LossesCpu.SoftmaxCrossEntropy(logits.AsSpan(), targets.AsSpan(), rows, cols, probabilities.AsSpan(), dLogits is null ? [] : dLogits.AsSpan());
    }

    public double SparseCrossEntropyFromProbabilities(Tensor probabilities, IndexBuffer labels, Tensor? dProbabilities)
    {
        var (rows, cols) = Matrix(probabilities);
        return LossesCpu.SparseCrossEntropyFromProbabilities(probabilities.AsSpan(), Ints(labels).AsSpan(0, rows), rows, cols, dProbabilities is null ? [] : dProbabilities.AsSpan());
    }

    public double CrossEntropyFromProbabilities(Tensor probabilities, Tensor targets, Tensor? dProbabilities)
    {
        var (rows, cols) = Matrix(probabilities);
        return LossesCpu.CrossEntropyFromProbabilities(probabilities.AsSpan(), targets.AsSpan(), rows, cols, dProbabilities is null ? [] : dProbabilities.AsSpan());
    }

    public double BinaryCrossEntropy(Tensor input, Tensor targets, bool fromLogits, Tensor? dInput) =>
        LossesCpu.BinaryCrossEntropy(input.AsSpan(), targets.AsSpan(), fromLogits, dInput is null ? [] : dInput.AsSpan());

    public double MeanSquaredError(Tensor input, Tensor targets, Tensor? dInput) =>
        LossesCpu.MeanSquaredError(input.AsSpan(), targets.AsSpan(), dInput is null ? [] : dInput.AsSpan());

    public void SoftmaxCrossEntropyGradient(Tensor probabilities, IndexBuffer labels, Tensor dLogits)
    {
        var (rows, cols) = Matrix(probabilities);
        var p = probabilities.AsSpan();
        var d = dLogits.AsSpan();
        var l = Ints(labels);
        var scale = 1f / rows;
        System.Numerics.Tensors.TensorPrimitives.Multiply(p, scale, d);
        for (var r = 0; r < rows; r++)
        {
            d[r * cols + l[r]] -= scale;
        }
    }

    public void SoftmaxCrossEntropyGradient(Tensor probabilities, Tensor targets, Tensor dLogits)
    {
        var (rows, _) = Matrix(probabilities);
        var d = dLogits.AsSpan();
        System.Numerics.Tensors.TensorPrimitives.Subtract(probabilities.AsSpan(), targets.AsSpan(), d);
        System.Numerics.Tensors.TensorPrimitives.Multiply(d, 1f / rows, d);
    }

    public int CountCorrect(Tensor scores, IndexBuffer labels)
    {
        var (rows, cols) = Matrix(scores);
        return LossesCpu.CountCorrect(scores.AsSpan(), Ints(labels).AsSpan(0, rows), rows, cols);
    }

    public int CountCorrectOneHot(Tensor scores, Tensor targets)
    {
        var (rows, cols) = Matrix(scores);
        var s = scores.AsSpan();
        var t = targets.AsSpan();
        var correct = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = r * cols;
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(s.Slice(row, cols)) ==
                System.Numerics.Tensors.TensorPrimitives.IndexOfMax(t.Slice(row, cols)))
            {
                correct++;
            }
        }
        return correct;
    }

    public void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v, float learningRate, float beta1, float beta2, float epsilon, int step, float weightDecay, bool decoupled) =>
        OptimizerKernels.Adam(parameter.AsSpan(), gradient.AsSpan(), m.AsSpan(), v.AsSpan(), learningRate, beta1, beta2, epsilon, step, weightDecay, decoupled);

    public void SgdUpdate(Tensor parameter, Tensor gradient, Tensor velocity, float learningRate, float momentum, bool nesterov, float weightDecay) =>
        OptimizerKernels.Sgd(parameter.AsSpan(), gradient.AsSpan(), velocity.AsSpan(), learningRate, momentum, nesterov, weightDecay);

    private static int[] Ints(IndexBuffer buffer) => buffer is CpuIndexBuffer cpu
        ? cpu.Array
        : throw new ArgumentException("The CPU backend was given an index buffer of another backend.", nameof(buffer));

    /// <summary>Rows = first dimension, columns = the rest.</summary>
    private static (int Rows, int Cols) Matrix(Tensor t) => t.Shape.Rank switch
    {
        0 => (1, 1),
        1 => (1, t.Shape[0]),
        _ => (t.Shape[0], t.Length / Math.Max(1, t.Shape[0])),
    };

    /// <summary>(N, C, S): S is the product of the dimensions after the channels (1 for (N, C)).</summary>
    private static (int N, int C, int S) Ncs(Tensor t)
    {
        var n = t.Shape[0];
        var c = t.Shape[1];
        return (n, c, t.Length / Math.Max(1, n * c));
    }

    private static int Planes(Tensor t) => t.Shape[0] * t.Shape[1];
}
