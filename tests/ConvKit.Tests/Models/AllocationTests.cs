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
    [InlineData("seed-mnist", 64)]
    [InlineData("two-outputs", 32)]
    [InlineData("keras-mnist-cnn", 8)]
    [InlineData("classic-layers", 8)]
    [InlineData("lenet5", 8)]
    [InlineData("vgg-small", 4)]
    [InlineData("resnet-small", 4)]
    [InlineData("two-outputs", 8)]
    [InlineData("inception", 4)]
    public void TrainingStepAllocatesNothingAfterWarmUp(string name, int batch)
    {
        var model = name switch
        {
            "classic-layers" => ClassicLayers(),
            "two-outputs" => TwoOutputs(),
            "inception" => Inception(),
            _ => ModelZoo.Create(name),
        };
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

    /// <summary>A trunk with a main and an auxiliary classifier, trained on the weighted sum of their losses.</summary>
    private static Model TwoOutputs()
    {
        var input = Input.Create(1, 28, 28);
        var trunk = new Conv2D(4, 3, strides: 2, activation: "relu").Call(input);
        var flat = new Flatten().Call(trunk);
        var main = new Dense(10, "softmax").Call(new Dense(16, "relu").Call(flat));
        var aux = new Dense(10, "softmax").Call(flat);
        return new Model([input], [main, aux]) { DefaultLossWeights = [1f, 0.3f] };
    }

    /// <summary>A small Inception module (fan-out, 'same' max pooling, concatenation) with LRN before the classifier.</summary>
    private static Model Inception()
    {
        var input = Input.Create(1, 28, 28);
        var x = new Conv2D(8, 3, strides: 2, activation: "relu").Call(input);
        x = InceptionModule.Create(x, 4, 3, 4, 2, 2, 2, "mixed");
        x = new LocalResponseNormalization().Call(x);
        var y = new Dense(10, "softmax").Call(new GlobalAveragePooling2D().Call(x));
        return new Model(input, y);
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
