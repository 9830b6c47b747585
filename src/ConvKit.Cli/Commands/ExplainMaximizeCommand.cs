using System.CommandLine;
using System.Globalization;
using System.Text;
using ConvKit.Cli.Explain;
using ConvKit.Explain;
using ConvKit.Models;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit explain maximize</c>: activation maximisation of classes, filters or dense units.</summary>
internal static class ExplainMaximizeCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ModelOnly();
        var target = new Option<string>("--target") { Description = "What to maximise: class (the logit), filter (a convolution filter's mean response) or neuron (a dense unit).", DefaultValueFactory = _ => "class" };
        var layer = new Option<string?>("--layer") { Description = "The layer of a filter or neuron target." };
        var units = new Option<string?>("--units") { Description = "Comma-separated classes, filters or units (default: every class, or the first 16 filters or units)." };
        var settings = new MaximizeSettingOptions();
        var command = new Command("maximize", "Find the input that maximises a class score, a filter or a neuron by gradient ascent on the image.") { target, layer, units };
        settings.AddTo(command);
        options.AddTo(command);
        command.SetAction(r =>
        {
            var inputs = options.Read(r);
            var targets = ReadTargets(inputs.Model, r.GetValue(target)!, r.GetValue(layer), r.GetValue(units));
            var result = ActivationMaximization.Run(inputs.Model, targets, settings.Read(r, forClasses: targets[0].Kind == ExplainTargetKind.Class));
            var captions = Captions(inputs, result);
            var name = targets[0].Kind == ExplainTargetKind.Class ? "classes" : ExplainNaming.Safe(targets[0].LayerName!);
            var png = ExplainPictures.Images(result.Images, captions, targets.Length <= 10 ? 10 : 8, Title(result));
            ExplainCommand.Save(inputs, $"maximize-{name}.png", png, $"the input that maximises each of {targets.Length} targets");
            var csv = inputs.OutputPath($"maximize-{name}-objective.csv");
            File.WriteAllText(csv, TraceCsv(result));
            Console.Out.WriteLine($"Wrote {csv} (the objective at every step)");
            for (var t = 0; t < targets.Length; t++)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {targets[t]}: {result.InitialObjective[t]:0.###} -> {result.FinalObjective[t]:0.###}"));
            }
            return 0;
        });
        return command;
    }

    /// <summary>Targets from the options: classes by default, or filters or units of a layer.</summary>
    internal static ExplainTarget[] ReadTargets(Model model, string kind, string? layer, string? units)
    {
        kind = kind.Trim().ToLowerInvariant();
        if (kind == "class")
        {
            var k = model.OutputShapes[0].Rank == 1 ? model.OutputShapes[0][0] : throw new UserErrorException($"Model '{model.Name}' does not output class scores; use --target filter or neuron.");
            return Indices(units, k).Select(ExplainTarget.Class).ToArray();
        }
        if (kind is not ("filter" or "neuron"))
        {
            throw new UserErrorException($"--target must be class, filter or neuron, got '{kind}'.");
        }
        if (layer is null)
        {
            throw new UserErrorException($"--target {kind} needs --layer NAME. Layers: {string.Join(", ", model.Layers.Select(l => l.Name))}.");
        }
        var shape = model.GetLayer(layer).OutputShape;
        var count = shape.Rank >= 1 ? shape[0] : 1;
        var indices = Indices(units, Math.Min(count, 16), count);
        return kind == "filter" ? indices.Select(i => ExplainTarget.Filter(layer, i)).ToArray() : indices.Select(i => ExplainTarget.Neuron(layer, i)).ToArray();
    }

    private static int[] Indices(string? text, int defaultCount, int? limit = null) =>
        text is null ? Enumerable.Range(0, defaultCount).ToArray() : ExplainOptions.ParseIndices(text, limit ?? defaultCount);

    internal static string[] Captions(ExplainInputs inputs, MaximizationResult result) =>
        result.Targets.Select((t, i) => t.Kind == ExplainTargetKind.Class
            ? string.Create(CultureInfo.InvariantCulture, $"{inputs.ClassName(t.Index)} (z={result.FinalObjective[i]:0.#})")
            : string.Create(CultureInfo.InvariantCulture, $"#{t.Index} ({result.FinalObjective[i]:0.##})")).ToArray();

    internal static string Title(MaximizationResult result)
    {
        var t = result.Targets[0];
        return t.Kind switch
        {
            ExplainTargetKind.Class => "Class visualisations: the input that maximises each class score (logit)",
            ExplainTargetKind.Filter => $"Activation maximisation: the input that maximises each filter of {t.LayerName}",
            _ => $"Activation maximisation: the input that maximises each unit of {t.LayerName}",
        };
    }

    internal static string TraceCsv(MaximizationResult result)
    {
        var sb = new StringBuilder("step");
        foreach (var t in result.Targets)
        {
            sb.Append(",\"").Append(t).Append('"');
        }
        sb.Append('\n');
        for (var s = 0; s < result.Objective[0].Length; s++)
        {
            sb.Append(s.ToString(CultureInfo.InvariantCulture));
            foreach (var trace in result.Objective)
            {
                sb.Append(',').Append(trace[s].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
