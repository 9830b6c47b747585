using ConvKit.Kernels.Cpu.Convolution;
using ConvKit.Kernels.Cpu.Pooling;
using ConvKit.Tensors;

namespace ConvKit.Backends;

/// <summary>
/// A compute device: it owns tensor storage and runs every operation that layers, losses and optimisers need.
/// Layers never call kernels directly, only this interface, so a new device (for example CUDA) is one new
/// implementation and no layer changes. Shapes are NCHW; matrices are row-major (rows = first dimension,
/// columns = the product of the others). Gradients named "accumulate" are added to (+=); all others overwrite.
/// </summary>
public interface IBackend
{
    /// <summary>A short name, e.g. "cpu".</summary>
    string Name { get; }

    /// <summary>A zero-filled tensor.</summary>
    Tensor Allocate(Shape shape);

    /// <summary>A zero-filled integer buffer.</summary>
    IndexBuffer AllocateIndices(int length);

    void Upload(ReadOnlySpan<float> source, Tensor destination);

    void Download(Tensor source, Span<float> destination);

    void UploadIndices(ReadOnlySpan<int> source, IndexBuffer destination);

    void Fill(Tensor tensor, float value);

    void Copy(Tensor source, Tensor destination);

    /// <summary>y = a + b (element-wise, same shapes; y may alias a or b).</summary>
    void Add(Tensor a, Tensor b, Tensor y);

    /// <summary>y = a ⊙ b (element-wise).</summary>
    void Multiply(Tensor a, Tensor b, Tensor y);

    /// <summary>y = alpha·x + y.</summary>
    void AddScaled(Tensor x, float alpha, Tensor y);

