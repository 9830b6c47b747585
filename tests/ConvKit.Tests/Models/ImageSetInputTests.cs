using ConvKit.Data;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using ConvKit.Training;
using ConvKit.Zoo;

namespace ConvKit.Tests.Models;

/// <summary>
/// Training, evaluating and predicting from an image set of bytes gives the same bits as from a float tensor of
/// the same images, and inference passes of any size reuse the buffers training already made.
/// </summary>
public class ImageSetInputTests
{
    private static readonly Lazy<Dataset> Mnist = new(() => Dataset.Load("mnist", SharedData.Root, allowDownload: false));

    private static Model Compiled()
    {
        var model = ModelZoo.Create("seed-mnist", seed: 3);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        return model;
    }

    private static Tensor Floats(ImageSet set) =>
        Tensor.FromArray(new Shape(set.Count, set.Channels, set.Height, set.Width), set.Subset(0, set.Count).Images);

    private static float[][] Weights(Model model) => model.Parameters.Select(p => p.Value.ToArray()).ToArray();

    [SharedDataFact]
    public void FittingOnBytesMatchesFittingOnFloats()
    {
        var train = Mnist.Value.Train.Subset(0, 600);
        Assert.NotNull(train.Bytes);
        var options = new FitOptions { Epochs = 2, BatchSize = 64, ValidationSplit = 0.25 };

        var fromBytes = Compiled();
        var bytesHistory = fromBytes.Fit(train, options);
        var fromFloats = Compiled();
        var floatsHistory = fromFloats.Fit(Floats(train), train.Labels, options);

        Assert.NotNull(train.Bytes);
        Assert.Equal(floatsHistory["loss"], bytesHistory["loss"]);
        Assert.Equal(floatsHistory["val_accuracy"], bytesHistory["val_accuracy"]);
        Assert.Equal(Weights(fromFloats), Weights(fromBytes));
    }

    [SharedDataFact]
    public void EvaluatingAndPredictingOnBytesMatchFloats()
    {
        var test = Mnist.Value.Test.Subset(0, 300);
        var model = Compiled();
        model.Fit(Mnist.Value.Train.Subset(0, 256), new FitOptions { Epochs = 1, BatchSize = 64 });

        Assert.Equal(model.Evaluate(Floats(test), test.Labels), model.Evaluate(test));
        Assert.Equal(model.Predict(Floats(test)).ToArray(), model.Predict(test).ToArray());
        Assert.NotNull(test.Bytes);
    }

    [SharedDataFact]
    public void InferenceInPassesOfAtMostMaxInferenceBatchGivesTheSameOutputs()
    {
        var x = Floats(Mnist.Value.Test.Subset(0, 1000));
        var model = Compiled();
        Assert.Equal(128, model.MaxInferenceBatch);
        var inPasses = model.Predict(x, batchSize: 1000).ToArray();

        var whole = Compiled();
        whole.MaxInferenceBatch = 1000;
        var inOne = whole.Predict(x, batchSize: 1000).ToArray();

        Assert.Equal(inOne, inPasses);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.MaxInferenceBatch = 0);
    }

    [Fact]
    public void ASmallerBatchBorrowsTheLargerBatchesBuffersAndStillComputesAlone()
    {
        var r = new Random(4);
        var data = new float[64 * 784];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)r.NextDouble();
        }
        var x = Tensor.FromArray(new Shape(64, 1, 28, 28), data);
        var small = x.Slice(0, 48);
        var model = Compiled();

        var before = GC.GetAllocatedBytesForCurrentThread();
        model.Forward(x);
        var first = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var borrowed = model.Forward(small).ToArray();
        var second = GC.GetAllocatedBytesForCurrentThread() - before;

        // The 48-image plan's activations are views of the 64-image plan's, so it allocates almost nothing.
        Assert.True(second * 20 < first, $"Forward on 64 images allocated {first} bytes, then on 48 {second}.");
        Assert.Equal(Compiled().Forward(small).ToArray(), borrowed);
        Assert.Equal(Compiled().Forward(x).ToArray(), model.Forward(x).ToArray());
    }
}
