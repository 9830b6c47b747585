using ConvKit.Cli;
using ConvKit.Filters;
using ConvKit.Imaging;
using ConvKit.Tests.Data;
using ConvKit.Tests.IO;
using ConvKit.Zoo;
using static ConvKit.Tests.Explain.ExplainModels;

namespace ConvKit.Tests.Explain;

/// <summary>
/// Runs <c>convkit explain</c> in process (console captured, so this collection runs alone) on the quadrant model
/// and a 16×16 PNG, and checks every picture it writes: a real PNG of a sensible size whose pixels are not all alike.
/// </summary>
[Collection(ExplainCliCollection.Name)]
public sealed class ExplainCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _model;
    private readonly string _image;

    public ExplainCliTests()
    {
        _model = _dir.File("quadrant.safetensors");
        QuadrantModel().Save(_model);
        _image = _dir.File("stripes.png");
        ImageFile.Save(_image, new ImagePlanes(StripesImage(), 1, Side, Side));
    }

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            return (CliApp.Run(args), o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    /// <summary>Decodes a PNG and checks it is at least <paramref name="minWidth"/> x <paramref name="minHeight"/> with varied content.</summary>
    private static void AssertPicture(string path, int minWidth, int minHeight)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var png = ImageFile.Load(path);
        Assert.True(png.Width >= minWidth && png.Height >= minHeight, $"{Path.GetFileName(path)} is {png.Width}x{png.Height}, expected at least {minWidth}x{minHeight}");
        var values = png.Data;
        var mean = values.Average();
        var sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.True(sd > 0.05, $"{Path.GetFileName(path)} is nearly uniform (sd {sd:0.000})");
        Assert.True(values.Distinct().Count() > 16, $"{Path.GetFileName(path)} has only {values.Distinct().Count()} distinct values");
    }

    private string Out => _dir.File("out");

    [Theory]
    [InlineData("filters", "filters-edges.png", 1, new string[0])]
    [InlineData("features", "features-edges-0.png", 2, new[] { "--image", "IMAGE" })]
    [InlineData("maximize", "maximize-classes.png", 2, new[] { "--steps", "20" })]
    [InlineData("maximize", "maximize-edges.png", 2, new[] { "--steps", "20", "--target", "filter", "--layer", "edges" })]
    [InlineData("dream", "dream-edges.png", 2, new[] { "--image", "IMAGE", "--steps", "5", "--octaves", "2" })]
    [InlineData("occlusion", "occlusion.png", 3, new[] { "--image", "IMAGE", "--size", "4" })]
    [InlineData("saliency", "saliency-vanilla.png", 3, new[] { "--image", "IMAGE" })]
    [InlineData("saliency", "saliency-guided-smoothgrad.png", 3, new[] { "--image", "IMAGE", "--modifier", "guided", "--smooth-samples", "4" })]
    [InlineData("gradcam", "gradcam-edges.png", 5, new[] { "--image", "IMAGE", "--class", "0" })]
    public void EachCommandWritesAPicture(string command, string file, int columns, string[] extra)
    {
        var args = new List<string> { "explain", command, "--model-file", _model, "--out", Out };
        args.AddRange(extra.Select(a => a == "IMAGE" ? _image : a));
        var (code, stdout, stderr) = Run([.. args]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var path = Path.Combine(Out, file);
        Assert.Contains($"Wrote {path}", stdout);
        AssertPicture(path, minWidth: 60 * columns, minHeight: 80);
    }

    [Fact]
    public void MaximizeAlsoWritesTheObjectiveTrace()
    {
        var (code, _, stderr) = Run("explain", "maximize", "--model-file", _model, "--out", Out, "--steps", "15");
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(Path.Combine(Out, "maximize-classes-objective.csv"));
        Assert.Equal("step,\"class 0\",\"class 1\"", lines[0]);
        Assert.Equal(16, lines.Length);
    }

    [Fact]
    public void TheReportIsOneSelfContainedPage()
    {
        var (code, stdout, stderr) = Run("explain", "report", "--model-file", _model, "--out", Out, "--image", _image, "--steps", "20");
        Assert.True(code == 0, stderr);
        Assert.Contains("report.html", stdout);
        AssertReport(Path.Combine(Out, "report.html"), ["The model", "Filters", "Feature maps", "Saliency", "Grad-CAM", "Occlusion", "Class visualisations", "Deep Dream"]);
    }

    /// <summary>The page has the sections, embeds every picture, fetches nothing, and every embedded PNG is a real picture.</summary>
    internal static void AssertReport(string path, string[] sections)
    {
        var html = File.ReadAllText(path);
        foreach (var s in sections)
        {
            Assert.Contains($">{s}</h2>", html);
        }
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("url(", html);
        var pictures = System.Text.RegularExpressions.Regex.Matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        Assert.True(pictures.Count >= sections.Length, $"only {pictures.Count} embedded pictures");
        var folder = Path.Combine(Path.GetDirectoryName(path)!, "decoded");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < pictures.Count; i++)
        {
            var file = Path.Combine(folder, $"{i}.png");
            File.WriteAllBytes(file, Convert.FromBase64String(pictures[i].Groups[1].Value));
            AssertPicture(file, 100, 60);
        }
    }

    [Fact]
    public void GradCamOnADenseLayerIsAOneLineUserError()
    {
        var (code, stdout, stderr) = Run("explain", "gradcam", "--model-file", _model, "--out", Out, "--image", _image, "--layer", "logits");
        Assert.Equal(CliApp.UserError, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("convkit: error: Grad-CAM needs a layer with feature maps", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void AMissingLayerIsAOneLineUserError()
    {
        var (code, _, stderr) = Run("explain", "features", "--model-file", _model, "--out", Out, "--image", _image, "--layer", "conv9");
        Assert.Equal(CliApp.UserError, code);
        Assert.Contains("no layer named 'conv9'", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void AnImageOfTheWrongSizeIsAOneLineUserError()
    {
        var small = _dir.File("small.png");
        ImageFile.Save(small, new ImagePlanes(new float[15 * 15], 1, 15, 15));
        var (code, _, stderr) = Run("explain", "saliency", "--model-file", _model, "--out", Out, "--image", small);
        Assert.Equal(CliApp.UserError, code);
        Assert.Contains("is 1x15x15", stderr);
        Assert.Contains("--resize", stderr);
        Assert.False(Directory.Exists(Out), "nothing should be written after a user error");
    }

    [Theory]
    [InlineData("saliency", "--modifier", "sideways", "--modifier must be vanilla, guided or rectified")]
    [InlineData("gradcam", "--class", "7", "--class '7' is neither a class index in [0, 1]")]
    [InlineData("gradcam", "--colormap", "rainbow", "--colormap must be jet or viridis")]
    public void BadOptionsAreOneLineUserErrors(string command, string option, string value, string message)
    {
        var (code, _, stderr) = Run("explain", command, "--model-file", _model, "--out", Out, "--image", _image, option, value);
        Assert.Equal(CliApp.UserError, code);
        Assert.Contains(message, stderr);
    }

    [SharedDataFact]
    public void TheReportOnMnistTestImagesIsComplete()
    {
        var model = _dir.File("seed-mnist.safetensors");
        ModelZoo.Create("seed-mnist", seed: 2).Save(model);
        var (code, _, stderr) = Run("explain", "report", "--model-file", model, "--dataset", "mnist", "--data", SharedData.Root!, "--no-download",
            "--samples", "3", "--steps", "20", "--out", Out);
        Assert.True(code == 0, stderr);
        AssertReport(Path.Combine(Out, "report.html"), ["The model", "Filters", "Feature maps", "Saliency", "Grad-CAM", "Occlusion", "Class visualisations", "Deep Dream"]);
    }

    /// <summary>LeNet-5: 1x1 feature maps (C5), tanh units and the rubbish-class softmax, whose class scores are the RBF logits.</summary>
    [SharedDataFact]
    public void TheReportWorksOnLeNet5()
    {
        var model = _dir.File("lenet5.safetensors");
        ModelZoo.Create("lenet5", seed: 2).Save(model);
        var (code, _, stderr) = Run("explain", "report", "--model-file", model, "--dataset", "mnist", "--data", SharedData.Root!, "--no-download",
            "--samples", "2", "--steps", "10", "--out", Out);
        Assert.True(code == 0, stderr);
        AssertReport(Path.Combine(Out, "report.html"), ["The model", "Filters", "Feature maps", "Saliency", "Grad-CAM", "Occlusion", "Class visualisations"]);
        Assert.Contains(">c5 for ", File.ReadAllText(Path.Combine(Out, "report.html")));
    }
}

/// <summary>CLI tests capture the console, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExplainCliCollection
{
    public const string Name = "convkit explain (console captured)";
}
