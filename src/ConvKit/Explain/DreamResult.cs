namespace ConvKit.Explain;

/// <summary>What <see cref="DeepDream"/> made: the dreamed images and how the layer's activations grew.</summary>
public sealed class DreamResult
{
    internal DreamResult(string layerName, ImageBatch images, double[] initialNorm, double[] finalNorm, double[][] objective)
    {
        LayerName = layerName;
        Images = images;
        InitialNorm = initialNorm;
        FinalNorm = finalNorm;
        Objective = objective;
    }

    /// <summary>The layer dreamed on.</summary>
    public string LayerName { get; }

    /// <summary>The dreamed images (N, C, H, W), inside the input range.</summary>
    public ImageBatch Images { get; }

    /// <summary>‖a‖₂ of the layer's activations for each original image.</summary>
    public double[] InitialNorm { get; }

    /// <summary>‖a‖₂ of the layer's activations for each dreamed image.</summary>
    public double[] FinalNorm { get; }

    /// <summary>The objective at every step (all octaves in order), per image: [image][step].</summary>
    public double[][] Objective { get; }
}
