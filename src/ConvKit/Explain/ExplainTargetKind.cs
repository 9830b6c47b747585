namespace ConvKit.Explain;

/// <summary>What an <see cref="ExplainTarget"/> measures.</summary>
public enum ExplainTargetKind
{
    /// <summary>An output class, on its score before the output activation (the logit when the output is softmax).</summary>
    Class,

    /// <summary>One filter (channel) of a layer with feature maps, reduced over the map by its mean or sum.</summary>
    Filter,

    /// <summary>One unit of a layer with a vector output (a dense neuron).</summary>
    Neuron,
}
