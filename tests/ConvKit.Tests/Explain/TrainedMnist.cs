using ConvKit.Data;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using ConvKit.Training;
using ConvKit.Zoo;

namespace ConvKit.Tests.Explain;

/// <summary>
/// seed-mnist trained briefly on 2,000 real MNIST images (a few seconds), once for every test of the
/// <see cref="TrainedMnistCollection"/>. Tests get their own copy, so one that re-randomises weights cannot
/// disturb another.
/// </summary>
public sealed class TrainedMnist : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"convkit-explain-{Guid.NewGuid():N}.safetensors");

    public TrainedMnist()
    {
        if (SharedData.Root is null)
        {
            return;
        }
        var ds = Dataset.Load("mnist", SharedData.Root, allowDownload: false);
        Test = ds.Test.Subset(0, 500);
        var train = ds.Train.Subset(0, 2000);
        var model = ModelZoo.Create("seed-mnist", seed: 3);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        model.Fit(Tensor.FromBuffer(train.Images, new Shape(train.Count, 1, 28, 28)), train.Labels, new FitOptions { Epochs = 3, BatchSize = 32 });
        (_, Accuracy) = model.Evaluate(Tensor.FromBuffer(Test.Images, new Shape(Test.Count, 1, 28, 28)), Test.Labels);
        model.Save(_file);
    }

    /// <summary>The first 500 test images.</summary>
    public ImageSet Test { get; } = null!;

    /// <summary>Accuracy on <see cref="Test"/>.</summary>
    public double Accuracy { get; }

    /// <summary>A fresh copy of the trained model.</summary>
    public Model Load() => Model.Load(_file);

    /// <summary>Test images <paramref name="indices"/> as a batch (N, 1, 28, 28).</summary>
    public Tensor Images(params int[] indices)
    {
        var s = Test.Select(indices);
        return Tensor.FromArray(new Shape(s.Count, 1, 28, 28), s.Images);
    }

    public void Dispose()
    {
        if (File.Exists(_file))
        {
            File.Delete(_file);
        }
    }
}

/// <summary>The tests that share one <see cref="TrainedMnist"/>.</summary>
[CollectionDefinition(Name)]
public sealed class TrainedMnistCollection : ICollectionFixture<TrainedMnist>
{
    public const string Name = "Trained MNIST model for explanations";
}

/// <summary>A theory that needs the shared datasets and is skipped, with the reason, when they are absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (SharedData.Root is null)
        {
            Skip = "The shared datasets (../shared/datasets next to the folder holding ConvKit.slnx) are not on this machine.";
        }
    }
}
