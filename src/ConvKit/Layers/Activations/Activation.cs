using System.Text.Json.Nodes;
using ConvKit.Backends;
using ConvKit.Tensors;

namespace ConvKit.Layers.Activations;

/// <summary>
/// Applies an activation function element-wise (softmax: over the last axis). Shape in = shape out; no parameters.
/// </summary>
/// <example><code>new Activation("relu"); new Activation(ActivationKind.LeakyRelu, alpha: 0.1f)</code></example>
public class Activation : Layer
{
    public Activation(string function, string? name = null) : this(ActivationFunctions.Parse(function), 0.3f, name)
    {
    }

    public Activation(ActivationKind kind, float alpha = 0.3f, string? name = null) : base(name)
    {
        Kind = kind;
        Alpha = alpha;
        if (kind == ActivationKind.LeakyRelu && !(alpha > 0f))
        {
            throw new ConvKitException($"LeakyReLU needs a positive slope, got {alpha}.");
        }
    }

    public ActivationKind Kind { get; }

    /// <summary>The negative slope of LeakyReLU.</summary>
    public float Alpha { get; }

    public override ActivationKind FusedActivation => Kind;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes) => inputShapes[0];

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
        context.Backend.ActivationForward(Kind, Alpha, inputs[0], output);

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is not { } dx)
        {
            return;
        }
        if (context.GradientIsPreActivation || Kind == ActivationKind.Linear)
        {
            context.Backend.Copy(outputGradient, dx);
            return;
        }
        context.Backend.ActivationBackward(Kind, Alpha, output, outputGradient, dx, context.BackpropMode);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["activation"] = ActivationFunctions.ToName(Kind);
        c["alpha"] = Alpha;
        return c;
    }
}
