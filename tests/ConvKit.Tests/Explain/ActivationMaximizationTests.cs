using ConvKit.Explain;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using static ConvKit.Tests.Explain.ExplainModels;

namespace ConvKit.Tests.Explain;

/// <summary>Activation maximisation on the quadrant model (no data needed) and on a trained MNIST model.</summary>
[Collection(TrainedMnistCollection.Name)]
public class ActivationMaximizationTests(TrainedMnist mnist)
{
    /// <summary>The target value of <paramref name="count"/> uniform random images, per target.</summary>
    private static double[] RandomInputObjective(Model model, ExplainTarget target, int count, int size)
    {
        var (c, h, w) = (model.InputShapes[0][0], model.InputShapes[0][1], model.InputShapes[0][2]);
        var x = Tensor.FromArray(new Shape(count, c, h, w), Noise(count, size, seed: 77));
        return ActivationMaximization.Evaluate(model, x, Enumerable.Repeat(target, count).ToArray());
    }

    [Fact]
    public void OnlyTheQuadrantChangesAndItGrowsVerticalEdges()
    {
        var model = QuadrantModel();
        var r = ActivationMaximization.Run(model, [ExplainTarget.Class(0)], new MaximizationOptions { Steps = 60, LearningRate = 0.05f, Seed = 4 });
        var start = ActivationMaximization.Run(model, [ExplainTarget.Class(0)], new MaximizationOptions { Steps = 1, LearningRate = 1e-9f, Seed = 4 }).Images.Image(0);
        var img = r.Images.Image(0);
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                if (y >= Quadrant || x >= Quadrant)
                {
                    Assert.Equal(start[y * Side + x], img[y * Side + x], 5);
                }
            }
        }
        Assert.True(r.FinalObjective[0] > r.InitialObjective[0] + 1, $"z_0 went from {r.InitialObjective[0]:0.00} to {r.FinalObjective[0]:0.00}");
        var p = model.Predict(r.Images.ToTensor()).ToArray();
        Assert.True(p[0] > p[1], $"p(class 0) = {p[0]}");
    }

    [Fact]
    public void AnL2PenaltyDarkensWhatTheModelDoesNotSee()
    {
        var model = QuadrantModel();
        var r = ActivationMaximization.Run(model, [ExplainTarget.Class(1)], new MaximizationOptions { Steps = 60, L2 = 50, Seed = 2 });
        var img = r.Images.Image(0);
        var outside = new List<float>();
        for (var y = Quadrant; y < Side; y++)
        {
            for (var x = Quadrant; x < Side; x++)
            {
                outside.Add(img[y * Side + x]);
            }
        }
        // Only the penalty acts outside the quadrant: it pulls those pixels from about 0.5 to 0.
        Assert.True(outside.Max() < 0.05f, $"brightest pixel outside the quadrant: {outside.Max()}");
        Assert.True(r.RegularizedObjective[0][^1] > r.RegularizedObjective[0][0]);
    }

    [SharedDataFact]
    public void EachClassVisualisationIsClassifiedAsItsClassAndFarAboveRandomInputs()
    {
        var model = mnist.Load();
        var targets = Enumerable.Range(0, 10).Select(ExplainTarget.Class).ToArray();
        var r = ActivationMaximization.Run(model, targets, new MaximizationOptions { Steps = 100, L2 = 5, Jitter = 1, Seed = 1 });
        ExplainModels.AssertUsable(r.Images, 10, 1, 28, 28, "class visualisations");
        var p = model.Predict(r.Images.ToTensor()).ToArray();
        for (var c = 0; c < 10; c++)
        {
            var row = p.AsSpan(c * 10, 10).ToArray();
            Assert.True(Array.IndexOf(row, row.Max()) == c, $"the visualisation of class {c} is classified as {Array.IndexOf(row, row.Max())}");
            var random = RandomInputObjective(model, targets[c], 100, 784);
            var mean = random.Average();
            var sd = Math.Sqrt(random.Select(v => (v - mean) * (v - mean)).Average());
            Assert.True(r.FinalObjective[c] > random.Max() && r.FinalObjective[c] > mean + 5 * sd,
                $"class {c}: final logit {r.FinalObjective[c]:0.00}; random inputs mean {mean:0.00}, sd {sd:0.00}, max {random.Max():0.00}");
        }
    }

    [SharedDataFact]
    public void TheObjectiveRisesMonotonicallyOnAverage()
    {
        var model = mnist.Load();
        var targets = new[] { ExplainTarget.Class(3), ExplainTarget.Class(8), ExplainTarget.Filter("conv2d_1", 5), ExplainTarget.Neuron("dense", 17) };
        var r = ActivationMaximization.Run(model, targets, new MaximizationOptions { Steps = 100, Seed = 5 });
        for (var t = 0; t < targets.Length; t++)
        {
            var trace = r.Objective[t];
            var blocks = Enumerable.Range(0, 10).Select(b => trace.Skip(b * 10).Take(10).Average()).ToArray();
            for (var b = 1; b < blocks.Length; b++)
            {
                Assert.True(blocks[b] > blocks[b - 1], $"{targets[t]}: mean objective of steps {b * 10}..{b * 10 + 9} is {blocks[b]:0.000}, of the ten before {blocks[b - 1]:0.000}");
            }
            var ups = Enumerable.Range(1, trace.Length - 1).Count(s => trace[s] > trace[s - 1]);
            Assert.True(ups >= 0.75 * (trace.Length - 1), $"{targets[t]}: only {ups} of {trace.Length - 1} steps raised the objective");
            var random = RandomInputObjective(model, targets[t], 100, 784);
            var mean = random.Average();
            var sd = Math.Sqrt(random.Select(v => (v - mean) * (v - mean)).Average());
            Assert.True(r.FinalObjective[t] > random.Max() && r.FinalObjective[t] > mean + 5 * sd,
                $"{targets[t]}: final {r.FinalObjective[t]:0.000}; random inputs mean {mean:0.000}, sd {sd:0.000}, max {random.Max():0.000}");
        }
    }

    [SharedDataFact]
    public void WithJitterAndPenaltiesTheObjectiveStillRisesOnAverage()
    {
        var model = mnist.Load();
        var r = ActivationMaximization.Run(model, [ExplainTarget.Class(2), ExplainTarget.Filter("conv2d", 7, FilterReduction.Sum)],
            new MaximizationOptions { Steps = 80, L1 = 2, L2 = 2, TotalVariation = 5, Jitter = 2, Seed = 9 });
        for (var t = 0; t < 2; t++)
        {
            var j = r.RegularizedObjective[t];
            var meanStep = (j[^1] - j[0]) / (j.Length - 1);
            Assert.True(meanStep > 0, $"target {t}: the regularised objective fell on average");
            Assert.True(j.Skip(40).Average() > j.Take(40).Average());
        }
    }

    [Fact]
    public void AResultDoesNotDependOnTheOtherTargetsAskedFor()
    {
        var model = QuadrantModel();
        var o = new MaximizationOptions { Steps = 10, Jitter = 2, Seed = 3 };
        var both = ActivationMaximization.Run(model, [ExplainTarget.Class(0), ExplainTarget.Filter("edges", 1)], o);
        var alone = ActivationMaximization.Run(model, [ExplainTarget.Class(0)], o);
        Assert.Equal(alone.Images.Image(0).ToArray(), both.Images.Image(0).ToArray());
        Assert.Equal(alone.Objective[0], both.Objective[0]);
    }
}
