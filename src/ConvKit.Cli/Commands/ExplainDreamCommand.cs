using System.CommandLine;
using System.Globalization;
using ConvKit.Cli.Explain;
using ConvKit.Explain;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit explain dream</c>: Deep Dream on test images or an image file.</summary>
internal static class ExplainDreamCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ForImages();
        var layer = new Option<string?>("--layer") { Description = "The layer whose activations are amplified (default: the last convolution layer)." };
        var objective = new Option<string>("--objective") { Description = "norm (the L2 norm of the activations) or amplify (the notes' O' = sum |a|).", DefaultValueFactory = _ => "norm" };
        var steps = new Option<int>("--steps") { Description = "Gradient-ascent steps per octave.", DefaultValueFactory = _ => 20 };
        var octaves = new Option<int>("--octaves") { Description = "Number of scales, coarse to fine.", DefaultValueFactory = _ => 3 };
        var scale = new Option<float>("--octave-scale") { Description = "Size ratio between octaves.", DefaultValueFactory = _ => 1.4f };
        var lr = new Option<float>("--learning-rate") { Description = "Step size: the root mean square change of the image per step.", DefaultValueFactory = _ => 0.02f };
        var jitter = new Option<int>("--jitter") { Description = "Random shift of up to this many pixels before each step.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the jitter.", DefaultValueFactory = _ => 0 };
        var command = new Command("dream", "Deep Dream: amplify what a layer sees in an image, over several octaves.") { layer, objective, steps, octaves, scale, lr, jitter, seed };
        options.AddTo(command);
        command.SetAction(r =>
        {
            var inputs = options.Read(r);
            var name = r.GetValue(layer) ?? inputs.Model.Layers.OfType<Layers.Convolution.Conv2D>().LastOrDefault()?.Name
                ?? throw new UserErrorException("The model has no convolution layer; name a layer with --layer.");
            var dream = DeepDream.Run(inputs.Model, inputs.Images, name, new DreamOptions
            {
                Objective = r.GetValue(objective)!.Trim().ToLowerInvariant() switch
                {
                    "norm" => DreamObjective.Norm,
                    "amplify" => DreamObjective.Amplify,
                    var other => throw new UserErrorException($"--objective must be norm or amplify, got '{other}'."),
                },
                Steps = r.GetValue(steps),
                Octaves = r.GetValue(octaves),
                OctaveScale = r.GetValue(scale),
                LearningRate = r.GetValue(lr),
                Jitter = r.GetValue(jitter),
                Seed = r.GetValue(seed),
            });
            ExplainCommand.Save(inputs, $"dream-{ExplainNaming.Safe(name)}.png", Draw(inputs, dream), $"each image before and after dreaming on layer {name}");
            return 0;
        });
        return command;
    }

    /// <summary>Originals and dreams side by side, two images per row.</summary>
    internal static byte[] Draw(ExplainInputs inputs, DreamResult dream, int pictureWidth = 0)
    {
        var n = inputs.Count;
        var size = inputs.Channels * inputs.Height * inputs.Width;
        var values = new float[2 * n * size];
        var captions = new string[2 * n];
        for (var i = 0; i < n; i++)
        {
            inputs.Image(i).CopyTo(values, 2 * i * size);
            dream.Images.Image(i).CopyTo(values.AsSpan((2 * i + 1) * size, size));
            captions[2 * i] = inputs.Captions[i];
            captions[2 * i + 1] = string.Create(CultureInfo.InvariantCulture, $"‖a‖ {dream.InitialNorm[i]:0} → {dream.FinalNorm[i]:0}");
        }
        var batch = new ImageBatch(values, 2 * n, inputs.Channels, inputs.Height, inputs.Width);
        return ExplainPictures.Images(batch, captions, 4, $"Deep Dream on {dream.LayerName}", pictureWidth);
    }
}
