using SkiaSharp;

namespace ConvKit.Plotting.Tests;

public class TrainingCurvesTests
{
    private static readonly SKColor Train = SKColor.Parse("#1f77b4");
    private static readonly SKColor Validation = SKColor.Parse("#ff7f0e");

    private static TrainingCurveData Data(int epochs, bool validation)
    {
        var trainLoss = Enumerable.Range(0, epochs).Select(e => 2.3 * Math.Exp(-0.3 * e) + 0.05).ToArray();
        var trainAccuracy = Enumerable.Range(0, epochs).Select(e => 1 - 0.9 * Math.Exp(-0.4 * e)).ToArray();
        return validation
            ? new TrainingCurveData(trainLoss, trainAccuracy, trainLoss.Select(v => v + 0.1).ToArray(), trainAccuracy.Select(v => v - 0.05).ToArray())
            : new TrainingCurveData(trainLoss, trainAccuracy);
    }

    [Theory]
    [InlineData(1200, 450)]
    [InlineData(640, 480)]
    [InlineData(400, 200)]
    public void RendersAPngOfTheRequestedSize(int width, int height)
    {
        using var bitmap = Png.DecodeValid(TrainingCurves.Render(Data(10, validation: true), width, height));
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
    }

    [Fact]
    public void DrawsBothPanelsWithTrainingAndValidationLines()
    {
        using var bitmap = Png.DecodeValid(TrainingCurves.Render(Data(12, validation: true), 1000, 400));
        Assert.True(CountNear(bitmap, Train, 0, 500) > 100, "loss panel lacks the training line");
        Assert.True(CountNear(bitmap, Train, 500, 1000) > 100, "accuracy panel lacks the training line");
        Assert.True(CountNear(bitmap, Validation, 0, 500) > 50, "loss panel lacks the validation line");
        Assert.True(CountNear(bitmap, Validation, 500, 1000) > 50, "accuracy panel lacks the validation line");
    }

    [Fact]
    public void ValidationSeriesMayBeAbsent()
    {
        using var bitmap = Png.DecodeValid(TrainingCurves.Render(Data(5, validation: false), 800, 300));
        Assert.True(CountNear(bitmap, Train, 0, 800) > 100);
        Assert.Equal(0, CountNear(bitmap, Validation, 0, 800));
    }

    [Fact]
    public void SingleEpochAndNonFiniteValuesStillDraw()
    {
        Png.DecodeValid(TrainingCurves.Render(new TrainingCurveData([0.7], [0.8]), 600, 300));
        Png.DecodeValid(TrainingCurves.Render(new TrainingCurveData([2.0, double.NaN, double.PositiveInfinity], [0.1, 0.2, 0.3]), 600, 300));
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(5, new[] { 1, 2, 3, 4, 5 })]
    [InlineData(12, new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })]
    [InlineData(15, new[] { 1, 3, 5, 7, 9, 11, 13, 15 })]
    [InlineData(40, new[] { 1, 5, 10, 15, 20, 25, 30, 35, 40 })]
    [InlineData(100, new[] { 1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 })]
    public void EpochTicksAreWholeNumbersStartingAtOne(int epochs, int[] expected)
    {
        Assert.Equal(expected, TrainingCurves.EpochTickPositions(epochs));
    }

    [Fact]
    public void SaveWritesThePictureAtomically()
    {
        using var folder = new TempFolder();
        var path = folder.File("curves.png");
        File.WriteAllText(path, "an old file");
        TrainingCurves.Save(path, Data(8, validation: true), 900, 350);
        using var bitmap = Png.DecodeValid(File.ReadAllBytes(path));
        Assert.Equal(900, bitmap.Width);
        Assert.Equal(350, bitmap.Height);
        Assert.Equal(["curves.png"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void RejectsBadArgumentsNamingThem()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingCurves.Render(new TrainingCurveData([1, 2, 3], [0.1, 0.2, 0.3], ValidationLoss: [1, 2])));
        Assert.Contains("ValidationLoss", e.Message);
        Assert.Contains("2 values", e.Message);
        Assert.Contains("expected 3", e.Message);

        e = Assert.Throws<ArgumentException>(() => TrainingCurves.Render(new TrainingCurveData([1, 2, 3], [0.1, 0.2])));
        Assert.Contains("TrainAccuracy", e.Message);

        e = Assert.Throws<ArgumentException>(() => TrainingCurves.Render(new TrainingCurveData([], [])));
        Assert.Contains("TrainLoss", e.Message);

        e = Assert.Throws<ArgumentException>(() => TrainingCurves.Render(Data(3, false), 100, 300));
        Assert.Equal("pictureWidth", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => TrainingCurves.Render(Data(3, false), 800, 20));
        Assert.Equal("pictureHeight", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => TrainingCurves.Save("", Data(3, false)));
        Assert.Equal("path", e.ParamName);
    }

    private static int CountNear(SKBitmap bitmap, SKColor color, int fromX, int toX)
    {
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = fromX; x < toX; x++)
            {
                if (Png.Near(bitmap.GetPixel(x, y), color, 12))
                {
                    count++;
                }
            }
        }
        return count;
    }
}
