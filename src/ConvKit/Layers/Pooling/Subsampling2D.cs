using System.Text.Json.Nodes;
using ConvKit.Backends;
using ConvKit.Initializers;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Convolution;
using ConvKit.Tensors;

namespace ConvKit.Layers.Pooling;

/// <summary>
/// LeNet-5's subsampling (S) layers (LeCun et al. 1998, "Gradient-based learning applied to document recognition",
/// section II.B, <see href="http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf"/>): each unit sums a window of its
/// map, multiplies the sum by a trainable coefficient, adds a trainable bias and passes the result through a sigmoid
/// (LeNet-5 uses <c>"lecun_tanh"</c>, f(a) = 1.7159·tanh(2a/3)):
/// <para>y[n,c,p,q] = f(coefficient[c] · Σ_{i,j &lt; pool} x[n, c, p·s + i, q·s + j] + bias[c])</para>
/// Windows do not overlap by default (stride = pool size). Input (N, C, H, W) -> output (N, C, OH, OW) with
/// OH = ⌊(H − pool)/s⌋ + 1. Parameters: one coefficient and one bias per map, 2·C (S2 on 6 maps: 12; S4 on 16: 32).
/// The coefficients start as U(−2.4/F, 2.4/F) with F = pool area, the paper's rule for every weight; the biases at zero.
/// Computed as average pooling, then the per-channel affine map with scale coefficient · pool area.
/// </summary>
/// <example><code>new Subsampling2D(2, activation: "lecun_tanh") // LeNet-5 S2: 28x28x6 -> 14x14x6, 12 parameters</code></example>
public sealed class Subsampling2D : Pooling2D
{
    private Parameter? _coefficient;
    private Parameter? _bias;

    public Subsampling2D(int poolSize = 2, int? strides = null, string? activation = null, string? name = null)
        : base((poolSize, poolSize), strides is { } s ? (s, s) : null, Padding.Valid, name)
    {
        Activation = ActivationFunctions.Parse(activation);
    }

    public ActivationKind Activation { get; }

    public override ActivationKind FusedActivation => Activation;

    public override string DefaultNameBase => "subsampling2d";

    /// <summary>The trainable coefficient per map (C).</summary>
    public Parameter Coefficient => _coefficient ?? throw new InvalidOperationException($"Layer '{DisplayName}' is not built yet.");

    /// <summary>The trainable bias per map (C).</summary>
    public Parameter Bias => _bias ?? throw new InvalidOperationException($"Layer '{DisplayName}' is not built yet.");

    private int Area => PoolSize.Height * PoolSize.Width;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var output = base.Build(inputShapes);
        var c = new Shape(output[0]);
        _coefficient = AddParameter("coefficient", c, Initializer.Uniform(2.4 / Area), WeightLayout.Vector);
        _bias = AddParameter("bias", c, Initializer.Zeros, WeightLayout.Vector);
        return output;
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var b = context.Backend;
        var average = context.Buffer(0, output.Shape);
        b.AvgPool2DForward(inputs[0], average, Geometry, countIncludePad: true);
        b.ChannelAffineForward(average, Scale(context), Bias.Value, output);
        if (Activation != ActivationKind.Linear)
        {
            b.ActivationForward(Activation, ActivationFunctions.FusedLeakySlope, output, output);
        }
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        var b = context.Backend;
        var d = ActivationFunctions.PreActivationGradient(context, Activation, ActivationFunctions.FusedLeakySlope, output, outputGradient, slot: 2);
        var c = Coefficient.Shape;
        var dScale = context.Buffer(3, c);
        b.Fill(dScale, 0f);
        var dBias = context.NeedParameterGradients ? context.GradientOf(Bias) : context.Buffer(4, c);
        var dx = inputGradients[0];
        var dAverage = dx is null ? null : context.Buffer(5, output.Shape);
        // Scale(context) was filled by the forward pass and the coefficients have not changed since.
        b.ChannelAffineBackward(context.Buffer(0, output.Shape), d, context.Buffer(1, c), dAverage, dScale, dBias);
        if (context.NeedParameterGradients)
        {
            // scale = coefficient · area, so dL/dcoefficient = area · dL/dscale.
            b.AddScaled(dScale, Area, context.GradientOf(Coefficient));
        }
        if (dx is not null)
        {
            b.AvgPool2DBackward(dAverage!, dx, Geometry, countIncludePad: true);
        }
    }

    /// <summary>coefficient · pool area per channel, in scratch slot 1 (turns the window mean back into the window sum).</summary>
    private Tensor Scale(LayerContext context)
    {
        var scale = context.Buffer(1, Coefficient.Shape);
        context.Backend.Fill(scale, 0f);
        context.Backend.AddScaled(Coefficient.Value, Area, scale);
        return scale;
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("padding");
        c["activation"] = ActivationFunctions.ToName(Activation);
        return c;
    }
}
