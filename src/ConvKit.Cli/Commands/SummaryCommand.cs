using System.CommandLine;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Zoo;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit summary</c>: the Keras-style table of a built-in model or a saved one.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Built-in model: " + string.Join(", ", ModelZoo.Names) + "." };
        var modelFile = new Option<string?>("--model-file") { Description = "A saved model file." };
        var channelsLast = new Option<bool>("--channels-last") { Description = "Print image shapes as (None, height, width, channels), as Keras does." };
        var list = new Option<bool>("--list") { Description = "List the built-in models." };
        var inputShape = new Option<string?>("--input-shape") { Description = "Input of a built-in model as CxHxW, e.g. 1x28x28 (default: the size the model is described for)." };
        var classes = new Option<int?>("--classes") { Description = "Number of classes of a built-in model (default: 10 for the MNIST models, 1000 for the ImageNet ones)." };
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts.") { model, modelFile, channelsLast, list, inputShape, classes };
        command.SetAction(r =>
        {
            if (r.GetValue(list))
            {
                foreach (var builtIn in ModelZoo.Names.Order(StringComparer.Ordinal))
                {
                    Console.Out.WriteLine($"{builtIn,-16} {FormatShape(ModelZoo.DefaultInputShape(builtIn)),-10} {ModelZoo.Describe(builtIn)}");
                }
                return 0;
            }
            var name = r.GetValue(model);
            var file = r.GetValue(modelFile);
            if ((name is null) == (file is null))
            {
                throw new UserErrorException("Give either --model NAME or --model-file PATH (see --list for the built-in models).");
            }
            if (file is not null && (r.GetValue(inputShape) is not null || r.GetValue(classes) is not null))
            {
                throw new UserErrorException("--input-shape and --classes apply to built-in models only; a saved model keeps its own.");
            }
            var m = file is not null ? ModelSource.Load(file) : ModelZoo.Create(name!, ParseShape(r.GetValue(inputShape)), r.GetValue(classes));
            Console.Out.Write(m.Summary(r.GetValue(channelsLast) ? ShapeOrder.ChannelsLast : ShapeOrder.ChannelsFirst));
            return 0;
        });
        return command;
    }

    private static string FormatShape(Shape s) => string.Join("x", s.ToArray());

    private static Shape? ParseShape(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var parts = text.Split('x', ',');
        var dims = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
            {
                throw new UserErrorException($"--input-shape must be channels x height x width with positive whole numbers, e.g. 3x224x224; got '{text}'.");
            }
        }
        if (dims.Length != 3)
        {
            throw new UserErrorException($"--input-shape must have three dimensions (channels x height x width), got '{text}'.");
        }
        return new Shape(dims);
    }
}
