namespace ConvKit.Explain;

/// <summary>What <see cref="GradCam"/> computed.</summary>
public sealed class GradCamResult
{
    internal GradCamResult(string layerName, ImageBatch heatmaps, ImageBatch layerMaps, float[] weights, int channels, int[] classes)
    {
        LayerName = layerName;
        Heatmaps = heatmaps;
        LayerMaps = layerMaps;
        Weights = weights;
        Channels = channels;
        Classes = classes;
    }

    /// <summary>The layer the maps come from.</summary>
    public string LayerName { get; }

    /// <summary>The class-activation maps upsampled (bilinear) to the input size and scaled to [0, 1] by each map's maximum, (N, 1, H, W). An all-zero map stays zero.</summary>
    public ImageBatch Heatmaps { get; }

    /// <summary>The raw maps L = ReLU(Σ_k α_k A^k) at the layer's resolution, (N, 1, h, w).</summary>
    public ImageBatch LayerMaps { get; }

    /// <summary>The channel weights α (N, K): α[n, k] = (1 / (h·w)) Σ_{y,x} ∂z_c/∂A^k[y, x].</summary>
    public float[] Weights { get; }

    /// <summary>K, the number of channels of the layer.</summary>
    public int Channels { get; }

    /// <summary>The class explained for each image.</summary>
    public int[] Classes { get; }
}
