using System.CommandLine;
using ConvKit.Cli.Explain;
using ConvKit.Explain;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit explain gradcam</c>: Grad-CAM and guided Grad-CAM heat maps over the images.</summary>
internal static class ExplainGradCamCommand
{
    public static Command Create()
    {
        var options = ExplainOptions.ForImages();
        var layer = new Option<string?>("--layer") { Description = "A layer with feature maps (default: the last convolution layer)." };
        var command = new Command("gradcam", "Draw Grad-CAM and guided Grad-CAM heat maps: where a convolution layer found the evidence for the class.") { layer };
        options.AddTo(command);
        command.SetAction(r =>
        {
            var inputs = options.Read(r);
            var result = GradCam.Guided(inputs.Model, inputs.Images, options.ReadClasses(r, inputs), r.GetValue(layer));
            var png = Draw(inputs, result, options.ReadColorMap(r));
            ExplainCommand.Save(inputs, $"gradcam-{ExplainNaming.Safe(result.GradCam.LayerName)}.png", png, $"Grad-CAM on layer {result.GradCam.LayerName} and guided Grad-CAM per image");
            return 0;
        });
        return command;
    }

    internal static byte[] Draw(ExplainInputs inputs, GuidedGradCamResult result, Plotting.ColorMap colorMap, int pictureWidth = 0)
    {
        var cam = result.GradCam;
        var captions = Enumerable.Range(0, inputs.Count).Select(i => inputs.ClassCaption(i, cam.Classes[i])).ToArray();
        return ExplainPictures.HeatmapRows(inputs, [cam.Heatmaps, result.Maps], ["Grad-CAM", "guided Grad-CAM"], captions,
            $"Grad-CAM on {cam.LayerName} ({cam.LayerMaps.Height}x{cam.LayerMaps.Width}) and guided Grad-CAM", colorMap, pictureWidth: pictureWidth);
    }
}
