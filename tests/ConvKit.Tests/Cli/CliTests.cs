using System.Text.Json.Nodes;
using ConvKit.Tests.Data;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Cli;

/// <summary>The convkit command as a user runs it: output, files and exit codes, including every kind of mistake.</summary>
public class CliTests
{
    private static void UserError(CliRunner.Result r, string fragment)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(fragment, r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
    }

    [Fact]
    public void SummaryPrintsTheKerasTable()
    {
        var r = CliRunner.Run("summary", "--model", "keras-mnist-cnn", "--channels-last");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("│ dense (Dense)                   │ (None, 128)            │     1,179,776 │", r.Out);
        Assert.Contains(" Total params: 1,199,882 (4.58 MB)", r.Out);
        var list = CliRunner.Run("summary", "--list");
        Assert.Contains("seed-mnist", list.Out);
    }

    [Fact]
    public void MistakesGetOneLineAndANonZeroExitCode()
    {
        UserError(CliRunner.Run("summary", "--model", "nope"), "Unknown model 'nope'");
        UserError(CliRunner.Run("evaluate", "--model-file", "/nonexistent/m.safetensors"), "does not exist");
        UserError(CliRunner.Run("train", "--epochs", "0"), "--epochs");
        UserError(CliRunner.Run("train", "--dataset", "cifar-99"), "cifar-99");
        UserError(CliRunner.Run("train", "--data", "/nonexistent/folder", "--no-download"), "/nonexistent/folder");
        var bad = CliRunner.Run("train", "--epochs", "many");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.DoesNotContain("   at ", bad.Error + bad.Out);
    }

    [Fact]
    public void CorruptModelFileIsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad.safetensors"), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2]);
        UserError(CliRunner.Run("summary", "--model-file", dir.File("bad.safetensors")), "bad.safetensors");
    }

    [SharedDataFact]
    public void TrainEvaluatePredictWorkTogether()
    {
        using var dir = new TempDirectory();
        var model = dir.File("model.safetensors");
        var train = CliRunner.Run("train", "--model", "seed-mnist", "--epochs", "1", "--limit", "2000", "--batch-size", "32", "--out", model, "--json");
        Assert.True(train.ExitCode == 0, train.Error);
        var json = JsonNode.Parse(train.Out)!.AsObject();
        Assert.True(json["test_accuracy"]!.GetValue<double>() > 0.8);
        Assert.Single(json["epoch_seconds"]!.AsArray());
        Assert.True(json["train_images_per_second"]!.GetValue<double>() > 0);
        Assert.Contains("Epoch 1/1", train.Error);
        Assert.True(File.Exists(model));
        Assert.True(File.Exists(dir.File("predictions.png")));
        Assert.True(File.Exists(dir.File("history.png")));

        var eval = CliRunner.Run("evaluate", "--model-file", model, "--json");
        Assert.Equal(0, eval.ExitCode);
        Assert.Equal(json["test_accuracy"]!.GetValue<double>(), JsonNode.Parse(eval.Out)!["test_accuracy"]!.GetValue<double>(), 6);

        var predict = CliRunner.Run("predict", "--model-file", model, "--index", "0,1");
        Assert.Equal(0, predict.ExitCode);
        Assert.Contains("test #0: predicted", predict.Out);
        Assert.Contains("true 7", predict.Out);

        UserError(CliRunner.Run("predict", "--model-file", model, "--index", "99999"), "99999");
        var photo = Path.Combine(SharedData.RepositoryRoot, "..", "shared", "images", "camera.png");
        if (File.Exists(photo))
        {
            UserError(CliRunner.Run("predict", "--model-file", model, "--image", photo), "--resize");
            var resized = CliRunner.Run("predict", "--model-file", model, "--image", photo, "--resize", "--json");
            Assert.Equal(0, resized.ExitCode);
            Assert.Equal(10, JsonNode.Parse(resized.Out)!["predictions"]![0]!["probabilities"]!.AsArray().Count);
        }
        var match = CliRunner.Run("filter", "--match", model);
        Assert.Equal(0, match.ExitCode);
        Assert.Contains("16 learned 3x3 filters", match.Out);
        Assert.Equal(16, match.Out.Split('\n').Count(l => l.Contains(" mean ", StringComparison.Ordinal)));
        UserError(CliRunner.Run("filter", "--match", model, "--layer", "dense"), "no Conv2D layer named 'dense'");

        File.WriteAllText(dir.File("not-an-image.png"), "hello");
        UserError(CliRunner.Run("predict", "--model-file", model, "--image", dir.File("not-an-image.png")), "not-an-image.png");
    }
}
