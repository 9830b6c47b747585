using System.Text.Json.Nodes;
using ConvKit.Tests.Data;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Cli;

/// <summary><c>convkit train --dataset folder</c>, <c>--augment</c> and <c>convkit dataset</c> as a user runs them.</summary>
public class FolderDatasetCliTests
{
    private static void UserError(CliRunner.Result r, string fragment)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        Assert.StartsWith("convkit: error: ", r.Error);
        Assert.Contains(fragment, r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
    }

    [SharedDataFact]
    public void TrainsOnAFolderOfDigitsAndReportsTheBalance()
    {
        using var dir = new TempDirectory();
        var root = ImageFolderFixture.WriteDigits(dir, [0, 1, 2], [40, 40, 20]);
        var r = CliRunner.Run("train", "--model", "seed-mnist", "--dataset", "folder", "--data", root, "--epochs", "1", "--batch-size", "16",
            "--augment", "shift:2,rotate:10", "--seed", "3", "--no-pictures", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Class balance: 100 images, 3 classes", r.Error);
        Assert.Contains("Imbalance ratio (largest / smallest class): 2.00", r.Error);
        Assert.Contains("Warning: the classes are imbalanced", r.Error);
        Assert.Contains("Held out 20 of 100 images (0.2 of each class, seed 3)", r.Error);
        var json = JsonNode.Parse(r.Out)!.AsObject();
        Assert.Equal("folder", json["dataset"]!.GetValue<string>());
        Assert.InRange(json["test_accuracy"]!.GetValue<double>(), 0.0, 1.0);

        var text = CliRunner.Run("train", "--model", "seed-mnist", "--dataset", "folder", "--data", root, "--epochs", "1", "--batch-size", "32",
            "--image-size", "20", "--channels", "3", "--crop", "random", "--holdout", "0.3", "--augment", "flip,crop:2,pca", "--no-pictures");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("Test accuracy: ", text.Out);
        Assert.Contains("(3x20x20, 3 classes)", text.Out);
        Assert.Contains("Held out 30 of 100", text.Out);
    }

    [SharedDataFact]
    public void AugmentWorksForMnistToo()
    {
        var r = CliRunner.Run("train", "--model", "seed-mnist", "--epochs", "1", "--limit", "300", "--batch-size", "50", "--augment", "crop:2,rotate:5", "--no-pictures");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Test accuracy: ", r.Out);
        UserError(CliRunner.Run("train", "--epochs", "1", "--limit", "300", "--augment", "pca", "--no-pictures"), "--augment pca needs colour");
    }

    [Fact]
    public void DatasetCommandDescribesTheFolder()
    {
        using var dir = new TempDirectory();
        var root = ImageFolderFixture.WritePhotos(dir, perClass: 3, size: 16);
        var r = CliRunner.Run("dataset", root);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("6 images in 2 classes", r.Out);
        Assert.Contains("  cat     3   50.0%", r.Out);
        Assert.Contains("Imbalance ratio (largest / smallest class): 1.00", r.Out);
        Assert.Contains("3x16x16         6 images (colour)", r.Out);
        Assert.Contains("Loaded as 6 images of 3x16x16", r.Out);

        ConvKit.Imaging.ImageFile.Save(Path.Combine(root, "coffee", "wide.png"), new ConvKit.Filters.ImagePlanes(1, 16, 30));
        var mixed = CliRunner.Run("dataset", root);
        Assert.Contains("differ in size: pass --image-size", mixed.Out);
        var sized = CliRunner.Run("dataset", root, "--image-size", "8x12", "--channels", "1", "--crop", "center");
        Assert.True(sized.ExitCode == 0, sized.Error);
        Assert.Contains("Loaded as 7 images of 1x8x12", sized.Out);
    }

    [Fact]
    public void FolderMistakesGetOneLineAndExitCode2()
    {
        using var dir = new TempDirectory();
        var root = ImageFolderFixture.WritePhotos(dir, perClass: 2, size: 10);
        string[] train = ["train", "--dataset", "folder", "--epochs", "1", "--no-pictures"];
        UserError(CliRunner.Run([.. train]), "--dataset folder needs --data");
        UserError(CliRunner.Run([.. train, "--data", dir.File("missing")]), "missing' does not exist");
        UserError(CliRunner.Run([.. train, "--data", root, "--image-size", "big"]), "--image-size must be HxW");
        UserError(CliRunner.Run([.. train, "--data", root, "--channels", "2"]), "--channels must be 1 (grey) or 3");
        UserError(CliRunner.Run([.. train, "--data", root, "--image-size", "8", "--crop", "zoom"]), "Unknown --crop 'zoom'");
        UserError(CliRunner.Run([.. train, "--data", root, "--crop", "center"]), "--crop needs --image-size");
        UserError(CliRunner.Run([.. train, "--data", root, "--holdout", "1.5"]), "--holdout must be strictly between 0 and 1");
        UserError(CliRunner.Run([.. train, "--data", root, "--augment", "blur"]), "Unknown augmentation 'blur'");
        UserError(CliRunner.Run([.. train, "--data", root, "--augment", "pca", "--channels", "1"]), "--augment pca needs colour");
        UserError(CliRunner.Run("train", "--holdout", "0.1", "--no-download", "--epochs", "1"), "apply to --dataset folder only");

        File.WriteAllText(Path.Combine(root, "cat", "oops.jpg"), "not a picture");
        UserError(CliRunner.Run([.. train, "--data", root]), "oops.jpg");
        UserError(CliRunner.Run("dataset", root), "oops.jpg");
        File.Delete(Path.Combine(root, "cat", "oops.jpg"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        UserError(CliRunner.Run("dataset", root), "class 'empty'");
        UserError(CliRunner.Run("dataset", dir.File("nowhere")), "does not exist");
    }
}
