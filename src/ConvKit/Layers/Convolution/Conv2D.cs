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
/// <para>
/// A <c>connectionTable</c> (K, C) says which input channels feed which filter (LeNet-5's S2 -> C3 table, which
/// groups cannot express): w[k,c,·,·] is fixed at zero wherever <c>connectionTable[k, c]</c> is false. The kernel is
/// stored full, the cut weights start at zero and their gradient is zeroed after every backward pass, so no optimiser
/// moves them; parameter counts include only connected weights: Σ_k |{c : table[k,c]}|·KH·KW + K
/// (LeCun et al. 1998, <see href="http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf"/>, Table I).
/// </para>
/// </summary>
/// <example><code>new Conv2D(32, 3, padding: Padding.Same, activation: "relu")
/// new Conv2D(16, 5, activation: "lecun_tanh", connectionTable: ConnectionTables.LeNet5ConnectionTable()) // LeNet-5 C3: 1,516 parameters</code></example>
public sealed class Conv2D : Layer
{
    private Parameter? _kernel;
    private Parameter? _bias;
    private Conv2DGeometry _geometry;

    public Conv2D(int filters, int kernelSize, int strides = 1, Padding? padding = null, int dilation = 1, bool useBias = true,
        string? activation = null, int groups = 1, IInitializer? kernelInitializer = null, IInitializer? biasInitializer = null,
        bool[,]? connectionTable = null, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, (dilation, dilation), useBias, activation, groups, kernelInitializer, biasInitializer, connectionTable, name)
    {
    }

    public Conv2D(int filters, (int Height, int Width) kernelSize, (int Height, int Width) strides, Padding? padding = null, (int Height, int Width)? dilation = null,
        bool useBias = true, string? activation = null, int groups = 1, IInitializer? kernelInitializer = null, IInitializer? biasInitializer = null,
        bool[,]? connectionTable = null, string? name = null)
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
        if (connectionTable is not null)
        {
            if (groups != 1)
            {
                throw new ConvKitException($"Conv2D '{name ?? "conv2d"}': a connection table already says which channels feed which filter; it cannot be combined with groups ({groups}), use groups 1.");
            }
            if (connectionTable.GetLength(0) != filters)
            {
                throw new ConvKitException($"Conv2D '{name ?? "conv2d"}': the connection table has {connectionTable.GetLength(0)} rows but the layer has {filters} filters; the table must be (filters, input channels).");
            }
            for (var k = 0; k < connectionTable.GetLength(0); k++)
            {
                var any = false;
                for (var c = 0; c < connectionTable.GetLength(1); c++)
                {
                    any |= connectionTable[k, c];
                }
                if (!any)
                {
                    throw new ConvKitException($"Conv2D '{name ?? "conv2d"}': filter {k} of the connection table sees no input channel; every filter needs at least one connection.");
                }
            }
            ConnectionTable = (bool[,])connectionTable.Clone();
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

    /// <summary>(filters, input channels): true where input channel c feeds filter k; null when every channel feeds every filter.</summary>
    public bool[,]? ConnectionTable { get; }

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
        if (ConnectionTable is { } table && (table.GetLength(0) != Filters || table.GetLength(1) != c))
        {
            throw ShapeError($"the connection table is ({table.GetLength(0)}, {table.GetLength(1)}) but must be (filters, input channels) = ({Filters}, {c}) for input {s}.");
        }
        _kernel = AddParameter("kernel", new Shape(Filters, c / Groups, KernelSize.Height, KernelSize.Width), KernelInitializer, WeightLayout.ConvKernel);
        if (ConnectionTable is { } connections)
        {
            _kernel.SetMask(MaskOf(connections, KernelSize.Height * KernelSize.Width));
        }
        _bias = UseBias ? AddParameter("bias", new Shape(Filters), BiasInitializer, WeightLayout.Vector) : null;
        return new Shape(Filters, oh, ow);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var b = context.Backend;
        var workspace = Workspace(context);
        var relu = Activation == ActivationKind.Relu;
        var cacheSize = b.Conv2DWeightCacheSize(_geometry);
        b.Conv2DForward(inputs[0], Kernel.Value, _bias?.Value, output, _geometry, workspace, relu, cacheSize > 0 ? context.Workspace(2, cacheSize) : null);
        if (Activation != ActivationKind.Linear && !relu)
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
            b.Conv2DBackwardFilter(inputs[0], d, context.GradientOf(Kernel), _bias is null ? null : context.GradientOf(_bias), _geometry, workspace);
            if (Kernel.Mask is { } mask)
            {
                b.Multiply(context.GradientOf(Kernel), mask, context.GradientOf(Kernel));
            }
        }
        if (inputGradients[0] is { } dx)
        {
            b.Conv2DBackwardData(d, Kernel.Value, dx, _geometry, workspace, context.FoldsInputRelu ? inputs[0] : null);
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
        if (ConnectionTable is { } table)
        {
            var rows = new JsonArray();
            for (var k = 0; k < table.GetLength(0); k++)
            {
                var row = new JsonArray();
                for (var ch = 0; ch < table.GetLength(1); ch++)
                {
                    row.Add(table[k, ch] ? 1 : 0);
                }
                rows.Add(row);
            }
            c["connection_table"] = rows;
        }
        return c;
    }

    /// <summary>Reads <c>connection_table</c> (an array of rows of 0/1) from a saved configuration; null when absent.</summary>
    internal static bool[,]? ConnectionTableFromJson(JsonNode? node)
    {
        if (node is not JsonArray rows)
        {
            return null;
        }
        var width = rows.Count == 0 ? 0 : ((JsonArray)rows[0]!).Count;
        var table = new bool[rows.Count, width];
        for (var k = 0; k < rows.Count; k++)
        {
            var row = (JsonArray)rows[k]!;
            if (row.Count != width)
            {
                throw new ConvKitException($"The connection table's row {k} has {row.Count} entries, row 0 has {width}; the table must be rectangular.");
            }
            for (var ch = 0; ch < width; ch++)
            {
                table[k, ch] = row[ch]!.GetValue<int>() != 0;
            }
        }
        return table;
    }

    private static float[] MaskOf(bool[,] table, int taps)
    {
        var (filters, channels) = (table.GetLength(0), table.GetLength(1));
        var mask = new float[filters * channels * taps];
        for (var k = 0; k < filters; k++)
        {
            for (var ch = 0; ch < channels; ch++)
            {
                if (table[k, ch])
                {
                    mask.AsSpan((k * channels + ch) * taps, taps).Fill(1f);
                }
            }
        }
        return mask;
    }
}
