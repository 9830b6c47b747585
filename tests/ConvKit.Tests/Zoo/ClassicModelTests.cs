using System.Globalization;
using System.Text.RegularExpressions;
using ConvKit.Imaging;
using ConvKit.Layers;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using ConvKit.Tests.IO;
using ConvKit.Tests.TestSupport;
using ConvKit.Zoo;

namespace ConvKit.Tests.Zoo;

/// <summary>The classic architectures against their papers' own numbers, and forward/backward at full size.</summary>
public partial class ClassicModelTests
{
    [GeneratedRegex(@"│ (?<name>\S+) \((?<type>\w+)\)\s+│ (?<shape>\([^│]*\))\s+│\s+(?<params>[\d,]+) │")]
    private static partial Regex SummaryRow();

    /// <summary>The rows of the summary a user sees: layer name -> (output shape, parameter count).</summary>
    private static Dictionary<string, (string Shape, long Params)> Rows(Model model) =>
        SummaryRow().Matches(model.Summary()).ToDictionary(
            m => m.Groups["name"].Value,
            m => (m.Groups["shape"].Value.Trim(), long.Parse(m.Groups["params"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)));

    [Fact]
    public void LeNet5HasThePapersParameterCountsLayerByLayer()
    {
        var model = ModelZoo.Create("lenet5");
        var rows = Rows(model);
        Assert.Equal("(None, 1, 32, 32)", rows["pad_to_32"].Shape);
        Assert.Equal(("(None, 6, 28, 28)", 156L), rows["c1"]);
        Assert.Equal(("(None, 6, 14, 14)", 12L), rows["s2"]);
        Assert.Equal(("(None, 16, 10, 10)", 1_516L), rows["c3"]);
        Assert.Equal(("(None, 16, 5, 5)", 32L), rows["s4"]);
        Assert.Equal(("(None, 120, 1, 1)", 48_120L), rows["c5"]);
        Assert.Equal(("(None, 84)", 10_164L), rows["f6"]);
        Assert.Equal(("(None, 10)", 840L), rows["rbf"]);
        Assert.Equal(60_000, model.CountParameters(trainable: true));
        Assert.Equal(840, model.CountParameters(trainable: false));
        Assert.Contains(" Trainable params: 60,000 ", model.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void LeNet5TakesA32x32InputWithoutPadding()
    {
        var model = ModelZoo.Create("lenet5-softmax", new Shape(1, 32, 32));
        Assert.DoesNotContain(model.Layers, l => l.Name == "pad_to_32");
        Assert.Equal(60_000 + 850, model.CountParameters());
    }

    [Fact]
    public void AlexNetHasThePapersParameterCount()
    {
        var model = ModelZoo.Create("alexnet");
        var rows = Rows(model);
        Assert.Equal(("(None, 96, 55, 55)", 34_944L), rows["conv1"]);
        Assert.Equal(("(None, 96, 27, 27)", 0L), rows["pool1"]);
        Assert.Equal(("(None, 256, 27, 27)", 307_456L), rows["conv2"]);
        Assert.Equal(("(None, 384, 13, 13)", 885_120L), rows["conv3"]);
        Assert.Equal(("(None, 384, 13, 13)", 663_936L), rows["conv4"]);
        Assert.Equal(("(None, 256, 13, 13)", 442_624L), rows["conv5"]);
        Assert.Equal(("(None, 256, 6, 6)", 0L), rows["pool5"]);
        Assert.Equal(("(None, 4096)", 37_752_832L), rows["fc6"]);
        Assert.Equal(("(None, 4096)", 16_781_312L), rows["fc7"]);
        Assert.Equal(("(None, 1000)", 4_097_000L), rows["fc8"]);
        Assert.Equal(60_965_224, model.CountParameters());
    }

    [Fact]
    public void SingleTowerAlexNetHasTorchvisionsParameterCount()
    {
        var model = ModelZoo.Create("alexnet-single");
        var rows = Rows(model);
        Assert.Equal(("(None, 64, 55, 55)", 23_296L), rows["conv1"]);
        Assert.Equal(("(None, 192, 27, 27)", 307_392L), rows["conv2"]);
        Assert.Equal(("(None, 256, 6, 6)", 0L), rows["pool5"]);
        Assert.Equal(61_100_840, model.CountParameters());
    }

    /// <summary>
    /// Table 1 of Szegedy et al.: each Inception module's output size and depth, and its "params" column (weights
    /// without biases, in units of 1,024). The column is approximate in the paper itself (4c is 7.5% below its own
    /// filter counts, 5a 5% above), so the exact counts follow from the table's filter columns and the paper's
    /// column is checked to 8%.
    /// </summary>
    [Theory]
    [InlineData("inception_3a", 28, 256, 163_696, 159)]
    [InlineData("inception_3b", 28, 480, 388_736, 380)]
    [InlineData("inception_4a", 14, 512, 376_176, 364)]
    [InlineData("inception_4b", 14, 512, 449_160, 437)]
    [InlineData("inception_4c", 14, 512, 510_104, 463)]
    [InlineData("inception_4d", 14, 528, 605_376, 580)]
    [InlineData("inception_4e", 14, 832, 868_352, 840)]
    [InlineData("inception_5a", 7, 832, 1_043_456, 1072)]
    [InlineData("inception_5b", 7, 1024, 1_444_080, 1388)]
    public void GoogLeNetModulesMatchTable1(string module, int size, int depth, long parameters, int tableKilo)
    {
        var model = ModelZoo.Create("googlenet");
        var rows = Rows(model);
        Assert.Equal(($"(None, {depth}, {size}, {size})", 0L), rows[module + "_output"]);
        var layers = model.Layers.Where(l => l.Name.StartsWith(module + "_", StringComparison.Ordinal)).ToArray();
        Assert.Equal(parameters, layers.Sum(l => rows[l.Name].Params));
        var weights = layers.SelectMany(l => l.Parameters).Where(p => p.Name == "kernel").Sum(p => (long)p.Value.Length);
        Assert.InRange(weights / 1024.0, tableKilo * 0.92, tableKilo * 1.08);
    }

    [Fact]
    public void GoogLeNetStemAndClassifierMatchTable1()
    {
        var model = ModelZoo.Create("googlenet");
        var rows = Rows(model);
        Assert.Equal("(None, 64, 112, 112)", rows["conv1_7x7"].Shape);
        Assert.Equal("(None, 64, 56, 56)", rows["pool1"].Shape);
        Assert.Equal("(None, 192, 56, 56)", rows["conv2_3x3"].Shape);
        Assert.Equal(112 * 1024, rows["conv2_3x3_reduce"].Params - 64 + rows["conv2_3x3"].Params - 192);
        Assert.Equal("(None, 1024)", rows["avg_pool"].Shape);
        Assert.Equal(1024 * 1000 + 1000, rows["classifier"].Params);
        Assert.Equal(6_998_552, model.CountParameters());
    }

    [Fact]
    public void GoogLeNetWithAuxiliaryClassifiersHasThreeOutputsWeighted()
    {
        var model = ModelZoo.Create("googlenet-aux");
        Assert.Equal(3, model.OutputShapes.Count);
        Assert.All(model.OutputShapes, s => Assert.Equal(new Shape(1000), s));
        var rows = Rows(model);
        Assert.Equal("(None, 128, 4, 4)", rows["aux1_conv"].Shape);
        Assert.Equal(2048 * 1024 + 1024, rows["aux1_fc"].Params);
        model.Compile(new Sgd(0.01f), new SparseCategoricalCrossentropy());
        Assert.Equal([1f, 0.3f, 0.3f], model.LossWeights);
    }

    [Theory]
    [InlineData("alexnet", 227)]
    [InlineData("alexnet-single", 224)]
    [InlineData("googlenet", 224)]
    public void FullSizeForwardAndBackwardOnColourImages(string name, int size)
    {
        var model = ModelZoo.Create(name, new Shape(3, size, size), classes: 10, seed: 1);
        var x = Photos(2, size);
        var y = model.Forward(x).ToArray();
        Assert.Equal(2 * 10, y.Length);
        for (var n = 0; n < 2; n++)
        {
            Assert.Equal(1.0, y.AsSpan(n * 10, 10).ToArray().Sum(), 4);
        }
        var seed = Tensor.FromBuffer(new float[20], new Shape(2, 10));
        seed.CopyFrom(Enumerable.Range(0, 20).Select(i => i % 10 == 3 ? 1f : 0f).ToArray());
        model.Backward(seed, parameterGradients: true);
        var dx = model.GetInputGradient().ToArray();
        Assert.All(dx, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(dx, v => v != 0f);
        foreach (var p in model.Parameters.Where(p => p.Trainable))
        {
            Assert.All(p.Gradient!.ToArray(), v => Assert.True(float.IsFinite(v), p.FullName));
        }
    }

    [Fact]
    public void ShrunkInceptionModuleHasExactGradients()
    {
        var input = Input.Create(3, 6, 6);
        var y = InceptionModule.Create(input, 2, 2, 3, 1, 2, 2, "tiny");
        var model = new Model(input, y, seed: 5);
        // Distinct inputs spaced beyond 2ε, so no 3x3 max-pool window holds a near tie, and a small ε so no ReLU input crosses zero.
        GradientChecker.Check(model, new Shape(3, 6, 6), batch: 2, epsilon: 1e-3, sampler: GradientChecker.Distinct(0.005f));
    }

    /// <summary>
    /// A few training steps of each large architecture on a tiny image-folder dataset (crops of two photographs, cat and
    /// coffee, stored as PNG and JPEG and resized on load to the model's input): the loss must go down.
    /// </summary>
    [Theory]
    [InlineData("alexnet", 227, 1e-4f)]
    [InlineData("alexnet-single", 224, 1e-4f)]
    [InlineData("googlenet-aux", 224, 5e-4f)]
    public void TrainsOnATinyImageFolder(string name, int size, float learningRate)
    {
        using var dir = new TempDirectory();
        var set = ImageFolder.Load(ImageFolderFixture.WritePhotos(dir, perClass: 3, size: 150), new ImageFolderOptions { Height = size, Width = size, Channels = 3 });
        Assert.Equal(["cat", "coffee"], set.ClassNames);
        var model = ModelZoo.Create(name, new Shape(3, size, size), classes: 2, seed: 1);
        model.Compile(new Adam(learningRate), new SparseCategoricalCrossentropy());
        var x = Tensor.FromBuffer(set.Images, new Shape(set.Count, 3, size, size));
        // Measured in inference mode (no dropout) before and after, so the comparison is not dropout noise.
        var before = model.Evaluate(x, set.Labels).Loss;
        var losses = Enumerable.Range(0, 10).Select(_ => model.TrainOnBatch(x, set.Labels)).ToArray();
        var after = model.Evaluate(x, set.Labels).Loss;
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(after < 0.95 * before, $"{name}: loss {before:0.000} before, {after:0.000} after; steps {string.Join(", ", losses.Select(l => l.ToString("0.000", CultureInfo.InvariantCulture)))}");
    }

    /// <summary><paramref name="count"/> colour crops of the shared photographs, resized to size x size.</summary>
    internal static Tensor Photos(int count, int size)
    {
        using var dir = new TempDirectory();
        var set = ImageFolder.Load(ImageFolderFixture.WritePhotos(dir, perClass: (count + 1) / 2, size: 150), new ImageFolderOptions { Height = size, Width = size, Channels = 3 });
        return Tensor.FromBuffer(set.Images.AsSpan(0, count * set.SampleSize).ToArray(), new Shape(count, 3, size, size));
    }
}
