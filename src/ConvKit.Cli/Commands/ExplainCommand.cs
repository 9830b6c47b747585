using System.CommandLine;
using ConvKit.Cli.Explain;

namespace ConvKit.Cli.Commands;

/// <summary>
/// <c>convkit explain</c>: what a trained network learned and why it answers as it does: filters, feature maps,
/// activation maximisation, Deep Dream, occlusion, saliency, Grad-CAM, and a one-page HTML report.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var command = new Command("explain", "See inside a trained network: pictures of what it learned and of why it answers as it does.");
        command.Subcommands.Add(ExplainFiltersCommand.Create());
        command.Subcommands.Add(ExplainFeaturesCommand.Create());
        command.Subcommands.Add(ExplainMaximizeCommand.Create());
        command.Subcommands.Add(ExplainDreamCommand.Create());
        command.Subcommands.Add(ExplainOcclusionCommand.Create());
        command.Subcommands.Add(ExplainSaliencyCommand.Create());
        command.Subcommands.Add(ExplainGradCamCommand.Create());
        command.Subcommands.Add(ExplainReportCommand.Create());
        return command;
    }

    /// <summary>Each image's predicted class and its probability.</summary>
    internal static (int[] Classes, float[] Probabilities) Predict(ExplainInputs inputs)
    {
        var p = inputs.Model.Predict(inputs.Images);
        var k = p.Shape[1];
        var values = p.AsSpan();
        var classes = new int[inputs.Count];
        var probs = new float[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var row = values.Slice(i * k, k);
            classes[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
            probs[i] = row[classes[i]];
        }
        return (classes, probs);
    }

    /// <summary>Captions "test #7: true 2, pred 2 (0.98)" for every image.</summary>
    internal static string[] PredictionCaptions(ExplainInputs inputs)
    {
        var (classes, probs) = Predict(inputs);
        return Enumerable.Range(0, inputs.Count).Select(i => inputs.PredictionCaption(i, classes[i], probs[i])).ToArray();
    }

    /// <summary>Writes one picture and says so.</summary>
    internal static string Save(ExplainInputs inputs, string fileName, byte[] png, string what)
    {
        var path = inputs.OutputPath(fileName);
        ExplainPictures.Write(path, png);
        Console.Out.WriteLine($"Wrote {path} ({what})");
        return path;
    }
}
