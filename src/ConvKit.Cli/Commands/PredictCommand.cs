using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ConvKit.Data;
using ConvKit.Filters;
using ConvKit.Imaging;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit predict</c>: class probabilities for test samples (by index) or for an image file.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var modelFile = new Option<string>("--model-file") { Description = "A model saved by convkit train --out.", Required = true };
        var index = new Option<string?>("--index") { Description = "Comma-separated test-set indices, e.g. 0,7,42." };
        var image = new Option<string?>("--image") { Description = "A PNG or JPEG image of the model's input size (or use --resize)." };
        var resize = new Option<bool>("--resize") { Description = "Convert the image to the model's channels and size (bilinear)." };
        var invert = new Option<bool>("--invert") { Description = "Invert the image (dark digit on light paper -> MNIST's light on dark)." };
        var dataset = CommonOptions.Dataset();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var noDownload = CommonOptions.NoDownload();
        var command = new Command("predict", "Print class probabilities for test samples or an image.") { modelFile, index, image, resize, invert, dataset, data, json, noDownload };
        command.SetAction(r =>
        {
            var model = ModelSource.Load(r.GetValue(modelFile)!);
            var inputShape = model.InputShapes[0];
            var indexText = r.GetValue(index);
            var imagePath = r.GetValue(image);
            if ((indexText is null) == (imagePath is null))
            {
                throw new UserErrorException("Give either --index I[,J,...] (test samples) or --image FILE.");
            }
            var results = new JsonArray();
            IReadOnlyList<string>? classNames = null;
            if (imagePath is not null)
            {
                var x = LoadImage(imagePath, inputShape, r.GetValue(resize), r.GetValue(invert));
                var p = model.Predict(x).ToArray();
                results.Add(Report(imagePath, null, p, null));
            }
            else
            {
                var ds = Dataset.Load(r.GetValue(dataset)!, r.GetValue(data), !r.GetValue(noDownload));
                classNames = ds.ClassNames;
                var test = ds.Test;
                foreach (var part in indexText!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < 0 || i >= test.Count)
                    {
                        throw new UserErrorException($"Test index '{part}' is not a number in [0, {test.Count - 1}].");
                    }
                    var sample = Tensor.FromArray(new Shape(1, test.Channels, test.Height, test.Width), test.Image(i));
                    if (sample.Shape.DropFirst() != inputShape)
                    {
                        throw new UserErrorException($"The model takes inputs of shape {inputShape}, but {ds.Name} images are {sample.Shape.DropFirst()}.");
                    }
                    results.Add(Report($"test #{i}", test.Labels[i], model.Predict(sample).ToArray(), classNames));
                }
            }
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(new JsonObject { ["predictions"] = results }.ToJsonString());
                return 0;
            }
            foreach (var node in results)
            {
                var o = node!.AsObject();
                var truth = o["true"] is { } t ? $", true {t}" : string.Empty;
                Console.Out.WriteLine($"{o["source"]}: predicted {o["predicted"]}{truth}");
                var probs = o["probabilities"]!.AsArray();
                for (var c = 0; c < probs.Count; c++)
                {
                    var label = classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture);
                    var v = probs[c]!.GetValue<double>();
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-12} {v,8:0.0000} {new string('█', (int)Math.Round(v * 30))}"));
                }
            }
            return 0;
        });
        return command;
    }

    private static JsonObject Report(string source, int? truth, float[] probabilities, IReadOnlyList<string>? names)
    {
        var best = Array.IndexOf(probabilities, probabilities.Max());
        string Name(int c) => names?[c] ?? c.ToString(CultureInfo.InvariantCulture);
        var o = new JsonObject
        {
            ["source"] = source,
            ["predicted"] = Name(best),
            ["predicted_index"] = best,
            ["probabilities"] = new JsonArray(probabilities.Select(v => (JsonNode)(double)v).ToArray()),
        };
        if (truth is { } t)
        {
            o["true"] = Name(t);
            o["true_index"] = t;
        }
        return o;
    }

    /// <summary>Reads an image and checks (or, with <paramref name="resize"/>, converts) it to the model's input shape.</summary>
    internal static Tensor LoadImage(string path, Shape inputShape, bool resize, bool invert)
    {
        if (!File.Exists(path))
        {
            throw new UserErrorException($"Image file '{path}' does not exist.");
        }
        var planes = ImageFile.Load(path);
        var (c, h, w) = (inputShape[0], inputShape[1], inputShape[2]);
        if (planes.Channels != c || planes.Height != h || planes.Width != w)
        {
            if (!resize)
            {
                throw new UserErrorException($"Image '{path}' is {planes.Channels}x{planes.Height}x{planes.Width} (channels x height x width) but the model takes {c}x{h}x{w}; pass --resize to convert it.");
            }
            planes = ImageResize.To(planes, c, h, w);
        }
        var data = planes.Data;
        if (invert)
        {
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = 1f - data[i];
            }
        }
        return Tensor.FromArray(inputShape.WithBatch(1), data);
    }
}
