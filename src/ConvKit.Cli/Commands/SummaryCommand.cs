using System.CommandLine;
using ConvKit.Models;
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
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts.") { model, modelFile, channelsLast, list };
        command.SetAction(r =>
        {
            if (r.GetValue(list))
            {
                foreach (var builtIn in ModelZoo.Names.Order(StringComparer.Ordinal))
                {
                    Console.Out.WriteLine($"{builtIn,-18} {ModelZoo.Describe(builtIn)}");
                }
                return 0;
            }
            var name = r.GetValue(model);
            var file = r.GetValue(modelFile);
            if ((name is null) == (file is null))
            {
                throw new UserErrorException("Give either --model NAME or --model-file PATH (see --list for the built-in models).");
            }
            var m = file is not null ? ModelSource.Load(file) : ModelZoo.Create(name!);
            Console.Out.Write(m.Summary(r.GetValue(channelsLast) ? ShapeOrder.ChannelsLast : ShapeOrder.ChannelsFirst));
            return 0;
        });
        return command;
    }
}
