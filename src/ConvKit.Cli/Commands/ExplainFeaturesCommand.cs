using System.CommandLine;
using ConvKit.Cli.Explain;
using ConvKit.Explain;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit explain features</c>: the activations of layers for given images, one map per channel.</summary>
internal static class ExplainFeaturesCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ForImages(defaultSamples: 2);
        var layer = new Option<string?>("--layer") { Description = "The layer to show (default: every layer with feature maps)." };
        var command = new Command("features", "Draw the feature maps (activations) of layers for test images or an image file.") { layer };
        options.AddTo(command);
        command.SetAction(r =>
        {
            var inputs = options.Read(r);
            var names = r.GetValue(layer) is { } one ? [one] : FeatureMaps.SpatialLayers(inputs.Model).ToArray();
            var captions = ExplainCommand.PredictionCaptions(inputs);
            var maps = FeatureMaps.Compute(inputs.Model, inputs.Images, names);
            for (var l = 0; l < names.Length; l++)
            {
                for (var i = 0; i < inputs.Count; i++)
                {
                    var png = ExplainPictures.FeatureMaps(maps[l], i, $"{names[l]} ({maps[l].Channels} channels) for {captions[i]}");
                    ExplainCommand.Save(inputs, $"features-{ExplainNaming.Safe(names[l])}-{i}.png", png, $"{names[l]}, {inputs.Captions[i]}");
                }
            }
            return 0;
        });
        return command;
    }
}
