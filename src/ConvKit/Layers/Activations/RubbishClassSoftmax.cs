using System.Text.Json.Nodes;
using ConvKit.Backends;
using ConvKit.Tensors;

namespace ConvKit.Layers.Activations;

/// <summary>
/// Softmax with an extra "rubbish" class of constant logit c that no label names (LeCun et al. 1998, "Gradient-based
/// learning applied to document recognition", section II-C, eq. 9,
/// <see href="http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf"/>):
/// <para>y_k = e^{x_k} / (e^{c} + Σ_i e^{x_i}),</para>
/// so the outputs sum to 1 − p(rubbish). Cross-entropy on y is the paper's maximum-a-posteriori criterion
/// L = −x_D + log(e^{c} + Σ_i e^{x_i}); with x_k = −(distance to prototype k) and c = −j, this is
/// y_D + log(e^{−j} + Σ_i e^{−y_i}): it keeps pulling the right prototype's distance below j even when the sample is
/// already classified correctly, which a plain softmax stops doing. The gradient of that loss with respect to x is
/// y − onehot, exactly as for softmax, so it fuses with cross-entropy the same way.
/// Input (N, K) -> output (N, K).
/// </summary>
/// <example><code>new EuclideanRbf(10), new RubbishClassSoftmax(rubbishLogit: -5f)</code></example>
public sealed class RubbishClassSoftmax : Layer
{
    public RubbishClassSoftmax(float rubbishLogit, string? name = null) : base(name)
    {
        if (!float.IsFinite(rubbishLogit))
        {
            throw new ConvKitException($"The rubbish class needs a finite logit, got {rubbishLogit}.");
        }
        RubbishLogit = rubbishLogit;
    }

    /// <summary>The constant logit c of the rubbish class (−j in the paper).</summary>
    public float RubbishLogit { get; }

    /// <summary>Softmax: cross-entropy fuses with this layer, since dL/dx = y − onehot holds here too.</summary>
    public override ActivationKind FusedActivation => ActivationKind.Softmax;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 1)
        {
            throw ShapeError($"expects flat scores (classes), got {s}.");
        }
        return s;
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var b = context.Backend;
        var x = inputs[0];
        var extended = context.Buffer(0, ExtendedShape(x.Shape[0], x.Shape[1]));
        b.Fill(extended, RubbishLogit);
        b.CopyChannels(x, extended, 0);
        b.ActivationForward(ActivationKind.Softmax, 0f, extended, extended);
        b.ExtractChannels(extended, 0, output);
    }

    private readonly Dictionary<int, Shape> _extendedShapes = [];

    /// <summary>(batch, classes + 1), built once per batch size so that a training step allocates nothing.</summary>
    private Shape ExtendedShape(int batch, int classes)
    {
        lock (_extendedShapes)
        {
            if (!_extendedShapes.TryGetValue(batch, out var shape))
            {
                shape = new Shape(batch, classes + 1);
                _extendedShapes[batch] = shape;
            }
            return shape;
        }
    }

    /// <summary>dx_k = y_k (dy_k − Σ_i y_i dy_i): the softmax Jacobian, which does not depend on the constant logit.</summary>
    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is not { } dx)
        {
            return;
        }
        if (context.GradientIsPreActivation)
        {
            context.Backend.Copy(outputGradient, dx);
            return;
        }
        context.Backend.ActivationBackward(ActivationKind.Softmax, 0f, output, outputGradient, dx, context.BackpropMode);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rubbish_logit"] = RubbishLogit;
        return c;
    }
}
