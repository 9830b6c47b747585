using System.Text.Json.Nodes;
using ConvKit.Backends;
using ConvKit.Initializers;
using ConvKit.Kernels.Cpu.Convolution;
using ConvKit.Layers.Activations;
using ConvKit.Tensors;

namespace ConvKit.Layers.Convolution;

/// <summary>
/// 2-D convolution (cross-correlation, as in every deep-learning library): each of <c>filters</c> learned kernels
/// slides over all input channels and produces one feature map; the same weights are used at every position
/// (parameter sharing).
/// <para>y[n,k,p,q] = b[k] + Σ_c Σ_r Σ_s w[k,c,r,s] · x[n, c, p·sh + r·dh − pad_top, q·sw + s·dw − pad_left]</para>
/// Input (N, C, H, W), weight (K, C/groups, KH, KW) -> output (N, K, OH, OW). Parameters: K·(C/groups)·KH·KW + K.
/// </summary>
/// <example><code>new Conv2D(32, 3, padding: Padding.Same, activation: "relu")</code></example>
public sealed class Conv2D : Layer
{
    private Parameter? _kernel;
    private Parameter? _bias;
    private Conv2DGeometry _geometry;

    public Conv2D(int filters, int kernelSize, int strides = 1, Padding? padding = null, int dilation = 1, bool useBias = true,
        string? activation = null, int groups = 1, IInitializer? kernelInitializer = null, IInitializer? biasInitializer = null, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, (dilation, dilation), useBias, activation, groups, kernelInitializer, biasInitializer, name)
    {
    }

    public Conv2D(int filters, (int Height, int Width) kernelSize, (int Height, int Width) strides, Padding? padding = null, (int Height, int Width)? dilation = null,
        bool useBias = true, string? activation = null, int groups = 1, IInitializer? kernelInitializer = null, IInitializer? biasInitializer = null, string? name = null)
        : base(name)
    {
        if (filters <= 0)
        {
            throw new ConvKitException($"Conv2D needs at least one filter, got {filters}.");
        }
        if (kernelSize.Height <= 0 || kernelSize.Width <= 0 || strides.Height <= 0 || strides.Width <= 0)
        {
            throw new ConvKitException($"Conv2D kernel size and strides must be positive, got kernel {kernelSize} and strides {strides}.");
        }
        var d = dilation ?? (1, 1);
        if (d.Height <= 0 || d.Width <= 0)
        {
            throw new ConvKitException($"Conv2D dilation must be positive, got {d}.");
        }
        if (groups <= 0 || filters % groups != 0)
        {
            throw new ConvKitException($"Conv2D groups ({groups}) must be positive and divide the number of filters ({filters}).");
        }
        Filters = filters;
        KernelSize = kernelSize;
        Strides = strides;
        Padding = padding ?? Padding.Valid;
        Dilation = d;
        UseBias = useBias;
        Activation = ActivationFunctions.Parse(activation);
        Groups = groups;
        KernelInitializer = kernelInitializer ?? Initializer.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializer.Zeros;
    }

    public int Filters { get; }

    public (int Height, int Width) KernelSize { get; }

    public (int Height, int Width) Strides { get; }

    public Padding Padding { get; }

    public (int Height, int Width) Dilation { get; }

    public bool UseBias { get; }

    public ActivationKind Activation { get; }

    /// <summary>Filter groups: input and output channels are split into this many groups that do not see each other (AlexNet's two towers).</summary>
    public int Groups { get; }

    public IInitializer KernelInitializer { get; }

    public IInitializer BiasInitializer { get; }

    public override ActivationKind FusedActivation => Activation;

    /// <summary>The weights (K, C/groups, KH, KW).</summary>
    public Parameter Kernel => _kernel ?? throw new InvalidOperationException($"Layer '{DisplayName}' is not built yet.");

    public Parameter? Bias => _bias;

    /// <summary>The resolved geometry (known once built).</summary>
    public Conv2DGeometry Geometry => _geometry;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 3)
        {
            throw ShapeError($"expects input (channels, height, width), got {s}.");
        }
        var (c, h, w) = (s[0], s[1], s[2]);
        if (c % Groups != 0)
        {
            throw ShapeError($"groups ({Groups}) must divide the input channels ({c}).");
        }
        var (padTop, oh) = Padding.Resolve(h, KernelSize.Height, Strides.Height, Dilation.Height, vertical: true);
        var (padLeft, ow) = Padding.Resolve(w, KernelSize.Width, Strides.Width, Dilation.Width, vertical: false);
        if (oh <= 0 || ow <= 0)
        {
            throw ShapeError($"a {KernelSize.Height}x{KernelSize.Width} kernel (dilation {Dilation.Height}x{Dilation.Width}) with padding {Padding} does not fit input {s}; the output would be {oh}x{ow}.");
        }
        _geometry = new Conv2DGeometry(c, h, w, Filters, KernelSize.Height, KernelSize.Width, Strides.Height, Strides.Width,
            padTop, padLeft, Dilation.Height, Dilation.Width, oh, ow, Groups);
        _kernel = AddParameter("kernel", new Shape(Filters, c / Groups, KernelSize.Height, KernelSize.Width), KernelInitializer, WeightLayout.ConvKernel);
        _bias = UseBias ? AddParameter("bias", new Shape(Filters), BiasInitializer, WeightLayout.Vector) : null;
        return new Shape(Filters, oh, ow);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var b = context.Backend;
        var workspace = Workspace(context);
        b.Conv2DForward(inputs[0], Kernel.Value, _bias?.Value, output, _geometry, workspace);
        if (Activation != ActivationKind.Linear)
        {
            b.ActivationForward(Activation, ActivationFunctions.FusedLeakySlope, output, output);
        }
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        var b = context.Backend;
        var d = ActivationFunctions.PreActivationGradient(context, Activation, ActivationFunctions.FusedLeakySlope, output, outputGradient, slot: 1);
        var workspace = Workspace(context);
        if (context.NeedParameterGradients)
        {
            b.Conv2DBackwardFilter(inputs[0], d, Kernel.Gradient!, _bias?.Gradient, _geometry, workspace);
        }
        if (inputGradients[0] is { } dx)
        {
            b.Conv2DBackwardData(d, Kernel.Value, dx, _geometry, workspace);
        }
    }

    private Tensor Workspace(LayerContext context) =>
        context.Workspace(0, context.Backend.Conv2DWorkspaceSize(_geometry, context.Batch));

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = new JsonArray(KernelSize.Height, KernelSize.Width);
        c["strides"] = new JsonArray(Strides.Height, Strides.Width);
        c["padding"] = LayerConfig.PaddingToJson(Padding);
        c["dilation_rate"] = new JsonArray(Dilation.Height, Dilation.Width);
        c["use_bias"] = UseBias;
        c["activation"] = ActivationFunctions.ToName(Activation);
        c["groups"] = Groups;
        c["kernel_initializer"] = KernelInitializer.Name;
        c["bias_initializer"] = BiasInitializer.Name;
        return c;
    }
}
