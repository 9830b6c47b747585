namespace ConvKit.Explain;

/// <summary>What <see cref="Saliency"/> computed.</summary>
public sealed class SaliencyResult
{
    internal SaliencyResult(ImageBatch gradients, ImageBatch maps, int[] classes)
    {
        Gradients = gradients;
        Maps = maps;
        Classes = classes;
    }

    /// <summary>∂z_c/∂x per image (N, C, H, W), signed, under the chosen modifier (averaged over noisy copies with SmoothGrad).</summary>
    public ImageBatch Gradients { get; }

    /// <summary>The saliency map (N, 1, H, W): max over channels of |∂z_c/∂x| (Simonyan et al.).</summary>
    public ImageBatch Maps { get; }

    /// <summary>The class explained for each image.</summary>
    public int[] Classes { get; }
}
