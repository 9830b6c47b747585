namespace ConvKit.Explain;

/// <summary>
/// The weights of one convolution layer, ready to draw: <see cref="Weights"/> is (Filters, Channels, Height,
/// Width), a copy of the layer's kernel. One colour scale serves every filter so they can be compared:
/// <see cref="Normalized"/> maps w to ½ + ½·w / <see cref="Scale"/> (zero is mid-grey, the largest |w| is black
/// or white).
/// <para>A first layer (<see cref="TakesImages"/>, 1 or 3 channels) is drawn directly, one image per filter; a
/// deeper layer is drawn per input channel: Filters × Channels grey tiles.</para>
/// </summary>
public sealed class FilterBank
{
    internal FilterBank(string layerName, float[] weights, int filters, int channels, int height, int width, bool takesImages)
    {
        LayerName = layerName;
        Weights = weights;
        Filters = filters;
        Channels = channels;
        Height = height;
        Width = width;
        TakesImages = takesImages;
        foreach (var w in weights)
        {
            Scale = Math.Max(Scale, Math.Abs(w));
        }
    }

    /// <summary>The layer the weights come from.</summary>
    public string LayerName { get; }

    /// <summary>The kernel (Filters, Channels, Height, Width), copied.</summary>
    public float[] Weights { get; }

    /// <summary>The number of filters K.</summary>
    public int Filters { get; }

    /// <summary>Input channels per filter (C / groups).</summary>
    public int Channels { get; }

    /// <summary>Kernel height.</summary>
    public int Height { get; }

    /// <summary>Kernel width.</summary>
    public int Width { get; }

    /// <summary>True when the layer reads the model's input image directly with 1 or 3 channels (drawn as images).</summary>
    public bool TakesImages { get; }

    /// <summary>The largest |w|: the common colour scale.</summary>
    public float Scale { get; }

    /// <summary>Every weight mapped to [0, 1] on the common scale: ½ + ½·w / Scale (all ½ when every weight is 0).</summary>
    public ImageBatch Normalized()
    {
        var values = new float[Weights.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Scale > 0 ? 0.5f + 0.5f * Weights[i] / Scale : 0.5f;
        }
        return new ImageBatch(values, Filters, Channels, Height, Width);
    }
}
