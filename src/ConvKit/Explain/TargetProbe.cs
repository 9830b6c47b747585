using ConvKit.Backends;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// Evaluates and backpropagates a batch of targets that live on the same layer (or are all classes): sample i of
/// the batch is scored by target i. Built once per batch, reused every step.
/// </summary>
internal sealed class TargetProbe
{
    private readonly Model _model;
    private readonly ExplainTarget[] _targets;
    private readonly string? _layer;
    private readonly Tensor _seed;
    private readonly PreActivation _score;

    private TargetProbe(Model model, ExplainTarget[] targets, string? layer, Tensor seed, PreActivation score)
    {
        _model = model;
        _targets = targets;
        _layer = layer;
        _seed = seed;
        _score = score;
    }

    /// <summary>Checks every target against the model (layer exists, right kind of output, index in range).</summary>
    public static void Check(Model model, ExplainTarget target, string method)
    {
        ArgumentNullException.ThrowIfNull(target);
        // Fails now, before any work, when the layer does not exist or its output before activation cannot be read.
        _ = new PreActivation(model, target.LayerName is null ? model.Nodes[model.OutputNodeIndex] : ModelProbe.Node(model, target.LayerName));
        switch (target.Kind)
        {
            case ExplainTargetKind.Class:
                var k = ModelProbe.ClassCount(model, method);
                if (target.Index >= k)
                {
                    throw new ConvKitException($"{method}: class {target.Index} is outside 0..{k - 1} (model '{model.Name}' has {k} outputs).");
                }
                break;
            case ExplainTargetKind.Filter:
                var spatial = ModelProbe.SpatialNode(model, target.LayerName!, method);
                if (target.Index >= spatial.OutputShape[0])
                {
                    throw new ConvKitException($"{method}: layer '{target.LayerName}' has {spatial.OutputShape[0]} filters (0..{spatial.OutputShape[0] - 1}); filter {target.Index} does not exist.");
                }
                break;
            default:
                var node = ModelProbe.Node(model, target.LayerName!);
                if (node.OutputShape.Rank != 1)
                {
                    throw new ConvKitException($"{method}: a neuron target needs a layer with a vector output; layer '{target.LayerName}' ({node.Layer.TypeName}) outputs {node.OutputShape}. Use a filter target for feature maps.");
                }
                if (target.Index >= node.OutputShape[0])
                {
                    throw new ConvKitException($"{method}: layer '{target.LayerName}' has {node.OutputShape[0]} units (0..{node.OutputShape[0] - 1}); unit {target.Index} does not exist.");
                }
                break;
        }
    }

    /// <summary>The key that groups targets that can share a batch: the layer, or null for classes.</summary>
    public static string? GroupKey(ExplainTarget target) => target.Kind == ExplainTargetKind.Class ? null : target.LayerName;

    /// <summary>A probe for <paramref name="targets"/>, all with the same <see cref="GroupKey"/>.</summary>
    public static TargetProbe Create(Model model, ExplainTarget[] targets)
    {
        var layer = GroupKey(targets[0]);
        var node = layer is null ? model.Nodes[model.OutputNodeIndex] : ModelProbe.Node(model, layer);
        var perSample = node.OutputShape;
        var seed = Tensor.Zeros(perSample.WithBatch(targets.Length));
        var s = seed.AsSpan();
        var size = perSample.Size;
        for (var i = 0; i < targets.Length; i++)
        {
            var t = targets[i];
            if (t.Kind == ExplainTargetKind.Filter)
            {
                var plane = perSample[1] * perSample[2];
                var weight = t.Reduction == FilterReduction.Mean ? 1f / plane : 1f;
                s.Slice(i * size + t.Index * plane, plane).Fill(weight);
            }
            else
            {
                s[i * size + t.Index] = 1f;
            }
        }
        return new TargetProbe(model, targets, layer, seed, new PreActivation(model, node));
    }

    /// <summary>
    /// The target values of the last forward pass into <paramref name="values"/>: each sample's seed dotted with
    /// its layer's output before the layer's own activation, which is the class score, the unit's net input, or
    /// the filter's mean or sum.
    /// </summary>
    public void Values(Span<double> values)
    {
        ReadOnlySpan<float> a = _score.Read().AsSpan();
        var seed = _seed.AsSpan();
        var size = seed.Length / _targets.Length;
        for (var i = 0; i < _targets.Length; i++)
        {
            double v = 0;
            var sa = a.Slice(i * size, size);
            var ss = seed.Slice(i * size, size);
            for (var j = 0; j < size; j++)
            {
                if (ss[j] != 0)
                {
                    v += (double)ss[j] * sa[j];
                }
            }
            values[i] = v;
        }
    }

    /// <summary>Backpropagates the targets (before the layer's activation) of the last forward pass to the input, weights frozen.</summary>
    public void Backward(BackpropMode mode = BackpropMode.Vanilla)
    {
        if (_layer is null)
        {
            _model.Backward(_seed, mode, preActivation: true);
        }
        else
        {
            _model.Backward(_layer, _seed, mode, preActivation: true);
        }
    }
}
