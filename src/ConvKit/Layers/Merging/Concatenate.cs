using ConvKit.Tensors;

namespace ConvKit.Layers.Merging;

/// <summary>
/// Joins inputs along the channel axis (the first per-sample axis): (N, C1, H, W) + (N, C2, H, W) -> (N, C1 + C2, H, W),
/// as an Inception module joins its branches. Vectors (N, F) join along features. No parameters.
/// </summary>
public sealed class Concatenate : Layer
{
    private int[] _offsets = [];

    public Concatenate(string? name = null) : base(name)
    {
    }

    public override int InputCount => -1;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var first = inputShapes[0];
        var channels = 0;
        _offsets = new int[inputShapes.Count];
        for (var i = 0; i < inputShapes.Count; i++)
        {
            var s = inputShapes[i];
            if (s.Rank != first.Rank || !s.Dims[1..].SequenceEqual(first.Dims[1..]))
            {
                throw ShapeError($"inputs must agree on every axis but the channels, got {FormatShapes(inputShapes)}.");
            }
            _offsets[i] = channels;
            channels += s[0];
        }
        var dims = first.ToArray();
        dims[0] = channels;
        return new Shape(dims);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            context.Backend.CopyChannels(AsNcs(inputs[i]), AsNcs(output), _offsets[i]);
        }
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputGradients[i] is { } dx)
            {
                context.Backend.ExtractChannels(AsNcs(outputGradient), _offsets[i], AsNcs(dx));
            }
        }
    }

    /// <summary>Views (N, C, ...) as (N, C, S) so vectors and images share one path.</summary>
    private static Tensor AsNcs(Tensor t) => t.Shape.Rank == 2 ? t.Reshape(new Shape(t.Shape[0], t.Shape[1], 1)) : t;
}
