using System.Globalization;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Cli.Explain;

/// <summary>
/// What an explain command works on: the model, the images (test samples or a file) with their captions and
/// true labels, the class names, and the output folder. Commands that need only the model (filters, maximize)
/// get no images.
/// </summary>
internal sealed class ExplainInputs
{
    private readonly Tensor? _images;

    public ExplainInputs(Model model, Tensor? images, string[] captions, int?[] labels, IReadOnlyList<string> classNames, string outputFolder)
    {
        Model = model;
        _images = images;
        Captions = captions;
        Labels = labels;
        ClassNames = classNames;
        OutputFolder = outputFolder;
    }

    public Model Model { get; }

    /// <summary>The images, (N, C, H, W) in [0, 1].</summary>
    public Tensor Images => _images ?? throw new InvalidOperationException("This command was given no images.");

    /// <summary>Where each image came from, e.g. "test #7".</summary>
    public string[] Captions { get; }

    /// <summary>The true class of each image, when known.</summary>
    public int?[] Labels { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public string OutputFolder { get; }

    public int Count => _images?.Shape[0] ?? 0;

    public int Channels => Images.Shape[1];

    public int Height => Images.Shape[2];

    public int Width => Images.Shape[3];

    /// <summary>Image <paramref name="i"/> as (C, H, W) floats.</summary>
    public float[] Image(int i)
    {
        var size = Channels * Height * Width;
        return Images.AsSpan().Slice(i * size, size).ToArray();
    }

    /// <summary>A class's name, or its index when the names are not known.</summary>
    public string ClassName(int c) => c < ClassNames.Count ? ClassNames[c] : c.ToString(CultureInfo.InvariantCulture);

    /// <summary>The path of <paramref name="fileName"/> in the output folder (created on first use).</summary>
    public string OutputPath(string fileName)
    {
        Directory.CreateDirectory(OutputFolder);
        return Path.Combine(OutputFolder, fileName);
    }

    /// <summary>A caption with the prediction: "test #7: true 2, pred 2 (0.98)".</summary>
    public string PredictionCaption(int i, int predicted, float probability)
    {
        var truth = Labels[i] is { } t ? $"true {ClassName(t)}, " : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{Captions[i]}: {truth}pred {ClassName(predicted)} ({probability:0.00})");
    }

    /// <summary>A tile caption naming the class an explanation is for: "test #7: class 2".</summary>
    public string ClassCaption(int i, int explained) => $"{Captions[i]}: class {ClassName(explained)}";

    /// <summary>A caption short enough for a tile: "#7 true 2 pred 2", or "digit.png pred 2" for a file.</summary>
    public string TileCaption(int i, int predicted)
    {
        var source = Captions[i].StartsWith("test ", StringComparison.Ordinal) ? Captions[i][5..] : Captions[i];
        var truth = Labels[i] is { } t ? $" true {ClassName(t)}" : string.Empty;
        return $"{source}{truth} pred {ClassName(predicted)}";
    }
}