    /// <summary>C = op(A)·op(B) + beta·C for 2-D views; beta is 0 or 1.</summary>
    void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float beta);

    /// <summary>x[r, :] += bias for every row.</summary>
    void AddRowBias(Tensor x, Tensor bias);

    /// <summary>dBias += Σ_rows dy[r, :].</summary>
    void AccumulateColumnSums(Tensor dy, Tensor dBias);

    /// <summary>Floats of scratch space <see cref="Conv2DForward"/> and its backward passes need for a batch.</summary>
    int Conv2DWorkspaceSize(in Conv2DGeometry geometry, int batch);

    /// <summary>
    /// y = x ⋆ w + b: input (N,C,H,W), weight (K,C/groups,KH,KW), bias (K) or null -> (N,K,OH,OW); then, if
    /// <paramref name="relu"/>, y = max(0, y), with the same result as a separate ReLU <see cref="ActivationForward"/>.
    /// </summary>
    /// <remarks>
    /// <paramref name="weightCache"/>, if given (<see cref="Conv2DWeightCacheSize"/> floats, kept by the caller between
    /// calls), holds whatever the backend derives from the weights, redone only when they change.
    /// </remarks>
    void Conv2DForward(Tensor x, Tensor weight, Tensor? bias, Tensor y, in Conv2DGeometry geometry, Tensor workspace, bool relu = false,
        Tensor? weightCache = null);

    /// <summary>Floats of the weight cache <see cref="Conv2DForward"/> can use for <paramref name="geometry"/>; 0 for none.</summary>
    int Conv2DWeightCacheSize(in Conv2DGeometry geometry);

    /// <summary>
    /// dx = dy ⋆ᵀ w (overwrites dx); with <paramref name="reluInput"/> (the convolution's input, when it is a ReLU's
    /// output), dx is kept only where that input is above 0: the ReLU's backward pass as well.
    /// </summary>
    void Conv2DBackwardData(Tensor dy, Tensor weight, Tensor dx, in Conv2DGeometry geometry, Tensor workspace, Tensor? reluInput = null);

    /// <summary>dWeight += x ⋆ dy, dBias += Σ dy (accumulate).</summary>
    void Conv2DBackwardFilter(Tensor x, Tensor dy, Tensor dWeight, Tensor? dBias, in Conv2DGeometry geometry, Tensor workspace);

    void MaxPool2DForward(Tensor x, Tensor y, IndexBuffer argmax, in Pool2DGeometry geometry);

    /// <summary>
    /// dx = max pooling's input gradient; with <paramref name="reluOutput"/> (the pooling's forward output, when its
    /// input came out of a ReLU) the gradient before that ReLU instead.
    /// </summary>
    void MaxPool2DBackward(Tensor dy, IndexBuffer argmax, Tensor dx, in Pool2DGeometry geometry, Tensor? reluOutput = null);

    void AvgPool2DForward(Tensor x, Tensor y, in Pool2DGeometry geometry, bool countIncludePad);

    void AvgPool2DBackward(Tensor dy, Tensor dx, in Pool2DGeometry geometry, bool countIncludePad);

    /// <summary>(N,C,H,W) -> (N,C).</summary>
    void GlobalAvgPoolForward(Tensor x, Tensor y);

    void GlobalAvgPoolBackward(Tensor dy, Tensor dx);

    /// <summary>y = f(x); softmax runs over the last axis. <paramref name="alpha"/> is LeakyReLU's slope.</summary>
    void ActivationForward(ActivationKind kind, float alpha, Tensor x, Tensor y);

    /// <summary>dx from the activation's output y and dy (overwrites dx; dx may alias dy).</summary>
    void ActivationBackward(ActivationKind kind, float alpha, Tensor y, Tensor dy, Tensor dx, BackpropMode mode);

    /// <summary>Batch statistics per channel of x (N,C,S); updates the running statistics Keras-style.</summary>
    void BatchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, float momentum,
        Tensor runningMean, Tensor runningVariance, Tensor savedMean, Tensor savedInvStd, Tensor y);

    void BatchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, float epsilon, Tensor y);

    /// <summary>dx overwritten; dGamma and dBeta accumulate.</summary>
    void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx, Tensor dGamma, Tensor dBeta);

    /// <summary>
    /// Local response normalisation across channels of x (N, C, ...): y = x / scale^beta with
    /// scale = k + alpha/size · Σ_{window} x², the window of <paramref name="size"/> channels centred and zero-padded
    /// (PyTorch's LocalResponseNorm). <paramref name="scaleSaved"/> (same shape as x) receives scale for the backward pass.
    /// </summary>
    void LocalResponseNormForward(Tensor x, int size, float alpha, float beta, float k, Tensor y, Tensor scaleSaved);

    /// <summary>dx of local response normalisation from the forward x, y and saved scale (overwrites dx; dx must not alias dy).</summary>
    void LocalResponseNormBackward(Tensor x, Tensor y, Tensor scaleSaved, Tensor dy, int size, float alpha, float beta, float k, Tensor dx);

    /// <summary>y[n, c, s] = scale[c] · x[n, c, s] + bias[c] for x (N, C, S); y may alias x.</summary>
    void ChannelAffineForward(Tensor x, Tensor scale, Tensor bias, Tensor y);

    /// <summary>dx = scale[c] · dy (overwritten, skipped when null), dScale += Σ dy·x and dBias += Σ dy per channel (accumulate).</summary>
    void ChannelAffineBackward(Tensor x, Tensor dy, Tensor scale, Tensor? dx, Tensor dScale, Tensor dBias);

    /// <summary>norms[r] = Σ_j x[r, j]² for x (rows, cols) (overwritten).</summary>
    void RowSquaredNorms(Tensor x, Tensor norms);

    /// <summary>sums[r] = Σ_j x[r, j] for x (rows, cols) (overwritten).</summary>
    void RowSums(Tensor x, Tensor sums);

    /// <summary>y[r, j] = alpha · y[r, j] + beta · (rowTerm[r] + columnTerm[j]) for y (rows, cols), in place.</summary>
    void AddOuterSum(Tensor y, float alpha, Tensor rowTerm, Tensor columnTerm, float beta);

    /// <summary>y[r, j] = beta · y[r, j] + alpha · rowScale[r] · x[r, j] for x, y (rows, cols); x must not alias y.</summary>
    void AddRowScaled(Tensor x, Tensor rowScale, float alpha, Tensor y, float beta);

    /// <summary>Zero padding: x (N, C, H, W) is copied into y (N, C, OH, OW) at (top, left); the rest of y is zeroed.</summary>
    void ZeroPad2D(Tensor x, Tensor y, int top, int left);

    /// <summary>Cropping: y (N, C, OH, OW) receives the window of x (N, C, H, W) that starts at (top, left).</summary>
    void Crop2D(Tensor x, Tensor y, int top, int left);

    /// <summary>
    /// Inverted dropout with a counter-based mask keyed by (seed, step); element i draws counter first + i, so a
    /// part of a batch at offset first gets that part of the whole batch's mask.
    /// </summary>
    void DropoutForward(Tensor x, float rate, ulong seed, ulong step, Tensor mask, Tensor y, ulong first = 0);

    /// <summary>Copies src (N,Cs,S) into channels [offset, offset+Cs) of dst (N,Cd,S).</summary>
    void CopyChannels(Tensor source, Tensor destination, int destinationChannelOffset);

    /// <summary>Copies channels [offset, offset+Cd) of src (N,Cs,S) into dst (N,Cd,S).</summary>
    void ExtractChannels(Tensor source, int sourceChannelOffset, Tensor destination);

    /// <summary>Mean sparse softmax cross-entropy of logits (N,K); probabilities receive softmax(logits); dLogits = (p - onehot)/N when given.</summary>
    double SparseSoftmaxCrossEntropy(Tensor logits, IndexBuffer labels, Tensor probabilities, Tensor? dLogits);

    /// <summary>Mean softmax cross-entropy against target distributions.</summary>
    double SoftmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor? dLogits);

    /// <summary>Mean cross-entropy of probabilities (clipped to [1e-7, 1-1e-7]) against labels.</summary>
    double SparseCrossEntropyFromProbabilities(Tensor probabilities, IndexBuffer labels, Tensor? dProbabilities);

    double CrossEntropyFromProbabilities(Tensor probabilities, Tensor targets, Tensor? dProbabilities);

    double BinaryCrossEntropy(Tensor input, Tensor targets, bool fromLogits, Tensor? dInput);

    double MeanSquaredError(Tensor input, Tensor targets, Tensor? dInput);

    /// <summary>dLogits = (p − onehot(labels))/N from softmax probabilities p (the fused softmax + cross-entropy gradient).</summary>
    void SoftmaxCrossEntropyGradient(Tensor probabilities, IndexBuffer labels, Tensor dLogits);

    /// <summary>dLogits = (p − t)/N from softmax probabilities p and target rows t.</summary>
    void SoftmaxCrossEntropyGradient(Tensor probabilities, Tensor targets, Tensor dLogits);

    /// <summary>Rows of scores (N,K) whose arg-max equals the label.</summary>
    int CountCorrect(Tensor scores, IndexBuffer labels);

    /// <summary>Rows whose arg-max equals the arg-max of the target row.</summary>
    int CountCorrectOneHot(Tensor scores, Tensor targets);

    /// <summary>Keras 3 Adam / AdamW step (t starts at 1).</summary>
    void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v, float learningRate, float beta1, float beta2, float epsilon, int step, float weightDecay, bool decoupled);

    /// <summary>Keras SGD step with optional (Nesterov) momentum.</summary>
    void SgdUpdate(Tensor parameter, Tensor gradient, Tensor velocity, float learningRate, float momentum, bool nesterov, float weightDecay);
}
