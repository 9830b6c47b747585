using ConvKit.Data;
using ConvKit.Losses;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using ConvKit.Training;
using ConvKit.Zoo;

namespace ConvKit.Tests.EndToEnd;

/// <summary>Training on real MNIST data, sized to stay within the test budget.</summary>
public class MnistTrainingTests
{
    [SharedDataFact]
    public void SeedMnistLearnsARealSubset()
    {
        var ds = Dataset.Load("mnist", SharedData.Root, allowDownload: false);
        var train = ds.Train.Subset(0, 6000);
        var test = ds.Test.Subset(0, 2000);
        var model = ModelZoo.Create("seed-mnist", seed: 1);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var history = model.Fit(Tensor.FromBuffer(train.Images, new Shape(train.Count, 1, 28, 28)), train.Labels,
            new FitOptions { Epochs = 2, BatchSize = 64, ValidationSplit = 0.1 });
        var (_, accuracy) = model.Evaluate(Tensor.FromBuffer(test.Images, new Shape(test.Count, 1, 28, 28)), test.Labels);
        // Two epochs on 5,400 images reach about 93% (chance is 10%); the full run reaches 99%.
        Assert.True(accuracy >= 0.90, $"test accuracy {accuracy:0.0000} after 2 epochs on 6,000 images");
        Assert.True(history["val_accuracy"][^1] >= 0.88);
        Assert.True(history["loss"][1] < history["loss"][0]);
    }

    [SharedDataFact]
    public void SameSeedGivesIdenticalTrainingWhateverTheThreadCount()
    {
        var ds = Dataset.Load("mnist", SharedData.Root, allowDownload: false);
        var train = ds.Train.Subset(0, 512);
        float[] Run(int threads)
        {
            var saved = global::ConvKit.Kernels.Cpu.Threading.CpuThreads.Count;
            global::ConvKit.Kernels.Cpu.Threading.CpuThreads.Count = threads;
            try
            {
                var model = ModelZoo.Create("keras-mnist-cnn", seed: 9);
                model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
                model.Fit(Tensor.FromBuffer(train.Images, new Shape(train.Count, 1, 28, 28)), train.Labels, new FitOptions { Epochs = 1, BatchSize = 64 });
                return model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
            }
            finally
            {
                global::ConvKit.Kernels.Cpu.Threading.CpuThreads.Count = saved;
            }
        }
        Assert.Equal(Run(1), Run(2));
    }
}
