using ConvKit.Backends;
using ConvKit.Explain;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Merging;
using ConvKit.Layers.Pooling;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using static ConvKit.Tests.Explain.ExplainModels;

namespace ConvKit.Tests.Explain;

/// <summary>
/// Every explainer on models that are not built in: a colour functional model with a residual connection and
/// global average pooling, on batches; and every output of a trained MNIST model checked for size and content.
/// </summary>
[Collection(TrainedMnistCollection.Name)]
public class AnyModelTests(TrainedMnist mnist)
{
    /// <summary>Colour 3×12×12 -> conv a (relu) -> conv b (relu) -> a + b -> max pool -> conv c -> global average pool -> softmax(4).</summary>
    private static Model ColourResidualModel()
    {
        var x = Input.Create(3, 12, 12);
        var a = new Conv2D(6, 3, padding: Padding.Same, activation: "relu", name: "a").Call(x);
        var b = new Conv2D(6, 3, padding: Padding.Same, activation: "relu", name: "b").Call(a);
        var sum = new Add(name: "sum").Call(a, b);
        var pooled = new MaxPool2D(2, name: "pool").Call(sum);
        var c = new Conv2D(8, 3, padding: Padding.Same, activation: "relu", name: "c").Call(pooled);
        var gap = new GlobalAveragePooling2D(name: "gap").Call(c);
        var y = new Dense(4, activation: "softmax", name: "out").Call(gap);
        return new Model(x, y, "colour_residual", seed: 5);
    }

