using ConvKit.Plotting;

namespace ConvKit.Cli.Commands;

/// <summary>The one place the training command draws pictures through ConvKit.Plotting.</summary>
internal static class PictureOutput
{
    public static void SaveGrid(string path, IReadOnlyList<LabelledImage> tiles, int columns, string title) =>
        LabelledImageGrid.Save(path, tiles, columns, title);

    public static void SaveCurves(string path, double[] loss, double[]? valLoss, double[] accuracy, double[]? valAccuracy) =>
        TrainingCurves.Save(path, new TrainingCurveData(loss, accuracy, valLoss, valAccuracy));
}
