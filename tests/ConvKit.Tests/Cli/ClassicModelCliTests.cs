using ConvKit.Tests.Data;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Cli;

/// <summary><c>convkit summary</c> and <c>convkit train</c> with the classic architectures, as a user runs them.</summary>
public class ClassicModelCliTests
{
    [Theory]
    [InlineData("lenet5", "│ c3 (Conv2D)", "1,516 │", " Trainable params: 60,000 ")]
    [InlineData("alexnet", "│ conv2 (Conv2D)", "307,456 │", " Total params: 60,965,224 ")]
    [InlineData("alexnet-single", "│ fc6 (Dense)", "37,752,832 │", " Total params: 61,100,840 ")]
    [InlineData("googlenet", "│ inception_3a_3x3 (Conv2D)", "110,720 │", " Total params: 6,998,552 ")]
    public void SummaryPrintsThePapersParameterCounts(string model, string row, string count, string total)
    {
        var r = CliRunner.Run("summary", "--model", model);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains(r.Out.Split('\n'), line => line.StartsWith(row, StringComparison.Ordinal) && line.Contains(count, StringComparison.Ordinal));
        Assert.Contains(total, r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ListShowsEachArchitectureWithItsInputSize()
    {
        var r = CliRunner.Run("summary", "--list");
        Assert.Equal(0, r.ExitCode);
        foreach (var (name, shape) in new[] { ("lenet5 ", "1x28x28"), ("alexnet ", "3x227x227"), ("alexnet-single ", "3x224x224"), ("googlenet ", "3x224x224"), ("googlenet-aux ", "3x224x224"), ("vgg-small ", "1x28x28"), ("resnet-small ", "1x28x28") })
        {
            Assert.Contains(r.Out.Split('\n'), line => line.StartsWith(name, StringComparison.Ordinal) && line.Contains(shape, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void SummaryOfAnotherInputSizeAndClassCount()
    {
        var r = CliRunner.Run("summary", "--model", "googlenet-aux", "--input-shape", "3x96x96", "--classes", "2");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("│ aux2_classifier (Dense)", r.Out, StringComparison.Ordinal);
        Assert.Contains("(None, 2)", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void AnArchitectureTooBigForTheImagesIsAUserError()
    {
        var r = CliRunner.Run("summary", "--model", "alexnet", "--input-shape", "1x28x28");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("convkit: error:", r.Error, StringComparison.Ordinal);
        Assert.Contains("does not fit", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void LeNet5TrainsFromTheCommandLine()
    {
        var r = CliRunner.Run("train", "--model", "lenet5", "--dataset", "mnist", "--epochs", "1", "--limit", "3000", "--batch-size", "32", "--no-pictures", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        var accuracy = System.Text.Json.Nodes.JsonNode.Parse(r.Out)!["test_accuracy"]!.GetValue<double>();
        Assert.True(accuracy > 0.8, $"LeNet-5 after 3,000 images: {accuracy}");
    }

    [Fact]
    public void GoogLeNetWithAuxiliaryHeadsTrainsOnAPhotoFolder()
    {
        using var dir = new TempDirectory();
        var root = ImageFolderFixture.WritePhotos(dir, perClass: 4, size: 120);
        var r = CliRunner.Run("train", "--model", "googlenet-aux", "--dataset", "folder", "--data", root, "--image-size", "96", "--channels", "3",
            "--holdout", "0.25", "--epochs", "1", "--batch-size", "6", "--no-pictures", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("test_accuracy", r.Out, StringComparison.Ordinal);
    }
}
