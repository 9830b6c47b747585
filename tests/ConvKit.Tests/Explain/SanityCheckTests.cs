using ConvKit.Explain;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using Xunit.Abstractions;

namespace ConvKit.Tests.Explain;

/// <summary>
/// The model-randomisation test of "Sanity Checks for Saliency Maps" (Adebayo et al. 2018, arXiv:1810.03292): a
/// method that explains the model must give different maps once the trained weights are replaced by random ones
/// (all layers, the paper's full cascade). Similarity is Spearman's rank correlation per image, as in the paper.
/// A control, the same model with every weight scaled by a random factor in [0.98, 1.02], shows the measure does
/// report similar maps as similar.
/// </summary>
[Collection(TrainedMnistCollection.Name)]
public class SanityCheckTests(TrainedMnist mnist, ITestOutputHelper output)
{
    private const int Count = 32;

    private static void Perturb(Model model)
    {
        var r = new Random(1);
        foreach (var p in model.Parameters)
        {
            var v = p.Value.AsSpan();
            for (var i = 0; i < v.Length; i++)
            {
                v[i] *= 1 + 0.02f * (float)(2 * r.NextDouble() - 1);
            }
        }
    }

    /// <summary>
    /// Mean ρ over the images whose reference map <paramref name="a"/> is not constant. Grad-CAM's ReLU can leave a
    /// map all zero (no positive evidence at that layer): such an image has nothing to compare and is skipped. A
    /// constant map <paramref name="b"/> against a real one orders nothing alike and counts as 0.
    /// </summary>
    private static double MeanRho(ImageBatch a, ImageBatch b)
    {
        var rhos = new List<double>();
        for (var n = 0; n < a.Count; n++)
        {
            var reference = a.Image(n);
            if (reference.IndexOfAnyExcept(reference[0]) < 0)
            {
                continue;
            }
            var rho = RankCorrelation.Spearman(reference, b.Image(n));
            rhos.Add(double.IsNaN(rho) ? 0 : rho);
        }
        Assert.True(rhos.Count >= a.Count * 3 / 4, $"only {rhos.Count} of {a.Count} reference maps are not constant");
        return rhos.Average();
    }

    private (SaliencyResult Saliency, GradCamResult Cam) Explain(Model model, Tensor x, int[]? classes) =>
        (Saliency.Compute(model, x, classes), GradCam.Compute(model, x, classes));

    [SharedDataFact]
    public void SaliencyAndGradCamChangeWhenTheWeightsAreRandomised()
    {
        Assert.True(mnist.Accuracy > 0.85, $"the model under test reaches only {mnist.Accuracy:0.000}");
        var x = mnist.Images(Enumerable.Range(0, Count).ToArray());
        var trainedModel = mnist.Load();
        var trained = Explain(trainedModel, x, null);
        var classes = trained.Saliency.Classes;

        var control = mnist.Load();
        Perturb(control);
        var similar = Explain(control, x, classes);

        var randomised = mnist.Load();
        randomised.InitializeWeights(12345);
        var random = Explain(randomised, x, classes);

        // Signed gradients: the trained and random maps are unrelated (measured mean ρ ≈ -0.02, largest |ρ| ≈ 0.13;
        // the control ≈ 0.996).
        var signedControl = MeanRho(trained.Saliency.Gradients, similar.Saliency.Gradients);
        var signedRandom = MeanRho(trained.Saliency.Gradients, random.Saliency.Gradients);
        Assert.True(signedControl > 0.9, $"control: signed gradient ρ = {signedControl:0.000}");
        Assert.True(Math.Abs(signedRandom) < 0.15, $"randomised: signed gradient ρ = {signedRandom:0.000}");
        for (var n = 0; n < Count; n++)
        {
            var rho = RankCorrelation.Spearman(trained.Saliency.Gradients.Image(n), random.Saliency.Gradients.Image(n));
            Assert.True(Math.Abs(rho) < 0.3, $"image {n}: signed gradient ρ = {rho:0.000}");
        }

        // Absolute maps (max over channels of |gradient|) keep some shared structure on MNIST, since any ReLU network's
        // gradient is larger on the strokes (measured ρ ≈ 0.51), yet stay far from the control (≈ 0.99).
        var absControl = MeanRho(trained.Saliency.Maps, similar.Saliency.Maps);
        var absRandom = MeanRho(trained.Saliency.Maps, random.Saliency.Maps);
        Assert.True(absControl > 0.9, $"control: saliency map ρ = {absControl:0.000}");
        Assert.True(absRandom < 0.65, $"randomised: saliency map ρ = {absRandom:0.000}");

        // Grad-CAM: measured ρ ≈ 0.58 for the upsampled heat maps (the smooth upsampling shares structure) and 0.36 at
        // the layer's own 14x14 resolution, against ≈ 0.998 for the control.
        var camControl = MeanRho(trained.Cam.Heatmaps, similar.Cam.Heatmaps);
        var camRandom = MeanRho(trained.Cam.Heatmaps, random.Cam.Heatmaps);
        var layerRandom = MeanRho(trained.Cam.LayerMaps, random.Cam.LayerMaps);
        output.WriteLine($"accuracy {mnist.Accuracy:0.000}; mean ρ trained vs control / vs randomised: signed gradient {signedControl:0.000} / {signedRandom:0.000}, " +
            $"saliency map {absControl:0.000} / {absRandom:0.000}, Grad-CAM {camControl:0.000} / {camRandom:0.000}, Grad-CAM layer map {layerRandom:0.000}");
        Assert.True(camControl > 0.9, $"control: Grad-CAM ρ = {camControl:0.000}");
        Assert.True(camRandom < 0.7, $"randomised: Grad-CAM ρ = {camRandom:0.000}");
        Assert.True(layerRandom < 0.5, $"randomised: Grad-CAM layer map ρ = {layerRandom:0.000}");
    }

    [SharedDataFact]
    public void RandomWeightsGiveSaliencyThatLooksMoreLikeTheInputItself()
    {
        // The paper's warning: a map from a random network can still resemble the image (an edge detector does).
        // Here the random network's |gradient| follows the digit more closely than the trained one's does.
        var x = mnist.Images(Enumerable.Range(0, Count).ToArray());
        var images = ImageBatch.FromTensor(x);
        var trained = Saliency.Compute(mnist.Load(), x);
        var randomised = mnist.Load();
        randomised.InitializeWeights(12345);
        var random = Saliency.Compute(randomised, x, trained.Classes);
        Assert.True(MeanRho(images, random.Maps) > MeanRho(images, trained.Maps) + 0.05,
            $"ρ(input, random map) = {MeanRho(images, random.Maps):0.000}, ρ(input, trained map) = {MeanRho(images, trained.Maps):0.000}");
    }
}
