using System.CommandLine;
using ConvKit.Backends;
using ConvKit.Cli.Explain;
using ConvKit.Explain;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit explain saliency</c>: the gradient of the class score with respect to the input.</summary>
internal static class ExplainSaliencyCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ForImages();
        var modifier = new Option<string>("--modifier") { Description = "How gradients cross ReLUs: vanilla, guided or rectified (deconvnet).", DefaultValueFactory = _ => "vanilla" };
        var smooth = new Option<int>("--smooth-samples") { Description = "SmoothGrad: average over this many noisy copies (0: off).", DefaultValueFactory = _ => 0 };
        var noise = new Option<float>("--noise") { Description = "SmoothGrad noise level, as a fraction of each image's value range.", DefaultValueFactory = _ => 0.15f };
        var seed = new Option<int>("--seed") { Description = "Seed of the SmoothGrad noise.", DefaultValueFactory = _ => 0 };
        var command = new Command("saliency", "Draw saliency maps: |d(class score)/d(pixel)|, vanilla, guided or rectified, optionally with SmoothGrad.") { modifier, smooth, noise, seed };
        options.AddTo(command);
        command.SetAction(r =>
        {
            var inputs = options.Read(r);
            var mode = ParseModifier(r.GetValue(modifier)!);
            var samples = r.GetValue(smooth);
            var result = Saliency.Compute(inputs.Model, inputs.Images, options.ReadClasses(r, inputs),
                new SaliencyOptions { Modifier = mode, SmoothGradSamples = samples, NoiseLevel = r.GetValue(noise), Seed = r.GetValue(seed) });
            var name = mode.ToString().ToLowerInvariant() + (samples > 0 ? "-smoothgrad" : string.Empty);
            var png = Draw(inputs, result, name, options.ReadColorMap(r));
            ExplainCommand.Save(inputs, $"saliency-{name}.png", png, $"{name} saliency per image");
            return 0;
        });
        return command;
    }

    internal static BackpropMode ParseModifier(string text) => text.Trim().ToLowerInvariant() switch
    {
        "vanilla" => BackpropMode.Vanilla,
        "guided" => BackpropMode.Guided,
        "rectified" or "deconvnet" => BackpropMode.Rectified,
        _ => throw new UserErrorException($"--modifier must be vanilla, guided or rectified, got '{text}'."),
    };

    internal static byte[] Draw(ExplainInputs inputs, SaliencyResult result, string name, Plotting.ColorMap colorMap, int pictureWidth = 0)
    {
        var captions = Enumerable.Range(0, inputs.Count).Select(i => inputs.ClassCaption(i, result.Classes[i])).ToArray();
        return ExplainPictures.HeatmapRows(inputs, [result.Maps], [name], captions, $"Saliency |dz/dx|, {name}", colorMap, pictureWidth: pictureWidth);
    }
}
