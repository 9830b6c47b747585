using ScottPlot;
using SkiaSharp;

namespace ConvKit.Plotting;

/// <summary>
/// Training curves as one picture with two panels side by side: loss per epoch (left) and accuracy per epoch
/// (right), training and, when given, validation, with legends, whole-number epoch ticks starting at 1 and the
/// axis label "epoch".
/// </summary>
/// <example>
/// <code>
/// var data = new TrainingCurveData(trainLoss, trainAccuracy, ValidationLoss: valLoss, ValidationAccuracy: valAccuracy);
/// TrainingCurves.Save("curves.png", data);
/// string base64 = Convert.ToBase64String(TrainingCurves.Render(data, 900, 350));
/// </code>
/// </example>
public static class TrainingCurves
{
    /// <summary>The smallest picture width accepted.</summary>
    public const int MinWidth = 400;

    /// <summary>The smallest picture height accepted.</summary>
    public const int MinHeight = 200;

    private static readonly Color TrainColor = Color.FromHex("#1f77b4");
    private static readonly Color ValidationColor = Color.FromHex("#ff7f0e");

    /// <summary>Draws the curves and writes them as a PNG file, atomically (see <see cref="Render"/>).</summary>
    /// <param name="path">The PNG file; its folder is created when missing and an existing file is replaced.</param>
    /// <param name="data">The per-epoch metrics.</param>
    /// <param name="pictureWidth">The PNG width in pixels, 400..16384.</param>
    /// <param name="pictureHeight">The PNG height in pixels, 200..16384.</param>
    /// <exception cref="ArgumentException">A size is out of range, a series is empty, or series lengths differ.</exception>
    public static void Save(string path, TrainingCurveData data, int pictureWidth = 1200, int pictureHeight = 450)
    {
        ArgumentChecks.FilePath(path, nameof(path));
        PngFile.WriteAtomic(path, Render(data, pictureWidth, pictureHeight));
    }

    /// <summary>Draws the curves and returns the PNG bytes, exactly <paramref name="pictureWidth"/> by <paramref name="pictureHeight"/> pixels.</summary>
    /// <param name="data">The per-epoch metrics.</param>
    /// <param name="pictureWidth">The PNG width in pixels, 400..16384.</param>
    /// <param name="pictureHeight">The PNG height in pixels, 200..16384.</param>
    /// <returns>A PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">A size is out of range, a series is empty, or series lengths differ.</exception>
    public static byte[] Render(TrainingCurveData data, int pictureWidth = 1200, int pictureHeight = 450)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(data, pictureWidth, pictureHeight);

        var info = new SKImageInfo(pictureWidth, pictureHeight, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {pictureWidth}x{pictureHeight} drawing surface.");
        surface.Canvas.Clear(SKColors.White);

        // ScottPlot clears the whole canvas before drawing a plot, so each panel is drawn on its own surface.
        var half = pictureWidth / 2;
        using (var loss = Panel("loss", data.TrainLoss, data.ValidationLoss, Alignment.UpperRight))
        {
            DrawPanel(surface.Canvas, loss, 0, half, pictureHeight);
        }
        using (var accuracy = Panel("accuracy", data.TrainAccuracy, data.ValidationAccuracy, Alignment.LowerRight))
        {
            DrawPanel(surface.Canvas, accuracy, half, pictureWidth - half, pictureHeight);
        }
        return PngFile.Encode(surface);
    }

    private static void DrawPanel(SKCanvas target, Plot plot, int left, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var panel = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} drawing surface.");
        plot.Render(panel);
        using var image = panel.Snapshot();
        target.DrawImage(image, left, 0);
    }

    private static void Validate(TrainingCurveData data, int width, int height)
    {
        if (width is < MinWidth or > 16384)
        {
            throw new ArgumentException($"Argument 'pictureWidth' must be between {MinWidth} and 16384 pixels; got {width}.", "pictureWidth");
        }
        if (height is < MinHeight or > 16384)
        {
            throw new ArgumentException($"Argument 'pictureHeight' must be between {MinHeight} and 16384 pixels; got {height}.", "pictureHeight");
        }
        if (data.TrainLoss is null || data.TrainLoss.Length == 0)
        {
            throw new ArgumentException("Argument 'data.TrainLoss' must hold at least one epoch; got none.", nameof(data));
        }
        var epochs = data.TrainLoss.Length;
        CheckSeries(data.TrainAccuracy, nameof(data.TrainAccuracy), epochs, required: true);
        CheckSeries(data.ValidationLoss, nameof(data.ValidationLoss), epochs, required: false);
        CheckSeries(data.ValidationAccuracy, nameof(data.ValidationAccuracy), epochs, required: false);
    }

    private static void CheckSeries(double[]? series, string name, int epochs, bool required)
    {
        if (series is null)
        {
            if (required)
            {
                throw new ArgumentException($"Argument 'data.{name}' is null; expected {epochs} values, one per epoch.", "data");
            }
            return;
        }
        if (series.Length != epochs)
        {
            throw new ArgumentException(
                $"Argument 'data.{name}' has {series.Length} values; expected {epochs}, one per epoch like data.TrainLoss.", "data");
        }
    }

    private static Plot Panel(string metric, double[] train, double[]? validation, Alignment legendCorner)
    {
        var plot = new Plot();
        plot.Font.Set(Typefaces.Family);
        plot.Title(metric, 16);
        plot.XLabel("epoch", 14);
        plot.YLabel(metric, 14);

        var epochs = train.Length;
        var markers = epochs <= 60;
        AddSeries(plot, "train", train, TrainColor, LinePattern.Solid, markers);
        if (validation is not null)
        {
            AddSeries(plot, "validation", validation, ValidationColor, LinePattern.Dashed, markers);
        }

        plot.Axes.Bottom.TickGenerator = EpochTicks(epochs);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(0.5, epochs + 0.5);
        var legend = plot.ShowLegend(legendCorner);
        legend.FontSize = 12;
        return plot;
    }

    private static void AddSeries(Plot plot, string name, double[] values, Color color, LinePattern pattern, bool markers)
    {
        var xs = new List<double>(values.Length);
        var ys = new List<double>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                xs.Add(i + 1);
                ys.Add(values[i]);
            }
        }
        if (xs.Count == 0)
        {
            return;
        }
        var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        scatter.LegendText = name;
        scatter.LineWidth = 2;
        scatter.LinePattern = pattern;
        scatter.MarkerSize = markers ? 6 : 0;
    }

    /// <summary>
    /// Whole-number epoch ticks: every epoch up to 12, else epoch 1 and every step-th epoch for the smallest 1-2-5
    /// step giving at most 12 steps (step 2 counts odd epochs 1, 3, 5, ...; larger steps 1 then multiples: 1, 5, 10, ...).
    /// </summary>
    internal static int[] EpochTickPositions(int epochs)
    {
        var step = 1;
        for (var decade = 1; epochs / step > 12; decade *= 10)
        {
            foreach (var f in (int[])[2, 5, 10])
            {
                step = f * decade;
                if (epochs / step <= 12)
                {
                    break;
                }
            }
        }
        var ticks = new List<int> { 1 };
        for (var e = step == 2 ? 3 : step; e <= epochs; e += step)
        {
            if (e != 1)
            {
                ticks.Add(e);
            }
        }
        return [.. ticks];
    }

    private static ScottPlot.TickGenerators.NumericManual EpochTicks(int epochs)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var e in EpochTickPositions(epochs))
        {
            ticks.AddMajor(e, e.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return ticks;
    }
}
