using System.Text.Json.Nodes;
using ConvKit.Tensors;

namespace ConvKit.Layers.Normalization;

/// <summary>
/// Local response normalisation across channels (Krizhevsky, Sutskever and Hinton 2012, "ImageNet classification with
/// deep convolutional neural networks", section 3.3, <see href="https://papers.nips.cc/paper/4824"/>), with PyTorch's
/// <c>nn.LocalResponseNorm</c> semantics:
/// <para>b[n,c,h,w] = a[n,c,h,w] / (k + alpha/size · Σ_{c' = c − ⌊size/2⌋}^{c + ⌊(size−1)/2⌋} a[n,c',h,w]²)^beta</para>
/// the window centred on c and zero-padded at the first and last channels. Note alpha is divided by size, as in
/// PyTorch and Caffe (the paper writes alpha without the division; AlexNet's alpha = 1e-4 is used as given).
/// Input (N, C, H, W) -> output (N, C, H, W); also (N, C). No parameters.
/// </summary>
/// <example><code>new LocalResponseNormalization() // AlexNet: size 5, alpha 1e-4, beta 0.75, k 2</code></example>
public sealed class LocalResponseNormalization : Layer
{
    public LocalResponseNormalization(int size = 5, float alpha = 1e-4f, float beta = 0.75f, float k = 2f, string? name = null) : base(name)
    {
        if (size < 1)
        {
            throw new ConvKitException($"LocalResponseNormalization needs a window of at least one channel, got size {size}.");
        }
        if (!float.IsFinite(alpha) || alpha < 0f || !float.IsFinite(beta) || !(k > 0f) || !float.IsFinite(k))
        {
            throw new ConvKitException($"LocalResponseNormalization needs alpha >= 0, a finite beta and k > 0, got alpha {alpha}, beta {beta}, k {k}.");
        }
        Size = size;
        Alpha = alpha;
        Beta = beta;
        K = k;
    }

    /// <summary>The number of neighbouring channels summed, the channel itself included.</summary>
    public int Size { get; }

    public float Alpha { get; }

    public float Beta { get; }

    public float K { get; }

    public override string DefaultNameBase => "local_response_normalization";

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank is not (1 or 3))
        {
            throw ShapeError($"expects input (channels, height, width) or (features), got {s}.");
        }
        return s;
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
        context.Backend.LocalResponseNormForward(inputs[0], Size, Alpha, Beta, K, output, context.Buffer(0, output.Shape));

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is { } dx)
        {
            context.Backend.LocalResponseNormBackward(inputs[0], output, context.Buffer(0, output.Shape), outputGradient, Size, Alpha, Beta, K, dx);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["size"] = Size;
        c["alpha"] = Alpha;
        c["beta"] = Beta;
        c["k"] = K;
        return c;
    }
}
