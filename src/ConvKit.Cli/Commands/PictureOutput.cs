namespace ConvKit.Cli.Commands;

/// <summary>The one place the CLI draws pictures through ConvKit.Plotting.</summary>
internal static class PictureOutput
{
    public static void SaveGrid(string path, IReadOnlyList<Plotting.LabelledImage> tiles, int columns, string title) =>
        throw new NotSupportedException($"Pictures are not available yet: {path} ({tiles.Count} tiles, {columns} columns, {title}).");

    public static void SaveCurves(string path, double[] loss, double[]? valLoss, double[] accuracy, double[]? valAccuracy) =>
        throw new NotSupportedException($"Pictures are not available yet: {path} ({loss.Length}, {valLoss?.Length}, {accuracy.Length}, {valAccuracy?.Length}).");
}
