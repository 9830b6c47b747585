using System.Text.Json.Nodes;
using ConvKit.Initializers;
using ConvKit.Tensors;

namespace ConvKit.Layers.Core;

/// <summary>
/// LeNet-5's output layer of Euclidean radial basis function units (LeCun et al. 1998, "Gradient-based learning
/// applied to document recognition", section II.B, eq. 7, <see href="http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf"/>):
/// each unit outputs the squared distance between the input and its prototype,
/// <para>y[n,k] = Σ_j (x[n,j] − w[k,j])² = ‖x_n‖² − 2 x_n·w_k + ‖w_k‖²</para>
/// computed in that expanded form with one matrix product. With <c>negate</c> (the default) the layer outputs −y, so the
/// closest prototype scores highest: softmax cross-entropy on these logits is the paper's criterion (eq. 9) without
/// its constant e^{−j} term, and arg-max accuracy works. Input (N, D) -> output (N, units); prototypes (units, D).
/// <para>
/// The paper draws the prototypes by hand (stylised 7x12 bitmaps of ±1) and keeps them fixed, so they are
/// non-trainable by default (the paper's 60,000 trainable parameters exclude LeNet-5's 84·10 = 840 prototype values);
/// they start as seeded random ±1 values (<see cref="Initializer.RandomSign"/>). <c>trainable: true</c> learns them.
/// </para>
/// </summary>
/// <example><code>new EuclideanRbf(10) // LeNet-5 output: 84 -> 10, 840 non-trainable parameters</code></example>
public sealed class EuclideanRbf : Layer
{
    private Parameter? _prototypes;
    private Shape _unitsShape = new(1);

    public EuclideanRbf(int units, bool trainable = false, bool negate = true, string? name = null) : base(name)
    {
        if (units <= 0)
        {
            throw new ConvKitException($"EuclideanRbf needs at least one unit, got {units}.");
        }
        Units = units;
        Trainable = trainable;
        Negate = negate;
    }

    public int Units { get; }

    /// <summary>Whether the optimiser updates the prototypes.</summary>
    public bool Trainable { get; }

    /// <summary>Whether the output is −Σ(x − w)² (closest prototype highest) rather than Σ(x − w)².</summary>
    public bool Negate { get; }

    public override string DefaultNameBase => "euclidean_rbf";

    /// <summary>The prototypes (units, D), one row per output unit.</summary>
    public Parameter Prototypes => _prototypes ?? throw new InvalidOperationException($"Layer '{DisplayName}' is not built yet.");

    private float Sign => Negate ? -1f : 1f;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 1)
        {
            throw ShapeError($"expects flat input (features), got {s}; add a Flatten (or Dense) layer before it.");
        }
        _unitsShape = new Shape(Units);
        _prototypes = AddParameter("prototypes", new Shape(Units, s[0]), Initializer.RandomSign, WeightLayout.Vector, trainable: Trainable);
        return new Shape(Units);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var b = context.Backend;
        var x = inputs[0];
        var w = Prototypes.Value;
        // Flat scratch vectors (Workspace, not Buffer: no Shape is built per call, so the step does not allocate).
        var xNorms = context.Workspace(0, x.Shape[0]);
        var wNorms = context.Buffer(1, _unitsShape);
        b.MatMul(x, false, w, true, output, 0f);
        b.RowSquaredNorms(x, xNorms);
        b.RowSquaredNorms(w, wNorms);
        // y = sign · (‖x‖² − 2 x·wᵀ + ‖w‖²)
        b.AddOuterSum(output, -2f * Sign, xNorms, wNorms, Sign);
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        var b = context.Backend;
        var x = inputs[0];
        var w = Prototypes.Value;
        var dy = outputGradient;
        var twice = 2f * Sign;
        if (inputGradients[0] is { } dx)
        {
            // dL/dx[n,:] = sign · 2 · (x[n,:] · Σ_k dy[n,k] − Σ_k dy[n,k] w[k,:])
            var rowSums = context.Workspace(2, x.Shape[0]);
            b.RowSums(dy, rowSums);
            b.MatMul(dy, false, w, false, dx, 0f);
            b.AddRowScaled(x, rowSums, twice, dx, -twice);
        }
        if (Trainable && context.NeedParameterGradients)
        {
            // dL/dw[k,:] = sign · 2 · (w[k,:] · Σ_n dy[n,k] − Σ_n dy[n,k] x[n,:])
            var columnSums = context.Buffer(3, _unitsShape);
            b.Fill(columnSums, 0f);
            b.AccumulateColumnSums(dy, columnSums);
            var dw = context.Buffer(4, w.Shape);
            b.MatMul(dy, true, x, false, dw, 0f);
            b.AddRowScaled(w, columnSums, twice, dw, -twice);
            b.AddScaled(dw, 1f, context.GradientOf(Prototypes));
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["units"] = Units;
        c["trainable"] = Trainable;
        c["negate"] = Negate;
        return c;
    }
}
