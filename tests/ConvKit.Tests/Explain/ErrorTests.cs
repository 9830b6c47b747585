using ConvKit.Explain;
using ConvKit.Tensors;
using static ConvKit.Tests.Explain.ExplainModels;

namespace ConvKit.Tests.Explain;

/// <summary>Mistakes a user can make get a ConvKitException that says what is wrong.</summary>
public class ErrorTests
{
    private static Tensor Image() => Tensor.FromArray(new Shape(1, 1, Side, Side), StripesImage());

    [Fact]
    public void AMissingLayerIsNamedWithTheLayersThereAre()
    {
        var model = QuadrantModel();
        var e = Assert.Throws<ConvKitException>(() => GradCam.Compute(model, Image(), layerName: "conv9"));
        Assert.Contains("no layer named 'conv9'", e.Message);
        Assert.Contains("edges", e.Message);
        Assert.Throws<ConvKitException>(() => FeatureMaps.Compute(model, Image(), "nope"));
        Assert.Throws<ConvKitException>(() => DeepDream.Run(model, Image(), "nope"));
        Assert.Throws<ConvKitException>(() => ActivationMaximization.Run(model, [ExplainTarget.Filter("nope", 0)]));
        Assert.Throws<ConvKitException>(() => ConvolutionFilters.Get(model, "nope"));
    }

    [Fact]
    public void GradCamRefusesADenseLayer()
    {
        var e = Assert.Throws<ConvKitException>(() => GradCam.Compute(QuadrantModel(), Image(), layerName: "logits"));
        Assert.Contains("'logits' (Dense) outputs (2,)", e.Message);
        Assert.Contains("feature maps", e.Message);
        Assert.Contains("edges", e.Message);
    }

    [Fact]
    public void AnImageOfTheWrongSizeIsRefused()
    {
        var model = QuadrantModel();
        var small = Tensor.FromArray(new Shape(1, 1, 15, 16), new float[15 * 16]);
        var e = Assert.Throws<ConvKitException>(() => Saliency.Compute(model, small));
        Assert.Contains("takes images of 1x16x16", e.Message);
        Assert.Contains("got 1x15x16", e.Message);
        Assert.Throws<ConvKitException>(() => GradCam.Compute(model, small));
        Assert.Throws<ConvKitException>(() => Occlusion.Compute(model, small));
        Assert.Throws<ConvKitException>(() => DeepDream.Run(model, small, "edges"));
        Assert.Throws<ConvKitException>(() => FeatureMaps.Compute(model, small, "edges"));
        var colour = Tensor.FromArray(new Shape(1, 3, 16, 16), new float[3 * 256]);
        Assert.Contains("got 3x16x16", Assert.Throws<ConvKitException>(() => Saliency.Compute(model, colour)).Message);
    }

    [Fact]
    public void TargetsMustFitTheirLayers()
    {
        var model = QuadrantModel();
        Assert.Contains("vector output", Assert.Throws<ConvKitException>(() => ActivationMaximization.Run(model, [ExplainTarget.Neuron("edges", 0)])).Message);
        Assert.Contains("feature maps", Assert.Throws<ConvKitException>(() => ActivationMaximization.Run(model, [ExplainTarget.Filter("logits", 0)])).Message);
        Assert.Contains("filter 2 does not exist", Assert.Throws<ConvKitException>(() => ActivationMaximization.Run(model, [ExplainTarget.Filter("edges", 2)])).Message);
        Assert.Contains("class 5 is outside 0..1", Assert.Throws<ConvKitException>(() => ActivationMaximization.Run(model, [ExplainTarget.Class(5)])).Message);
        Assert.Contains("class 3 is outside 0..1", Assert.Throws<ConvKitException>(() => Saliency.Compute(model, Image(), [3])).Message);
        Assert.Contains("2 classes given for a batch of 1", Assert.Throws<ConvKitException>(() => GradCam.Compute(model, Image(), [0, 1])).Message);
    }

    [Fact]
    public void BadOptionsAreRefused()
    {
        var model = QuadrantModel();
        Assert.Throws<ConvKitException>(() => Occlusion.Compute(model, Image(), options: new OcclusionOptions { Size = 17 }));
        Assert.Throws<ConvKitException>(() => Occlusion.Compute(model, Image(), options: new OcclusionOptions { Size = 2, Stride = 3 }));
        Assert.Throws<ConvKitException>(() => ActivationMaximization.Run(model, [ExplainTarget.Class(0)], new MaximizationOptions { Steps = 0 }));
        Assert.Throws<ConvKitException>(() => ActivationMaximization.Run(model, [ExplainTarget.Class(0)], new MaximizationOptions { L2 = -1 }));
        Assert.Throws<ConvKitException>(() => DeepDream.Run(model, Image(), "edges", new DreamOptions { OctaveScale = 1 }));
        Assert.Throws<ConvKitException>(() => Saliency.Compute(model, Image(), options: new SaliencyOptions { SmoothGradSamples = -1 }));
        Assert.Contains("not a convolution", Assert.Throws<ConvKitException>(() => ConvolutionFilters.Get(model, "logits")).Message);
    }
}
