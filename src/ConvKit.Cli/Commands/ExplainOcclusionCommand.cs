using System.CommandLine;
using ConvKit.Cli.Explain;
using ConvKit.Explain;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit explain occlusion</c>: how much the class probability drops when a square hides each part of the image.</summary>
internal static class ExplainOcclusionCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ForImages();
        var size = new Option<int>("--size") { Description = "Side of the grey square in pixels.", DefaultValueFactory = _ => 6 };
        var stride = new Option<int>("--stride") { Description = "Step between square positions in pixels (at most --size).", DefaultValueFactory = _ => 2 };
        var fill = new Option<float>("--fill") { Description = "Value the square is filled with.", DefaultValueFactory = _ => 0.5f };
        var command = new Command("occlusion", "Map the drop in the class probability as a grey square slides over the image.") { size, stride, fill };
        options.AddTo(command);
        command.SetAction(r =>
        {
            var inputs = options.Read(r);
            var result = Occlusion.Compute(inputs.Model, inputs.Images, options.ReadClasses(r, inputs),
                new OcclusionOptions { Size = r.GetValue(size), Stride = r.GetValue(stride), Fill = r.GetValue(fill) });
            var png = Draw(inputs, result, options.ReadColorMap(r));
            ExplainCommand.Save(inputs, "occlusion.png", png, "occlusion sensitivity per image");
            return 0;
        });
        return command;
    }

    internal static byte[] Draw(ExplainInputs inputs, OcclusionResult result, Plotting.ColorMap colorMap, int pictureWidth = 0)
    {
        var captions = Enumerable.Range(0, inputs.Count).Select(i => inputs.ClassCaption(i, result.Classes[i])).ToArray();
        return ExplainPictures.HeatmapRows(inputs, [result.Maps], ["drop in p"], captions, "Occlusion: drop in p(class)", colorMap, pictureWidth: pictureWidth);
    }
}
