using ConvKit.Cli;
using ConvKit.Cli.Commands;
using ConvKit.Filters;
using ConvKit.Imaging;

namespace ConvKit.Tests.Filters;

/// <summary><c>convkit filter</c> run in-process: exit codes, output files, and one-line errors for user mistakes.</summary>
public sealed class FilterCommandTests : IDisposable
{
    private static readonly string Inputs = Path.Combine(AppContext.BaseDirectory, "fixtures", "opencv", "inputs");
    private readonly string _dir = Directory.CreateTempSubdirectory("convkit-filter-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out(string name) => Path.Combine(_dir, name);

    private static string In(string name) => Path.Combine(Inputs, name);

    [Fact]
    public void ListExitsWithZeroAndNamesEveryFilter()
    {
        Assert.Equal(0, CliApp.Run(["filter", "--list"]));
        var text = FilterCommand.ListText();
        Assert.All(KernelCatalog.Entries, e => Assert.Contains(e.Name, text));
        Assert.Contains("reflect-101", text);
    }

    [Fact]
    public void SobelWithReflect101WritesAColourPngOfTheSameSize()
    {
        Assert.Equal(0, CliApp.Run(["filter", "--kernel", "sobel-x", "--border", "reflect-101", In("photo-colour.png"), Out("sx.png")]));
        var result = ImageFile.LoadBytes(Out("sx.png"));
        Assert.Equal((3, 24, 32), (result.Channels, result.Height, result.Width));
    }

    [Fact]
    public void EightBitOutputEqualsTheLibraryResultSaturated()
    {
        Assert.Equal(0, CliApp.Run(["filter", "--kernel", "gaussian", "--size", "5", "--sigma", "1.2", In("photo-grey.png"), Out("g.png")]));
        var written = ImageFile.LoadBytes(Out("g.png"));
        var expected = ByteImage.FromPlanes(Filter2D.Apply(ImageFile.Load(In("photo-grey.png")), NamedKernels.Gaussian(5, 1.2)));
        Assert.Equal(1, written.Channels);
        Assert.Equal(expected.Data, written.Data);
    }

    [Fact]
    public void FloatWritesUnclippedNpyKeepingGreyAsTwoDimensions()
    {
        Assert.Equal(0, CliApp.Run(["filter", "--kernel", "laplacian-8", "--float", In("photo-grey.png"), Out("l.npy")]));
        var grey = NpyFile.Read(Out("l.npy"));
        Assert.Equal([24, 32], grey.Shape);
        Assert.Contains(grey.Data, v => v < 0);
        var expected = Filter2D.Apply(ImageFile.Load(In("photo-grey.png")), NamedKernels.Laplacian8());
        Assert.Equal(expected.Data, grey.Data);

        Assert.Equal(0, CliApp.Run(["filter", "-k", "sobel-y", "--float", "--border", "wrap", In("photo-colour.png"), Out("c.npy")]));
        Assert.Equal([24, 32, 3], NpyFile.Read(Out("c.npy")).Shape);
    }

    [Fact]
    public void ModesStrideAndConvolutionChangeTheOutput()
    {
        Assert.Equal(0, CliApp.Run(["filter", "-k", "emboss", "--output-size", "valid", "--stride", "2", "--operation", "convolution", "--float", In("photo-grey.png"), Out("v.npy")]));
        Assert.Equal([11, 15], NpyFile.Read(Out("v.npy")).Shape); // (24 − 3) / 2 + 1, (32 − 3) / 2 + 1
        Assert.Equal(0, CliApp.Run(["filter", "-k", "mean", "--size", "3", "--output-size", "full", "--border", "constant", "--border-value", "0.5", In("photo-grey.png"), Out("f.png")]));
        Assert.Equal((26, 34), (ImageFile.LoadBytes(Out("f.png")).Height, ImageFile.LoadBytes(Out("f.png")).Width));
    }

    [Fact]
    public void NormalizeAndAbsConversionsWrite()
    {
        Assert.Equal(0, CliApp.Run(["filter", "-k", "sobel-magnitude", "--to-byte", "normalize", In("photo-grey.png"), Out("m.png")]));
        Assert.Equal(255, ImageFile.LoadBytes(Out("m.png")).Data.Max());
        Assert.Equal(0, CliApp.Run(["filter", "-k", "sobel-x", "--to-byte", "abs", In("photo-grey.png"), Out("a.jpg")]));
        Assert.True(File.Exists(Out("a.jpg")));
    }

    [Fact]
    public void ByteRangeReproducesOpenCvEightBitFiltering()
    {
        // OpenCV's 8-bit Sobel (fixtures u8/sobel-x-3/reflect101) is rounded from 0..255 arithmetic; --range byte does the same.
        Assert.Equal(0, CliApp.Run(["filter", "-k", "sobel-x", "--range", "byte", In("random-colour.png"), Out("b.png")]));
        var bytes = ImageFile.LoadBytes(In("random-colour.png"));
        var expected = new byte[bytes.Data.Length];
        ByteConversion.Saturate(Filter2D.Apply(bytes.ToPlanes(1), NamedKernels.SobelX()).Data, expected);
        Assert.Equal(expected, ImageFile.LoadBytes(Out("b.png")).Data);
    }

    [Fact]
    public void MatchPrintsTheClosestKernelForEachLearnedFilter()
    {
        // Two 1-channel 3 x 3 filters: −Sobel y and a 3 x 3 box.
        var weights = NamedKernels.SobelY().ToArray().Select(w => -w).Concat(Enumerable.Repeat(0.2f, 9)).ToArray();
        NpyFile.Write(Out("w.npy"), weights, [2, 1, 3, 3]);
        Assert.Equal(0, CliApp.Run(["filter", "--match", Out("w.npy")]));
        var text = FilterCommand.MatchText(Out("w.npy"), perChannel: false);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("sobel-y", lines[2]);
        Assert.Contains("-1.000", lines[2]);
        Assert.Contains("(negated)", lines[2]);
        Assert.Contains("mean 3x3", lines[3]);
        Assert.Contains(" 1.000", lines[3]);
        NpyFile.Write(Out("bad.npy"), new float[9], [9]);
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "--match", Out("bad.npy")]));
    }

    [Fact]
    public void GridWritesOnePictureWithTheOriginalAndEachFilter()
    {
        Assert.Equal(0, CliApp.Run(["filter", "--grid", "--kernel", "gaussian:5:1.2,sobel-x,sobel-magnitude:5", "--columns", "2", In("photo-colour.png"), Out("grid.png")]));
        var picture = ImageFile.LoadBytes(Out("grid.png"));
        Assert.Equal(3, picture.Channels);
        Assert.True(picture.Width > 2 * 32 && picture.Height > 2 * 24, $"{picture.Width}x{picture.Height}");
        Assert.Equal(0, CliApp.Run(["filter", "--grid", In("photo-grey.png"), Out("default-grid.png")]));
        Assert.True(File.Exists(Out("default-grid.png")));
    }

    [Fact]
    public void GridListsAreParsedWithSizesAndSigmas()
    {
        var filters = FilterCommand.ParseGridList("gaussian:5:1.2, sobel-x:7 ,sharpen");
        Assert.Equal(["gaussian 5x5 sigma=1.2", "sobel-x 7x7", "sharpen"], filters.Select(f => f.Caption));
        Assert.Throws<UserErrorException>(() => FilterCommand.ParseGridList("gaussian:five"));
        Assert.Throws<UserErrorException>(() => FilterCommand.ParseGridList("gaussian:5:1:2"));
        Assert.Throws<ConvKitException>(() => FilterCommand.ParseGridList("gaussian:4"));
    }

    [Fact]
    public void GridDisplayKeepsBlursAndCentresSignedResponsesOnGrey()
    {
        var image = new ConvKit.Filters.ImagePlanes([0.2f, 0.4f, -1f, 1f], 1, 2, 2);
        Assert.Equal(image.Data, FilterCommand.ForDisplay(image, KernelCatalog.Create("mean")));
        var signed = FilterCommand.ForDisplay(image, KernelCatalog.Create("sobel-x"));
        Assert.Equal([0.6f, 0.7f, 0f, 1f], signed);
        var magnitude = FilterCommand.ForDisplay(new ConvKit.Filters.ImagePlanes([0f, 1f, 2f, 4f], 1, 2, 2), KernelCatalog.Create("sobel-magnitude"));
        Assert.Equal([0f, 0.25f, 0.5f, 1f], magnitude);
    }

    [Theory]
    [InlineData("--kernel", "gaussian:4")]
    [InlineData("--kernel", "sobel-x:five")]
    [InlineData("--kernel", "nonsense")]
    [InlineData("--size", "5")]
    [InlineData("--columns", "0")]
    public void BadGridOptionsExitWithTheUserErrorCode(string option, string value)
    {
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "--grid", option, value, In("photo-grey.png"), Out("g.png")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "--grid", In("photo-grey.png"), Out("g.jpg")]));
    }

    [Theory]
    [InlineData("--kernel", "gaussian", "--size", "4")]
    [InlineData("--kernel", "mean", "--size", "2")]
    [InlineData("--kernel", "gaussian", "--sigma", "0")]
    [InlineData("--kernel", "gaussian", "--sigma", "-1.5")]
    [InlineData("--kernel", "log", "--sigma", "0")]
    [InlineData("--kernel", "no-such-kernel", "--size", "3")]
    [InlineData("--kernel", "sobel-x", "--size", "9")]
    [InlineData("--kernel", "sobel-x", "--border", "mirror")]
    [InlineData("--kernel", "sobel-x", "--output-size", "half")]
    [InlineData("--kernel", "sobel-x", "--stride", "0")]
    [InlineData("--kernel", "sobel-x", "--to-byte", "clip")]
    public void BadOptionsExitWithTheUserErrorCode(string o1, string v1, string o2, string v2)
    {
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", o1, v1, o2, v2, In("photo-grey.png"), Out("x.png")]));
        Assert.False(File.Exists(Out("x.png")));
    }

    [Fact]
    public void BadFilesExitWithTheUserErrorCode()
    {
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "-k", "sobel-x", Out("missing.png"), Out("x.png")]));
        File.WriteAllText(Out("notes.png"), "not an image at all");
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "-k", "sobel-x", Out("notes.png"), Out("x.png")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "-k", "sobel-x", In("photo-grey.png"), Out("x.gif")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "-k", "sobel-x", "--float", In("photo-grey.png"), Out("x.png")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "-k", "sobel-x", In("photo-grey.png"), Out("x.npy")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "-k", "sobel-x", In("photo-grey.png")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", In("photo-grey.png"), Out("x.png")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["filter", "-k", "sobel-x", In("photo-grey.png"), Path.Combine(_dir, "no-dir", "x.png")]));
    }
}
