using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ConvKit.Backends;
using ConvKit.Cli.Explain;
using ConvKit.Explain;

namespace ConvKit.Cli.Commands;

/// <summary>
/// <c>convkit explain report</c>: one self-contained HTML page with everything the other explain commands draw,
/// for a few test images. What a learner opens first.
/// </summary>
internal static class ExplainReportCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ForImages(defaultSamples: 8);
        var featureSamples = new Option<int>("--feature-samples") { Description = "For how many of the images to draw every layer's feature maps.", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "Gradient-ascent steps of the class visualisations.", DefaultValueFactory = _ => 200 };
        var command = new Command("report", "Write one self-contained HTML page: summary, filters, feature maps, saliency, Grad-CAM, occlusion and class visualisations.") { featureSamples, steps };
        options.AddTo(command);
        command.SetAction(r =>
        {
            var clock = Stopwatch.StartNew();
            var inputs = options.Read(r);
            var html = Build(inputs, options.ReadClasses(r, inputs), options.ReadColorMap(r), Math.Min(r.GetValue(featureSamples), inputs.Count), r.GetValue(steps), r.GetValue(options.ModelFile)!);
            var path = inputs.OutputPath("report.html");
            IO.AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(html)));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {path} ({html.Length / 1024.0:0} KiB, self-contained; {clock.Elapsed.TotalSeconds:0.0} s). Open it in a browser."));
            return 0;
        });
        return command;
    }

    internal static string Build(ExplainInputs inputs, int[]? classes, Plotting.ColorMap colorMap, int featureSamples, int steps, string modelFile)
    {
        var model = inputs.Model;
        var report = new HtmlReport($"What the network learned: {Path.GetFileName(modelFile)}");
        var (predicted, probs) = ExplainCommand.Predict(inputs);
        var captions = Enumerable.Range(0, inputs.Count).Select(i => inputs.PredictionCaption(i, predicted[i], probs[i])).ToArray();
        var correct = Enumerable.Range(0, inputs.Count).Count(i => inputs.Labels[i] == predicted[i]);
        var known = inputs.Labels.Count(l => l is not null);

        report.Section("The model", $"Model <code>{HtmlReport.Encode(model.Name)}</code> from <code>{HtmlReport.Encode(modelFile)}</code>. " +
            (known > 0 ? $"It classifies {correct} of the {known} images below correctly. " : string.Empty) +
            "Each layer's output shape is (channels, height, width) for feature maps, or a vector.");
        report.Preformatted(model.Summary());
        report.Picture(ExplainPictures.Images(ImageBatch.FromTensor(inputs.Images), Enumerable.Range(0, inputs.Count).Select(i => inputs.TileCaption(i, predicted[i])).ToArray(), 8, "The images explained below"), "The images explained in this report, with the true and predicted classes.");

        var convs = model.Layers.OfType<Layers.Convolution.Conv2D>().ToArray();
        if (convs.Length > 0)
        {
            report.Section("Filters", "The weights of each convolution layer, on one colour scale per layer that is symmetric around 0. " +
                "The first layer looks at the image directly, so its filters are drawn as small images (white: positive weight, black: negative): " +
                "they are the strokes and edges the network looks for. Deeper filters combine the previous layer's maps, one tile per (filter, input channel): blue negative, red positive.");
            foreach (var conv in convs)
            {
                report.Picture(ExplainPictures.Filters(ConvolutionFilters.Get(model, conv.Name), maxFilters: 8), $"Filters of {conv.Name} (convkit explain filters draws them all).");
            }
        }

        var spatial = FeatureMaps.SpatialLayers(model).ToArray();
        if (spatial.Length > 0 && featureSamples > 0)
        {
            report.Section("Feature maps", "The activations of every layer with feature maps for the first images: one map per channel, each scaled to its own range " +
                "(yellow high, purple low). Early layers keep the shape of the digit; deeper ones are coarser and respond to parts.");
            var maps = FeatureMaps.Compute(model, inputs.Images, spatial);
            for (var i = 0; i < featureSamples; i++)
            {
                report.Subheading(captions[i]);
                for (var l = 0; l < spatial.Length; l++)
                {
                    report.Picture(ExplainPictures.FeatureMaps(maps[l], i, $"{spatial[l]}: {maps[l].Channels} maps of {maps[l].Height}x{maps[l].Width}"), $"{spatial[l]} for {captions[i]}.");
                }
            }
        }

        var classCount = model.OutputShapes[0].Rank == 1 ? model.OutputShapes[0][0] : 0;
        if (classCount > 0)
        {
            report.Section("Saliency", "The gradient of the class score z<sub>c</sub> (before softmax) with respect to each pixel, M = max<sub>channels</sub> |∂z<sub>c</sub>/∂x| " +
                "(Simonyan et al. 2013): the pixels whose change would change the score most. <i>Vanilla</i> is the true gradient; <i>guided</i> backpropagation " +
                "(Springenberg et al. 2015) only lets positive gradients back through active ReLUs, which gives sharper but less model-specific pictures; " +
                "<i>SmoothGrad</i> (Smilkov et al. 2017) averages the gradient over noisy copies of the image.");
            var vanilla = Saliency.Compute(model, inputs.Images, classes);
            var guided = Saliency.Compute(model, inputs.Images, classes, new SaliencyOptions { Modifier = BackpropMode.Guided });
            var smooth = Saliency.Compute(model, inputs.Images, classes, new SaliencyOptions { SmoothGradSamples = 32, NoiseLevel = 0.15f });
            var rowCaptions = Enumerable.Range(0, inputs.Count).Select(i => inputs.ClassCaption(i, vanilla.Classes[i])).ToArray();
            report.Picture(ExplainPictures.HeatmapRows(inputs, [vanilla.Maps, guided.Maps, smooth.Maps], ["vanilla", "guided", "SmoothGrad"], rowCaptions,
                "Saliency: vanilla, guided backpropagation and SmoothGrad", colorMap, overlay: false), "Saliency maps (red: large gradient).");

            report.Section("Grad-CAM", "Grad-CAM (Selvaraju et al. 2017) weighs each feature map A<sup>k</sup> of a convolution layer by the mean gradient of the class score over it, " +
                "α<sub>k</sub> = mean<sub>y,x</sub> ∂z<sub>c</sub>/∂A<sup>k</sup>, and keeps the positive part of Σ<sub>k</sub> α<sub>k</sub> A<sup>k</sup>: where the layer found evidence for the class. " +
                "Guided Grad-CAM multiplies it with guided backpropagation for detail.");
            var cam = GradCam.Guided(model, inputs.Images, classes);
            report.Picture(ExplainGradCamCommand.Draw(inputs, cam, colorMap), $"Grad-CAM on {cam.GradCam.LayerName} (the last convolution layer).");

            report.Section("Occlusion", "A grey 6×6 square slides over the image in steps of 2 pixels; the map shows how much the probability of the class drops when each area is hidden " +
                "(Zeiler and Fergus 2014). It needs no gradients, only many forward passes.");
            var occlusion = Occlusion.Compute(model, inputs.Images, classes, new OcclusionOptions { Size = 6, Stride = 2 });
            report.Picture(ExplainOcclusionCommand.Draw(inputs, occlusion, colorMap), "Occlusion sensitivity (red: hiding this area lowers the probability most).");

            report.Section("Class visualisations", "For each class, the input that maximises its score z<sub>c</sub> (the logit: softmax is swapped for linear so the score cannot rise just by lowering the others), " +
                $"found by {steps} steps of gradient ascent on the image from grey noise, with an L2 penalty 20·mean(x²) that keeps the background dark, a total-variation penalty that keeps it smooth, and a jitter of 2 pixels. " +
                "This is what the network thinks each class looks like; it is usually not a natural image.");
            var targets = Enumerable.Range(0, classCount).Select(ExplainTarget.Class).ToArray();
            var max = ActivationMaximization.Run(model, targets, MaximizeSettingOptions.ClassDefaults(steps));
            var visual = max.Images.ToTensor();
            var p = model.Predict(visual);
            var recognised = Enumerable.Range(0, classCount).Count(c => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p.AsSpan().Slice(c * classCount, classCount)) == c);
            report.Picture(ExplainPictures.Images(max.Images, ExplainMaximizeCommand.Captions(inputs, max), 10, ExplainMaximizeCommand.Title(max)),
                $"Class visualisations; the model classifies {recognised} of {classCount} as the class they were made for.");
            report.LineChart(max.Objective, targets.Select(t => inputs.ClassName(t.Index)).ToArray(), "The class score z_c at every step of the ascent, one line per class.", "z_c");
        }

        if (convs.Length > 0)
        {
            var layer = convs[^1].Name;
            var count = Math.Min(4, inputs.Count);
            report.Section("Deep Dream", $"Deep Dream (Mordvintsev et al. 2015) starts from an image and amplifies whatever layer <code>{HtmlReport.Encode(layer)}</code> sees in it, " +
                "by gradient ascent on the L2 norm of its activations over three octaves (coarse to fine).");
            var subset = new ExplainInputs(model, inputs.Images.Slice(0, count), inputs.Captions[..count], inputs.Labels[..count], inputs.ClassNames, inputs.OutputFolder);
            var dream = DeepDream.Run(model, subset.Images, layer, new DreamOptions { Steps = 20, LearningRate = 0.02f });
            report.Picture(ExplainDreamCommand.Draw(subset, dream), $"Originals and their dreams on {layer}.");
        }
        return report.ToHtml();
    }
}
