namespace ConvKit.Explain;

/// <summary>What <see cref="GradCam.Guided"/> computed: Grad-CAM, guided backpropagation, and their product.</summary>
public sealed class GuidedGradCamResult
{
    internal GuidedGradCamResult(GradCamResult gradCam, SaliencyResult guided, ImageBatch gradients, ImageBatch maps)
    {
        GradCam = gradCam;
        GuidedBackprop = guided;
        Gradients = gradients;
        Maps = maps;
    }

    /// <summary>The Grad-CAM part.</summary>
    public GradCamResult GradCam { get; }

    /// <summary>The guided-backpropagation part.</summary>
    public SaliencyResult GuidedBackprop { get; }

    /// <summary>Guided Grad-CAM, signed, (N, C, H, W): the upsampled heat map times the guided gradient, pixel by pixel.</summary>
    public ImageBatch Gradients { get; }

    /// <summary>max over channels of |<see cref="Gradients"/>|, (N, 1, H, W).</summary>
    public ImageBatch Maps { get; }
}
