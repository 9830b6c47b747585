using ConvKit.Backends;
using ConvKit.Backends.Cpu;
using ConvKit.Losses;
using ConvKit.Tensors;
using ConvKit.Tests.TestSupport;
using ConvKit.Training;

namespace ConvKit.Tests.Parity;

/// <summary>Loss values and gradients against PyTorch (losses.safetensors).</summary>
public class GoldenLossTests
{
    private static readonly Golden G = Golden.Load("losses");
    private static readonly CpuBackend B = CpuBackend.Instance;

    private static Tensor T(string name) => Tensor.FromArray(new Shape(G.Shape(name)), G[name]);

    private static TargetBatch Labels()
    {
        var labels = G.Labels("labels");
        var buffer = B.AllocateIndices(labels.Length);
        B.UploadIndices(labels, buffer);
        return new TargetBatch(buffer, null, labels.Length);
    }

    [Fact]
    public void SparseCrossEntropyFromLogits()
    {
        var logits = T("logits");
        var d = B.Allocate(logits.Shape);
        var loss = new SparseCategoricalCrossentropy(fromLogits: true).Compute(B, logits, ActivationKind.Linear, Labels(), d, out var pre);
        Assert.False(pre);
        Assertions.Close(G["sparse_ce.loss"][0], loss, 1e-5, 1e-6, "loss");
        Assertions.Close(G["sparse_ce.dlogits"], d.AsSpan(), 1e-4, 1e-6, "dlogits");
    }

    [Fact]
    public void SparseCrossEntropyFusedWithSoftmaxGivesLogitGradient()
    {
        // Probabilities from a softmax layer: the fused path hands (p - onehot)/N to the softmax's input.
        var d = B.Allocate(new Shape(G.Shape("probs")));
        var loss = new SparseCategoricalCrossentropy().Compute(B, T("probs"), ActivationKind.Softmax, Labels(), d, out var pre);
        Assert.True(pre);
        Assertions.Close(G["sparse_ce.loss"][0], loss, 1e-5, 1e-6, "loss");
        Assertions.Close(G["sparse_ce.dlogits"], d.AsSpan(), 1e-4, 1e-6, "dlogits");
    }

    [Fact]
    public void CategoricalCrossEntropyFromProbabilities()
    {
        var probs = T("cce_clipped.probs");
        var d = B.Allocate(probs.Shape);
        var loss = new CategoricalCrossentropy().Compute(B, probs, ActivationKind.Linear, new TargetBatch(null, T("onehot"), 8), d, out _);
        Assertions.Close(G["cce_clipped_unnormalized.loss"][0], loss, 1e-5, 1e-6, "loss");
        Assertions.Close(G["cce_clipped_unnormalized.dprobs"], d.AsSpan(), 1e-4, 1e-6, "dprobs");
    }

    [Fact]
    public void BinaryCrossEntropy()
    {
        var logits = T("bce.logits");
        var d = B.Allocate(logits.Shape);
        var targets = new TargetBatch(null, T("bce.targets"), 8);
        var loss = new BinaryCrossentropy(fromLogits: true).Compute(B, logits, ActivationKind.Linear, targets, d, out _);
        Assertions.Close(G["bce_logits.loss"][0], loss, 1e-5, 1e-6, "logits loss");
        Assertions.Close(G["bce_logits.dlogits"], d.AsSpan(), 1e-4, 1e-6, "dlogits");
        var probs = T("bce.probs");
        loss = new BinaryCrossentropy().Compute(B, probs, ActivationKind.Linear, targets, d, out _);
        Assertions.Close(G["bce_probs.loss"][0], loss, 1e-5, 1e-6, "probs loss");
        Assertions.Close(G["bce_probs.dprobs"], d.AsSpan(), 1e-4, 1e-6, "dprobs");
    }

    [Fact]
    public void MeanSquaredError()
    {
        var pred = T("mse.pred");
        var d = B.Allocate(pred.Shape);
        var loss = new MeanSquaredError().Compute(B, pred, ActivationKind.Linear, new TargetBatch(null, T("mse.target"), 8), d, out _);
        Assertions.Close(G["mse.loss"][0], loss, 1e-5, 1e-7, "loss");
        Assertions.Close(G["mse.dpred"], d.AsSpan(), 1e-4, 1e-7, "dpred");
    }
}
