using ConvKit.Data;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Cli.Commands;

/// <summary>The pictures <c>convkit train</c> writes: random test samples with labels, and the training curves.</summary>
internal static class TrainingPictures
{
    /// <summary>Predicts <paramref name="count"/> random test samples and draws them titled "true X / pred Y".</summary>
    public static IReadOnlyList<(int Index, int Truth, int Predicted)> SavePredictions(string path, Model model, ImageSet test, IReadOnlyList<string> classNames, int count, int seed)
    {
        var random = new Random(seed);
        var indices = Enumerable.Range(0, test.Count).OrderBy(_ => random.Next()).Take(count).ToArray();
        var selected = test.Select(indices);
        var x = Tensor.FromBuffer(selected.Images, new Shape(selected.Count, selected.Channels, selected.Height, selected.Width));
        var probs = model.Predict(x);
        var classes = probs.Shape[1];
        var p = probs.ToArray();
        var result = new List<(int, int, int)>();
        var tiles = new List<Plotting.LabelledImage>();
        for (var i = 0; i < indices.Length; i++)
        {
            var row = p.AsSpan(i * classes, classes);
            var predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
            var truth = selected.Labels[i];
            result.Add((indices[i], truth, predicted));
            tiles.Add(new Plotting.LabelledImage(selected.Image(i).ToArray(), selected.Channels, selected.Height, selected.Width,
                $"true {classNames[truth]} / pred {classNames[predicted]}", Highlight: truth != predicted));
        }
        PictureOutput.SaveGrid(path, tiles, count, "Test samples: true and predicted labels");
        return result;
    }

    public static void SaveHistory(string path, TrainingHistory history)
    {
        static double[]? Series(TrainingHistory h, string key) => h.Metrics.TryGetValue(key, out var v) ? v.ToArray() : null;
        PictureOutput.SaveCurves(path, Series(history, "loss") ?? [], Series(history, "val_loss"), Series(history, "accuracy") ?? [], Series(history, "val_accuracy"));
    }
}
