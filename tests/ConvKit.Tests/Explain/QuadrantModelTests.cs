using ConvKit.Backends;
using ConvKit.Explain;
using ConvKit.Tensors;
using static ConvKit.Tests.Explain.ExplainModels;

namespace ConvKit.Tests.Explain;

/// <summary>
/// Explainers on a hand-built model that only looks at the top-left quadrant: whatever the image, the evidence
/// they report must lie there.
/// </summary>
public class QuadrantModelTests
{
    [Theory]
    [InlineData(BackpropMode.Vanilla)]
    [InlineData(BackpropMode.Guided)]
    [InlineData(BackpropMode.Rectified)]
    public void SaliencyLiesInTheQuadrantForAnyImage(BackpropMode mode)
    {
        var model = QuadrantModel();
        var x = Tensor.FromArray(new Shape(4, 1, Side, Side), Noise(4, Side * Side, seed: 3));
        var s = Saliency.Compute(model, x, [0, 1, 0, 1], new SaliencyOptions { Modifier = mode });
        for (var n = 0; n < 4; n++)
        {
            var map = s.Maps.Image(n);
            Assert.True(map.ToArray().Sum() > 0, $"image {n}: the saliency map is empty");
            // Outside the quadrant the gradient is exactly zero.
            Assert.Equal(1.0, MassIn(map, Side, Side, Quadrant, Quadrant), 6);
        }
    }

    [Fact]
    public void SmoothGradLiesInTheQuadrant()
    {
        var model = QuadrantModel();
        var x = Tensor.FromArray(new Shape(2, 1, Side, Side), Noise(2, Side * Side, seed: 5));
        var s = Saliency.Compute(model, x, [0, 1], new SaliencyOptions { SmoothGradSamples = 8, NoiseLevel = 0.2f, Seed = 1 });
        for (var n = 0; n < 2; n++)
        {
            Assert.Equal(1.0, MassIn(s.Maps.Image(n), Side, Side, Quadrant, Quadrant), 6);
        }
    }

    [Fact]
    public void OcclusionOnlyRespondsToPatchesOverTheQuadrant()
    {
        var model = QuadrantModel();
        var x = Tensor.FromArray(new Shape(3, 1, Side, Side), Noise(3, Side * Side, seed: 7));
        var occ = Occlusion.Compute(model, x, [0, 1, 0], new OcclusionOptions { Size = 4, Stride = 2, Fill = 0.5f });
        Assert.Equal([0, 1, 0], occ.Classes);
        for (var n = 0; n < 3; n++)
        {
            // A patch that does not overlap the quadrant cannot change the output.
            for (var r = 0; r < occ.PatchRows.Length; r++)
            {
                for (var q = 0; q < occ.PatchColumns.Length; q++)
                {
                    if (occ.PatchRows[r] >= Quadrant || occ.PatchColumns[q] >= Quadrant)
                    {
                        Assert.Equal(0f, occ.PatchDrops.Image(n)[r * occ.PatchColumns.Length + q]);
                    }
                }
            }
            var map = occ.Maps.Image(n);
            Assert.True(map.ToArray().Select(Math.Abs).Sum() > 0);
            Assert.True(MassIn(map, Side, Side, Quadrant, Quadrant) > 0.7, $"image {n}: {MassIn(map, Side, Side, Quadrant, Quadrant):0.000} of the occlusion mass in the quadrant");
        }
    }

    [Fact]
    public void EvidenceForVerticalEdgesIsFoundInTheQuadrantOfAStripedImage()
    {
        var model = QuadrantModel();
        var x = Tensor.FromArray(new Shape(1, 1, Side, Side), StripesImage());
        var p = model.Predict(x).ToArray();
        Assert.True(p[0] > p[1], "the quadrant holds vertical stripes, so class 0 wins");

        // Grad-CAM weighs channel 0 (vertical edges) and ignores channel 1, whose horizontal edges fill the
        // other three quadrants: the heat map lights up the top-left quadrant only.
        var cam = GradCam.Compute(model, x, layerName: "edges");
        Assert.Equal([0], cam.Classes);
        Assert.True(cam.Weights[0] > 0);
        Assert.Equal(0f, cam.Weights[1]);
        var heat = cam.Heatmaps.Image(0);
        Assert.True(MassIn(heat, Side, Side, Quadrant, Quadrant) > 0.8, $"{MassIn(heat, Side, Side, Quadrant, Quadrant):0.000} of the Grad-CAM mass in the quadrant");
        Assert.Equal(1f, heat.ToArray().Max(), 5);

        var occ = Occlusion.Compute(model, x);
        Assert.True(MassIn(occ.Maps.Image(0), Side, Side, Quadrant, Quadrant) > 0.7);
        var s = Saliency.Compute(model, x);
        Assert.True(MassIn(s.Maps.Image(0), Side, Side, Quadrant, Quadrant) > 0.8);
        var guided = GradCam.Guided(model, x);
        Assert.True(MassIn(guided.Maps.Image(0), Side, Side, Quadrant, Quadrant) > 0.8);
    }

    [Fact]
    public void GradCamDefaultsToTheLastConvolution()
    {
        var model = QuadrantModel();
        var x = Tensor.FromArray(new Shape(1, 1, Side, Side), StripesImage());
        Assert.Equal("edges", GradCam.Compute(model, x).LayerName);
    }
}
