using System.Globalization;

namespace ConvKit.Explain;

/// <summary>
/// A scalar function of the network's activations to maximise or explain: an output class (on its pre-softmax
/// score), a filter of a convolution layer (its mean or summed response), or a neuron of a dense layer. All are
/// measured before their layer's own activation function (the logit, the net input), like the class score.
/// </summary>
/// <example><code>
/// ExplainTarget.Class(7);                       // logit z_7
/// ExplainTarget.Filter("conv2d_1", 5);           // mean over (y, x) of conv2d_1's channel 5
/// ExplainTarget.Neuron("dense", 12);             // unit 12 of layer dense
/// </code></example>
public sealed class ExplainTarget
{
    private ExplainTarget(ExplainTargetKind kind, string? layerName, int index, FilterReduction reduction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Kind = kind;
        LayerName = layerName;
        Index = index;
        Reduction = reduction;
    }

    /// <summary>What the target measures.</summary>
    public ExplainTargetKind Kind { get; }

    /// <summary>The layer for filter and neuron targets; null for a class (the model's output layer).</summary>
    public string? LayerName { get; }

    /// <summary>The class, filter (channel) or unit index.</summary>
    public int Index { get; }

    /// <summary>How a filter's map is reduced (filter targets only).</summary>
    public FilterReduction Reduction { get; }

    /// <summary>
    /// Output class <paramref name="index"/>, measured before the output layer's own activation: for a softmax
    /// output this is the logit z_c, not the probability (softmax is swapped for linear, as keras-vis does, so
    /// the score cannot grow by pushing the other classes down).
    /// </summary>
    public static ExplainTarget Class(int index) => new(ExplainTargetKind.Class, null, index, FilterReduction.Mean);

    /// <summary>Filter (channel) <paramref name="index"/> of layer <paramref name="layerName"/>, whose output must be (C, H, W).</summary>
    public static ExplainTarget Filter(string layerName, int index, FilterReduction reduction = FilterReduction.Mean)
    {
        ArgumentException.ThrowIfNullOrEmpty(layerName);
        return new(ExplainTargetKind.Filter, layerName, index, reduction);
    }

    /// <summary>Unit <paramref name="index"/> of layer <paramref name="layerName"/>, whose output must be a vector.</summary>
    public static ExplainTarget Neuron(string layerName, int index)
    {
        ArgumentException.ThrowIfNullOrEmpty(layerName);
        return new(ExplainTargetKind.Neuron, layerName, index, FilterReduction.Mean);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ExplainTargetKind.Class => string.Create(CultureInfo.InvariantCulture, $"class {Index}"),
        ExplainTargetKind.Filter => string.Create(CultureInfo.InvariantCulture, $"{LayerName} filter {Index} ({Reduction.ToString().ToLowerInvariant()})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{LayerName} unit {Index}"),
    };
}
