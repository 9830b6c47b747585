using System.CommandLine;
using System.Globalization;
using ConvKit.Cli.Commands;
using ConvKit.Data;
using ConvKit.Plotting;
using ConvKit.Tensors;

namespace ConvKit.Cli.Explain;

/// <summary>The options every <c>convkit explain</c> command shares, and how they turn into <see cref="ExplainInputs"/>.</summary>
internal sealed class ExplainOptions
{
    private readonly bool _withImages;

    private ExplainOptions(bool withImages, int defaultSamples)
    {
        _withImages = withImages;
        Samples = new Option<int>("--samples") { Description = "How many test images to explain (the first N of the test set) when no --index is given.", DefaultValueFactory = _ => defaultSamples };
    }

    public Option<string> ModelFile { get; } = new("--model-file") { Description = "A model saved by convkit train --out.", Required = true };

    public Option<string> Out { get; } = new("--out") { Description = "Folder for the pictures (created if missing).", DefaultValueFactory = _ => "explain" };

    public Option<string> Dataset { get; } = CommonOptions.Dataset();

    public Option<string?> Data { get; } = CommonOptions.Data();

    public Option<bool> NoDownload { get; } = CommonOptions.NoDownload();

    public Option<int?> Threads { get; } = CommonOptions.Threads();

    public Option<string?> Index { get; } = new("--index") { Description = "Comma-separated test-set indices, e.g. 0,7,42." };

    public Option<int> Samples { get; }

    public Option<string?> Image { get; } = new("--image") { Description = "Explain this PNG or JPEG image instead of test images (it must have the model's input size, or use --resize)." };

    public Option<bool> Resize { get; } = new("--resize") { Description = "Convert --image to the model's channels and size (bilinear)." };

    public Option<bool> Invert { get; } = new("--invert") { Description = "Invert --image (dark digit on light paper -> MNIST's light on dark)." };

    public Option<string?> Class { get; } = new("--class") { Description = "The class to explain (index or name); default: each image's predicted class." };

    public Option<string> ColorMapName { get; } = new("--colormap") { Description = "Heat-map colours: jet or viridis.", DefaultValueFactory = _ => "jet" };

    /// <summary>Options for commands that explain images (features, dream, occlusion, saliency, gradcam).</summary>
    public static ExplainOptions ForImages(int defaultSamples = 4) => new(withImages: true, defaultSamples);

    /// <summary>Options for commands that only need the model (filters, maximize).</summary>
    public static ExplainOptions ModelOnly() => new(withImages: false, 0);

    public void AddTo(Command command)
    {
        command.Options.Add(ModelFile);
        command.Options.Add(Out);
        command.Options.Add(Threads);
        if (!_withImages)
        {
            return;
        }
        foreach (var o in new Option[] { Dataset, Data, NoDownload, Index, Samples, Image, Resize, Invert, Class, ColorMapName })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Loads the model (and, for image commands, the images) the options name.</summary>
    public ExplainInputs Read(ParseResult r)
    {
        CommonOptions.ApplyThreads(r.GetValue(Threads));
        var model = ModelSource.Load(r.GetValue(ModelFile)!);
        var output = r.GetValue(Out)!;
        if (model.InputShapes.Count != 1 || model.InputShapes[0].Rank != 3)
        {
            throw new UserErrorException($"convkit explain needs a model that takes images (channels, height, width); '{r.GetValue(ModelFile)}' takes {string.Join(", ", model.InputShapes)}.");
        }
        var shape = model.InputShapes[0];
        var classCount = model.OutputShapes[0].Rank == 1 ? model.OutputShapes[0][0] : 0;
        var defaultNames = Enumerable.Range(0, classCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (!_withImages)
        {
            return new ExplainInputs(model, null, [], [], defaultNames, output);
        }
        var imagePath = r.GetValue(Image);
        var indexText = r.GetValue(Index);
        if (imagePath is not null && indexText is not null)
        {
            throw new UserErrorException("Give either --image FILE or --index I[,J,...], not both.");
        }
        if (imagePath is not null)
        {
            var x = PredictCommand.LoadImage(imagePath, shape, r.GetValue(Resize), r.GetValue(Invert));
            return new ExplainInputs(model, x, [Path.GetFileName(imagePath)], [null], defaultNames, output);
        }
        var ds = LoadDataset(r);
        var test = ds.Test;
        if (test.Channels != shape[0] || test.Height != shape[1] || test.Width != shape[2])
        {
            throw new UserErrorException($"The model takes inputs of shape {shape}, but {ds.Name} images are ({test.Channels}, {test.Height}, {test.Width}).");
        }
        int[] indices;
        if (indexText is not null)
        {
            indices = ParseIndices(indexText, test.Count);
        }
        else
        {
            var samples = r.GetValue(Samples);
            if (samples < 1 || samples > test.Count)
            {
                throw new UserErrorException($"--samples must be between 1 and {test.Count}, got {samples}.");
            }
            indices = Enumerable.Range(0, samples).ToArray();
        }
        var selected = test.Select(indices);
        var images = Tensor.FromArray(shape.WithBatch(indices.Length), selected.Images);
        return new ExplainInputs(model, images, indices.Select(i => $"test #{i}").ToArray(), selected.Labels.Select(l => (int?)l).ToArray(), ds.ClassNames, output);
    }

    private Dataset LoadDataset(ParseResult r) => ConvKit.Data.Dataset.Load(r.GetValue(Dataset)!, r.GetValue(Data), !r.GetValue(NoDownload));

    /// <summary>The --class option as an index (a number or a class name), or null for the predicted classes.</summary>
    public int? ReadClass(ParseResult r, ExplainInputs inputs)
    {
        var text = r.GetValue(Class);
        if (text is null)
        {
            return null;
        }
        var k = inputs.Model.OutputShapes[0].Rank == 1 ? inputs.Model.OutputShapes[0][0] : 0;
        for (var c = 0; c < inputs.ClassNames.Count; c++)
        {
            if (string.Equals(inputs.ClassNames[c], text, StringComparison.OrdinalIgnoreCase))
            {
                return c;
            }
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < k)
        {
            return i;
        }
        throw new UserErrorException($"--class '{text}' is neither a class index in [0, {k - 1}] nor a class name ({string.Join(", ", inputs.ClassNames)}).");
    }

    /// <summary>The --class option for every image, or null.</summary>
    public int[]? ReadClasses(ParseResult r, ExplainInputs inputs) =>
        ReadClass(r, inputs) is { } c ? Enumerable.Repeat(c, inputs.Count).ToArray() : null;

    public ColorMap ReadColorMap(ParseResult r) => r.GetValue(ColorMapName)!.Trim().ToLowerInvariant() switch
    {
        "jet" => ColorMap.Jet,
        "viridis" => ColorMap.Viridis,
        var other => throw new UserErrorException($"--colormap must be jet or viridis, got '{other}'."),
    };

    internal static int[] ParseIndices(string text, int count)
    {
        var result = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < 0 || i >= count)
            {
                throw new UserErrorException($"Index '{part}' is not a number in [0, {count - 1}].");
            }
            result.Add(i);
        }
        if (result.Count == 0)
        {
            throw new UserErrorException("--index needs at least one index.");
        }
        return result.ToArray();
    }
}