    [Fact]
    public void EveryExplainerWorksOnABatchOfColourImagesThroughAFunctionalModel()
    {
        var model = ColourResidualModel();
        const int N = 3;
        var x = Tensor.FromArray(new Shape(N, 3, 12, 12), Noise(N, 3 * 144, 4));

        var bank = ConvolutionFilters.Get(model);
        Assert.True(bank.TakesImages);
        Assert.Equal((6, 3, 3, 3), (bank.Filters, bank.Channels, bank.Height, bank.Width));
        AssertUsable(bank.Normalized(), 6, 3, 3, 3, "filters of a");
        Assert.False(ConvolutionFilters.Get(model, "c").TakesImages);

        var maps = FeatureMaps.Compute(model, x, "sum", "c", "gap");
        AssertUsable(maps[0], N, 6, 12, 12, "feature maps of sum");
        AssertUsable(maps[1], N, 8, 6, 6, "feature maps of c");
        Assert.Equal((N, 1, 1, 8), (maps[2].Count, maps[2].Channels, maps[2].Height, maps[2].Width));
        Assert.Equal(["a", "b", "sum", "pool", "c"], FeatureMaps.SpatialLayers(model));

        foreach (var mode in new[] { BackpropMode.Vanilla, BackpropMode.Guided, BackpropMode.Rectified })
        {
            var s = Saliency.Compute(model, x, options: new SaliencyOptions { Modifier = mode, SmoothGradSamples = mode == BackpropMode.Vanilla ? 3 : 0 });
            AssertUsable(s.Gradients, N, 3, 12, 12, $"{mode} gradients");
            AssertUsable(s.Maps, N, 1, 12, 12, $"{mode} maps");
        }

        // An untrained model may find no positive evidence for a class (an all-zero Grad-CAM map), so only the
        // shapes, finiteness and some content are checked here; the trained model below must give real maps.
        var cam = GradCam.Guided(model, x, [0, 1, 2], "a");
        Assert.Equal("a", cam.GradCam.LayerName);
        Assert.Equal((N, 3, 12, 12), (cam.Gradients.Count, cam.Gradients.Channels, cam.Gradients.Height, cam.Gradients.Width));
        Assert.All(cam.Gradients.Values, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(cam.Maps.Values, v => v > 0);
        Assert.Equal("c", GradCam.Compute(model, x).LayerName);
        var pooledCam = GradCam.Compute(model, x, layerName: "pool");
        Assert.Equal((N, 1, 6, 6), (pooledCam.LayerMaps.Count, pooledCam.LayerMaps.Channels, pooledCam.LayerMaps.Height, pooledCam.LayerMaps.Width));
        Assert.Equal((N, 1, 12, 12), (pooledCam.Heatmaps.Count, pooledCam.Heatmaps.Channels, pooledCam.Heatmaps.Height, pooledCam.Heatmaps.Width));

        var occ = Occlusion.Compute(model, x, options: new OcclusionOptions { Size = 4, Stride = 2 });
        AssertUsable(occ.Maps, N, 1, 12, 12, "occlusion");

        var dream = DeepDream.Run(model, x, "c", new DreamOptions { Steps = 5, Octaves = 2 });
        AssertUsable(dream.Images, N, 3, 12, 12, "dream");
        for (var i = 0; i < N; i++)
        {
            Assert.True(dream.FinalNorm[i] > dream.InitialNorm[i]);
        }

        var max = ActivationMaximization.Run(model, [ExplainTarget.Class(3), ExplainTarget.Filter("sum", 2), ExplainTarget.Neuron("gap", 5), ExplainTarget.Class(0)],
            new MaximizationOptions { Steps = 30, TotalVariation = 1, Jitter = 1 });
        AssertUsable(max.Images, 4, 3, 12, 12, "maximisation");
        for (var t = 0; t < 4; t++)
        {
            Assert.True(max.FinalObjective[t] > max.InitialObjective[t], $"{max.Targets[t]}: {max.InitialObjective[t]} -> {max.FinalObjective[t]}");
        }
    }

    [SharedDataFact]
    public void EveryOutputForATrainedMnistModelHasTheRightSizeAndRealContent()
    {
        var model = mnist.Load();
        const int N = 3;
        var x = mnist.Images(0, 1, 2);
        AssertUsable(ConvolutionFilters.Get(model).Normalized(), 16, 1, 3, 3, "conv2d filters");
        AssertUsable(ConvolutionFilters.Get(model, "conv2d_1").Normalized(), 32, 16, 3, 3, "conv2d_1 filters");
        var names = FeatureMaps.SpatialLayers(model).ToArray();
        Assert.Equal(["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1"], names);
        var maps = FeatureMaps.Compute(model, x, names);
        AssertUsable(maps[0], N, 16, 28, 28, "conv2d maps");
        AssertUsable(maps[1], N, 16, 14, 14, "max_pooling2d maps");
        AssertUsable(maps[2], N, 32, 14, 14, "conv2d_1 maps");
        AssertUsable(maps[3], N, 32, 7, 7, "max_pooling2d_1 maps");
        AssertUsable(Saliency.Compute(model, x).Maps, N, 1, 28, 28, "saliency");
        AssertUsable(Saliency.Compute(model, x, options: new SaliencyOptions { SmoothGradSamples = 8 }).Maps, N, 1, 28, 28, "SmoothGrad");
        var cam = GradCam.Guided(model, x);
        AssertUsable(cam.GradCam.Heatmaps, N, 1, 28, 28, "Grad-CAM");
        AssertUsable(cam.GradCam.LayerMaps, N, 1, 14, 14, "Grad-CAM layer maps");
        AssertUsable(cam.Maps, N, 1, 28, 28, "guided Grad-CAM");
        Assert.All(cam.GradCam.Heatmaps.Values, v => Assert.InRange(v, 0f, 1f));
        AssertUsable(Occlusion.Compute(model, x).Maps, N, 1, 28, 28, "occlusion");
        AssertUsable(DeepDream.Run(model, x, "conv2d_1", new DreamOptions { Steps = 3, Octaves = 2 }).Images, N, 1, 28, 28, "dream");
        AssertUsable(ActivationMaximization.Run(model, [ExplainTarget.Class(1), ExplainTarget.Filter("conv2d", 0)], new MaximizationOptions { Steps = 10 }).Images, 2, 1, 28, 28, "maximisation");
    }
}
