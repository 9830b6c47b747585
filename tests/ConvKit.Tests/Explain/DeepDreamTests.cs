using ConvKit.Explain;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using static ConvKit.Tests.Explain.ExplainModels;

namespace ConvKit.Tests.Explain;

/// <summary>Deep Dream makes the chosen layer respond more strongly and keeps the image valid.</summary>
[Collection(TrainedMnistCollection.Name)]
public class DeepDreamTests(TrainedMnist mnist)
{
    [Fact]
    public void DreamingOnTheEdgeFiltersStrengthensThemAndStaysInRange()
    {
        var model = QuadrantModel();
        // Stripes in [0.25, 0.75], so the edges have room to grow before the image reaches the range's limits.
        var x = Tensor.FromArray(new Shape(2, 1, Side, Side), [.. StripesImage().Select(v => 0.25f + 0.5f * v), .. Noise(1, Side * Side, 8)]);
        var d = DeepDream.Run(model, x, "edges", new DreamOptions { Steps = 10, Octaves = 2, Jitter = 1 });
        for (var n = 0; n < 2; n++)
        {
            Assert.True(d.FinalNorm[n] > d.InitialNorm[n], $"image {n}: ‖a‖ {d.InitialNorm[n]:0.000} -> {d.FinalNorm[n]:0.000}");
        }
        Assert.All(d.Images.Values, v => Assert.InRange(v, 0f, 1f));
    }

    [SharedDataTheory]
    [InlineData("conv2d", DreamObjective.Norm)]
    [InlineData("conv2d_1", DreamObjective.Norm)]
    [InlineData("dense", DreamObjective.Norm)]
    [InlineData("conv2d_1", DreamObjective.Amplify)]
    public void DreamingRaisesTheLayersActivationNormAndKeepsTheImageValid(string layer, DreamObjective objective)
    {
        var model = mnist.Load();
        var x = mnist.Images(0, 1, 2, 3);
        var d = DeepDream.Run(model, x, layer, new DreamOptions { Objective = objective, Steps = 10, Octaves = 3, Seed = 2 });
        AssertUsable(d.Images, 4, 1, 28, 28, $"dream on {layer}");
        Assert.All(d.Images.Values, v => Assert.InRange(v, 0f, 1f));
        for (var n = 0; n < 4; n++)
        {
            Assert.True(d.FinalNorm[n] > 1.05 * d.InitialNorm[n], $"{layer}, image {n}: ‖a‖ {d.InitialNorm[n]:0.00} -> {d.FinalNorm[n]:0.00}");
            Assert.True(d.Objective[n][^1] > d.Objective[n][0]);
        }
        // The dream starts from the digit and amplifies it rather than replacing it: it is still mostly the digit.
        for (var n = 0; n < 4; n++)
        {
            Assert.True(RankCorrelation.Spearman(x.AsSpan().Slice(n * 784, 784), d.Images.Image(n)) > 0.3);
        }
    }
}
