using System.Text.Json.Nodes;
using ConvKit.Initializers;
using ConvKit.Tensors;

namespace ConvKit.Layers.Normalization;

/// <summary>
/// Batch normalisation (Ioffe and Szegedy 2015) over the channel axis: in training
/// y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch mean and (biased) variance per channel, and the moving
/// statistics updated as moving = momentum·moving + (1 − momentum)·batch; at inference the moving statistics are
/// used. Input (N, C, H, W) or (N, C). Parameters: γ and β (trainable), moving mean and variance (non-trainable),
/// 4·C in all, as Keras counts them.
/// </summary>
public sealed class BatchNormalization : Layer
{
    private Parameter? _gamma;
    private Parameter? _beta;
    private Parameter? _movingMean;
    private Parameter? _movingVariance;

    public BatchNormalization(float momentum = 0.99f, float epsilon = 1e-3f, string? name = null) : base(name)
    {
        if (momentum is < 0f or > 1f || !(epsilon > 0f))
        {
            throw new ConvKitException($"BatchNormalization needs momentum in [0, 1] and epsilon > 0, got {momentum} and {epsilon}.");
        }
        Momentum = momentum;
        Epsilon = epsilon;
    }

    public float Momentum { get; }

    public float Epsilon { get; }

    public Parameter Gamma => _gamma ?? throw new InvalidOperationException("Not built.");

    public Parameter Beta => _beta ?? throw new InvalidOperationException("Not built.");

    public Parameter MovingMean => _movingMean ?? throw new InvalidOperationException("Not built.");

    public Parameter MovingVariance => _movingVariance ?? throw new InvalidOperationException("Not built.");

    /// <summary>In training the statistics are the batch's, so every sample's output depends on the others.</summary>
    public override bool MixesSamplesInTraining => true;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank is not (1 or 3))
        {
            throw ShapeError($"expects (channels, height, width) or (features), got {s}.");
        }
        var c = new Shape(s[0]);
        _gamma = AddParameter("gamma", c, Initializer.Ones, WeightLayout.Vector);
        _beta = AddParameter("beta", c, Initializer.Zeros, WeightLayout.Vector);
        _movingMean = AddParameter("moving_mean", c, Initializer.Zeros, WeightLayout.Vector, trainable: false);
        _movingVariance = AddParameter("moving_variance", c, Initializer.Ones, WeightLayout.Vector, trainable: false);
        return s;
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var b = context.Backend;
        if (context.Training)
        {
            var c = Gamma.Shape;
            b.BatchNormForwardTraining(inputs[0], Gamma.Value, Beta.Value, Epsilon, Momentum, MovingMean.Value, MovingVariance.Value,
                context.Buffer(0, c), context.Buffer(1, c), output);
        }
        else
        {
            b.BatchNormForwardInference(inputs[0], Gamma.Value, Beta.Value, MovingMean.Value, MovingVariance.Value, Epsilon, output);
        }
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        var b = context.Backend;
        var c = Gamma.Shape;
        if (!context.Training)
        {
            throw new ConvKitException($"Layer '{DisplayName}' (BatchNormalization): gradients in inference mode are not supported; run the backward pass in training mode.");
        }
        var dx = inputGradients[0] ?? context.Buffer(2, inputs[0].Shape);
        var dGamma = context.NeedParameterGradients ? context.GradientOf(Gamma) : context.Buffer(3, c);
        var dBeta = context.NeedParameterGradients ? context.GradientOf(Beta) : context.Buffer(4, c);
        b.BatchNormBackward(inputs[0], outputGradient, Gamma.Value, context.Buffer(0, c), context.Buffer(1, c), dx, dGamma, dBeta);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["momentum"] = Momentum;
        c["epsilon"] = Epsilon;
        return c;
    }
}
