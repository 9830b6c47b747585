using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Regularization;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;

namespace ConvKit.Tests.Models;

/// <summary>
/// Training a batch in shards, one per team of threads: the result must not depend on the thread count, and must be
/// the whole batch's gradient (dropout masks included) up to rounding.
/// </summary>
[Collection(ConvKit.Tests.Kernels.Elementwise.ThreadCountCollection.Name)]
public class ShardedTrainingTests
{
    private const int Batch = 40;

    private static Model Create(bool batchNorm = false)
    {
        var layers = new List<Layer>
        {
            new InputLayer(new Shape(1, 12, 12)),
            new Conv2D(8, 3, padding: Padding.Same, activation: "relu"),
            new MaxPool2D(2),
            new Conv2D(12, 3, padding: Padding.Same, activation: "relu"),
        };
        if (batchNorm)
        {
            layers.Add(new BatchNormalization());
        }
        layers.AddRange([new Flatten(), new Dropout(0.3f, seed: 5), new Dense(16, "relu"), new Dense(10, "softmax")]);
        var model = new Sequential("sharded", 3, [.. layers]);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        return model;
    }

    private static (Tensor X, int[] Labels) Data(int n)
    {
        var r = new Random(9);
        var x = Tensor.FromArray(new Shape(n, 1, 12, 12), Enumerable.Range(0, n * 144).Select(_ => r.NextSingle()).ToArray());
        return (x, Enumerable.Range(0, n).Select(i => i * 7 % 10).ToArray());
    }

    private static float[] Weights(Model model) => model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();

    private static float[] Gradients(Model model) => model.Parameters.Where(p => p.Trainable).SelectMany(p => p.Gradient!.ToArray()).ToArray();

    [Fact]
    public void ABatchOfAtLeastTwoShardsIsCutAndOneWithBatchNormalisationIsNot()
    {
        var model = Create();
        Assert.Equal(2, model.ShardCount(Batch));
        Assert.Equal(1, model.ShardCount(Model.MinShardSamples * 2 - 1));
        Assert.Equal(1, Create(batchNorm: true).ShardCount(Batch));
    }

    [Fact]
    public void TheWeightsDoNotDependOnTheThreadCount()
    {
        var (x, labels) = Data(Batch);
        float[]? expected = null;
        var saved = CpuThreads.Count;
        try
        {
            foreach (var threads in new[] { 1, 2, 3, 4 })
            {
                CpuThreads.Count = threads;
                var model = Create();
                for (var step = 0; step < 3; step++)
                {
                    model.TrainOnBatch(x, labels);
                }
                var weights = Weights(model);
                if (expected is null)
                {
                    expected = weights;
                }
                else
                {
                    Assert.Equal(expected, weights);
                }
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    [Fact]
    public void ShardsGiveTheWholeBatchsLossAndGradients()
    {
        var (x, labels) = Data(Batch);
        var sharded = Create();
        var whole = Create();
        whole.TrainInShards = false;
        var shardedLoss = sharded.TrainOnBatch(x, labels);
        var wholeLoss = whole.TrainOnBatch(x, labels);
        Assert.Equal(wholeLoss, shardedLoss, 5);
        var a = Gradients(sharded);
        var b = Gradients(whole);
        var scale = b.Max(Math.Abs);
        Assert.True(scale > 0f);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5f * (1f + scale), $"gradient {i}: sharded {a[i]}, whole batch {b[i]}");
        }
        // The activations of the whole batch stay readable after a sharded step.
        Assert.Equal(whole.GetActivation("dropout").ToArray(), sharded.GetActivation("dropout").ToArray());
    }

    [Fact]
    public void MaxPoolingThatTakesTheReluBeforeItChangesNoBit()
    {
        // The ReLU taken by the pooling gives the weights of the plain pass.
        AssertFoldingTheInputReluChangesNoBit(() => Create());
    }

    [Theory]
    // 16 -> 16: backward data on Winograd, which keeps the gradient where the input is positive in its output
    // transform; 16 -> 8: on shifted rows, which applies the ReLU's backward pass after.
    [InlineData(16)]
    [InlineData(8)]
    public void ConvolutionThatTakesTheReluBeforeItChangesNoBit(int filters)
    {
        Model Build()
        {
            var model = new Sequential("conv-after-conv", 3,
                new InputLayer(new Shape(1, 12, 12)),
                new Conv2D(16, 3, padding: Padding.Same, activation: "relu"),
                new Conv2D(filters, 3, padding: Padding.Same, activation: "relu"),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(10, "softmax"));
            model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
            return model;
        }
        AssertFoldingTheInputReluChangesNoBit(Build);
    }

    /// <summary>Three steps on sharded (40 samples) and whole (8) batches give the same losses and weights with the fold as without.</summary>
    private static void AssertFoldingTheInputReluChangesNoBit(Func<Model> create)
    {
        foreach (var n in new[] { Batch, 8 })
        {
            var (x, labels) = Data(n);
            var folded = create();
            var plain = create();
            plain.FoldInputRelu = false;
            for (var step = 0; step < 3; step++)
            {
                Assert.Equal(plain.TrainOnBatch(x, labels), folded.TrainOnBatch(x, labels));
            }
            Assert.Equal(Weights(plain), Weights(folded));
        }
    }
}
