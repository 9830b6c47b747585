using System.Text.Json.Nodes;
using ConvKit.Backends;
using ConvKit.Initializers;
using ConvKit.Layers.Activations;
using ConvKit.Tensors;

namespace ConvKit.Layers.Core;

/// <summary>
/// A fully connected layer: y = f(x·W + b). Input (N, in) -> output (N, units); kernel W is (in, units) as in
/// Keras. Parameters: in·units + units. Images must be flattened first (<see cref="Flatten"/>).
/// </summary>
/// <example><code>new Dense(128, activation: "relu")</code></example>
public sealed class Dense : Layer
{
    private Parameter? _kernel;
    private Parameter? _bias;

    public Dense(int units, string? activation = null, bool useBias = true, IInitializer? kernelInitializer = null, IInitializer? biasInitializer = null, string? name = null)
        : base(name)
    {
        if (units <= 0)
        {
            throw new ConvKitException($"Dense needs at least one unit, got {units}.");
        }
        Units = units;
        Activation = ActivationFunctions.Parse(activation);
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? Initializer.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializer.Zeros;
    }

    public int Units { get; }

    public ActivationKind Activation { get; }

    public bool UseBias { get; }

    public IInitializer KernelInitializer { get; }

    public IInitializer BiasInitializer { get; }

    public override ActivationKind FusedActivation => Activation;

    /// <summary>The kernel (in, units).</summary>
    public Parameter Kernel => _kernel ?? throw new InvalidOperationException($"Layer '{DisplayName}' is not built yet.");

    public Parameter? Bias => _bias;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 1)
        {
            throw ShapeError($"expects a vector of features per sample, got {s}; add a Flatten layer before it.");
        }
        _kernel = AddParameter("kernel", new Shape(s[0], Units), KernelInitializer, WeightLayout.DenseKernel);
        _bias = UseBias ? AddParameter("bias", new Shape(Units), BiasInitializer, WeightLayout.Vector) : null;
        return new Shape(Units);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var b = context.Backend;
        b.MatMul(inputs[0], false, Kernel.Value, false, output, 0f);
        if (_bias is not null)
        {
            b.AddRowBias(output, _bias.Value);
        }
        if (Activation != ActivationKind.Linear)
        {
            b.ActivationForward(Activation, ActivationFunctions.FusedLeakySlope, output, output);
        }
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        var b = context.Backend;
        var d = ActivationFunctions.PreActivationGradient(context, Activation, ActivationFunctions.FusedLeakySlope, output, outputGradient, slot: 0);
        if (context.NeedParameterGradients)
        {
            // dW += xᵀ·d, db += Σ_rows d
            b.MatMul(inputs[0], true, d, false, context.GradientOf(Kernel), 1f);
            if (_bias is not null)
            {
                b.AccumulateColumnSums(d, context.GradientOf(_bias));
            }
        }
        if (inputGradients[0] is { } dx)
        {
            // dx = d·Wᵀ
            b.MatMul(d, false, Kernel.Value, true, dx, 0f);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["units"] = Units;
        c["activation"] = ActivationFunctions.ToName(Activation);
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KernelInitializer.Name;
        c["bias_initializer"] = BiasInitializer.Name;
        return c;
    }
}
