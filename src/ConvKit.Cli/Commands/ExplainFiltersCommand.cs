using System.CommandLine;
using ConvKit.Cli.Explain;
using ConvKit.Explain;
using ConvKit.Layers.Convolution;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit explain filters</c>: the weights of convolution layers as images.</summary>
internal static class ExplainFiltersCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ModelOnly();
        var layer = new Option<string?>("--layer") { Description = "A Conv2D layer (default: every convolution layer)." };
        var command = new Command("filters", "Draw the learned filters of convolution layers (the first layer as images, deeper ones per input channel).") { layer };
        options.AddTo(command);
        command.SetAction(r =>
        {
            var inputs = options.Read(r);
            var names = r.GetValue(layer) is { } one ? [one] : inputs.Model.Layers.OfType<Conv2D>().Select(l => l.Name).ToArray();
            if (names.Length == 0)
            {
                throw new UserErrorException($"Model '{inputs.Model.Name}' has no convolution layer, so it has no filters to draw.");
            }
            foreach (var name in names)
            {
                var bank = ConvolutionFilters.Get(inputs.Model, name);
                ExplainCommand.Save(inputs, $"filters-{ExplainNaming.Safe(name)}.png", ExplainPictures.Filters(bank), $"{bank.Filters} filters of layer {name}");
            }
            return 0;
        });
        return command;
    }
}
