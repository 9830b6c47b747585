using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Reshaping;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Training;
using ConvKit.Zoo;

namespace ConvKit.Tests.Models;

/// <summary>After warm-up a training step allocates nothing on the managed heap: buffers are made once per batch size.</summary>
public class AllocationTests
{
    private sealed class AllocationProbe : Callback
    {
        private long _last;

        public List<long> PerBatch { get; } = [];

        public override void OnBatchEnd(BatchLogs logs)
        {
            var now = GC.GetAllocatedBytesForCurrentThread();
            if (logs.Batch > 0)
            {
                PerBatch.Add(now - _last);
            }
            _last = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    [Theory]
    [InlineData("seed-mnist", 16)]
    [InlineData("keras-mnist-cnn", 8)]
    [InlineData("classic-layers", 8)]
    public void TrainingStepAllocatesNothingAfterWarmUp(string name, int batch)
    {
        var model = name == "classic-layers" ? ClassicLayers() : ModelZoo.Create(name);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var n = batch * 6;
        var r = new Random(1);
        var x = Tensor.FromArray(new Shape(n, 1, 28, 28), Enumerable.Range(0, n * 784).Select(_ => (float)r.NextDouble()).ToArray());
        var y = Enumerable.Range(0, n).Select(i => i % 10).ToArray();
        var probe = new AllocationProbe();
        model.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = batch, Callbacks = [probe] });
        // Skip the first two epochs (plans, optimiser state, lazily created events and JIT tiering); every later step must be free.
        var steady = probe.PerBatch.Skip(11).ToArray();
        Assert.NotEmpty(steady);
        Assert.All(steady, bytes => Assert.Equal(0, bytes));
    }

    /// <summary>LeNet-5's and AlexNet's layers in one stack: padding, a connection table, subsampling, LRN, cropping, RBF.</summary>
    private static Model ClassicLayers() => new Sequential(
        new InputLayer(new Shape(1, 28, 28)),
        new ZeroPadding2D(2),
        new Conv2D(6, 5, activation: "lecun_tanh"),
        new Subsampling2D(2, activation: "lecun_tanh"),
        new Conv2D(16, 5, activation: "lecun_tanh", connectionTable: ConnectionTables.LeNet5ConnectionTable()),
        new LocalResponseNormalization(),
        new Subsampling2D(2, activation: "lecun_tanh"),
        new Cropping2D((0, 1), (1, 0)),
        new Flatten(),
        new Dense(84, "lecun_tanh"),
        new EuclideanRbf(10, trainable: true));
}
