using ConvKit.Backends;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Pooling;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Serialization;
using ConvKit.Tensors;
using ConvKit.Tests.IO;
using ConvKit.Training;
using ConvKit.Zoo;

namespace ConvKit.Tests.Models;

public class ModelTests
{
    private static Tensor RandomImages(int n, int c, int h, int w, int seed)
    {
        var r = new Random(seed);
        var data = new float[n * c * h * w];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)r.NextDouble();
        }
        return Tensor.FromArray(new Shape(n, c, h, w), data);
    }

    [Fact]
    public void WrongInputShapeNamesTheLayerAndBothShapes()
    {
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(1, 28, 28)), new Dense(10)));
        Assert.Contains("'dense' (Dense)", e.Message);
        Assert.Contains("(1, 28, 28)", e.Message);
        Assert.Contains("Flatten", e.Message);

        var model = ModelZoo.Create("seed-mnist");
        var bad = Assert.Throws<ConvKitException>(() => model.Predict(RandomImages(2, 1, 32, 32, 1)));
        Assert.Contains("(batch, 1, 28, 28)", bad.Message);
        Assert.Contains("(2, 1, 32, 32)", bad.Message);
    }

    [Fact]
    public void KernelLargerThanInputIsRefused()
    {
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(1, 4, 4)), new Conv2D(2, 5)));
        Assert.Contains("does not fit", e.Message);
    }

    [Fact]
    public void SameSeedSameWeightsAndDifferentSeedDifferentWeights()
    {
        var a = ModelZoo.Create("seed-mnist", seed: 7).Parameters[0].Value.ToArray();
        var b = ModelZoo.Create("seed-mnist", seed: 7).Parameters[0].Value.ToArray();
        var c = ModelZoo.Create("seed-mnist", seed: 8).Parameters[0].Value.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Glorot uniform: |w| <= sqrt(6 / (fan_in + fan_out)) = sqrt(6 / (9 + 144)).
        Assert.All(a, v => Assert.True(Math.Abs(v) <= Math.Sqrt(6.0 / 153)));
    }

    [Fact]
    public void SaveAndLoadRoundTripsArchitectureWeightsAndOptimizer()
    {
        using var dir = new TempDirectory();
        var model = ModelZoo.Create("keras-mnist-cnn", seed: 3);
        model.Compile(new Adam(2e-3f), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var x = RandomImages(4, 1, 28, 28, 2);
        model.TrainOnBatch(x, [1, 2, 3, 4]);
        var path = dir.File("model.safetensors");
        model.Save(path, includeOptimizer: true);
        Assert.Equal(["model.safetensors"], dir.Entries());

        var loaded = Model.Load(path);
        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
        Assert.Equal(1, loaded.Optimizer!.Iterations);
        Assert.Equal(2e-3f, loaded.Optimizer.LearningRate);
        // Resuming gives the same step as continuing.
        model.TrainOnBatch(x, [4, 3, 2, 1]);
        loaded.TrainOnBatch(x, [4, 3, 2, 1]);
        Assert.Equal(model.Parameters[0].Value.ToArray(), loaded.Parameters[0].Value.ToArray());
    }

    [Fact]
    public void LoadRefusesForeignAndMismatchedFiles()
    {
        using var dir = new TempDirectory();
        var plain = dir.File("plain.safetensors");
        SafeTensorsWriter.Write(plain, new Dictionary<string, TensorData> { ["w"] = TensorData.Float32(new float[4], 2, 2) });
        var e = Assert.Throws<ConvKitException>(() => Model.Load(plain));
        Assert.Contains("not a ConvKit model", e.Message);

        var path = dir.File("m.safetensors");
        ModelZoo.Create("seed-mnist").Save(path);
        var other = ModelZoo.Create("mlp");
        var mismatch = Assert.Throws<ConvKitException>(() => other.LoadWeights(path));
        Assert.Contains("does not have", mismatch.Message);

        Assert.Throws<ConvKitException>(() => Model.Load(dir.File("missing.safetensors")));
        File.WriteAllBytes(dir.File("junk.safetensors"), [1, 2, 3]);
        Assert.Throws<ConvKitException>(() => Model.Load(dir.File("junk.safetensors")));
    }

    [Fact]
    public void FailedSaveKeepsTheOldFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.safetensors");
        var model = ModelZoo.Create("seed-mnist");
        model.Save(path);
        var before = File.ReadAllBytes(path);
        Assert.Throws<ConvKitException>(() => model.Save(Path.Combine(dir.Path, "no-such-folder", "m.safetensors")));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void FunctionalModelRoundTripsThroughJson()
    {
        var x = Input.Create(1, 8, 8);
        var a = new Conv2D(2, 3, padding: Padding.Same, activation: "relu").Call(x);
        var b = new Conv2D(2, 1).Call(x);
        var y = new Dense(3, "softmax").Call(new Flatten().Call(new MaxPool2D(2).Call(new ConvKit.Layers.Merging.Add().Call(a, b))));
        var model = new Model(x, y, "tiny_graph");
        var copy = Model.FromJson(model.ToJson());
        Assert.Equal(model.Summary(), copy.Summary());
        Assert.Equal(model.ToJson(), copy.ToJson());
    }

    [Fact]
    public void FitLowersTheLossAndReportsHistory()
    {
        // Two classes that differ in which half of the image is bright.
        var n = 64;
        var r = new Random(4);
        var data = new float[n * 64];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            for (var p = 0; p < 64; p++)
            {
                var top = p < 32;
                data[i * 64 + p] = (float)(r.NextDouble() * 0.3 + ((top ^ (labels[i] == 1)) ? 0.6 : 0));
            }
        }
        var model = new Sequential(new InputLayer(new Shape(1, 8, 8)), new Conv2D(4, 3, activation: "relu"), new Flatten(), new Dense(2, "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var log = new StringWriter();
        var history = model.Fit(Tensor.FromArray(new Shape(n, 1, 8, 8), data), labels,
            new FitOptions { Epochs = 5, BatchSize = 16, ValidationSplit = 0.25, Progress = log });
        Assert.Equal(5, history.Epochs);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.Equal(1.0, history["val_accuracy"][^1]);
        Assert.Contains("Epoch 5/5", log.ToString());
        Assert.Contains("val_accuracy: 1.0000", log.ToString());
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeights()
    {
        var model = new Sequential(new InputLayer(new Shape(4)), new Dense(2, "softmax"));
        // A learning rate so large the validation loss gets worse after the first epoch.
        model.Compile(new Sgd(50f), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var x = Tensor.FromArray(new Shape(8, 4), Enumerable.Range(0, 32).Select(i => (float)Math.Sin(i)).ToArray());
        int[] y = [0, 1, 0, 1, 1, 0, 1, 0];
        var stop = new EarlyStopping(monitor: "loss", patience: 1, restoreBestWeights: true);
        var snapshots = new List<float[]>();
        var h = model.Fit(x, y, new FitOptions { Epochs = 30, BatchSize = 8, Shuffle = false, Callbacks = [stop, new Snapshot(snapshots)] });
        Assert.True(stop.StoppedEpoch >= 0 && h.Epochs < 30);
        Assert.Equal(snapshots[stop.BestEpoch], model.Parameters[0].Value.ToArray());
    }

    [Fact]
    public void BackwardFromAnIntermediateLayerGivesInputGradient()
    {
        var model = ModelZoo.Create("seed-mnist");
        var x = RandomImages(1, 1, 28, 28, 5);
        model.Forward(x);
        var act = model.GetActivation("conv2d_1");
        // Seed the most active unit of channel 3 (an inactive ReLU unit would pass no gradient at all).
        var channel = act.ToArray().AsSpan(3 * 14 * 14, 14 * 14);
        var at = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(channel);
        var (pi, pj) = (at / 14, at % 14);
        var seed = Tensor.Zeros(act.Shape);
        seed[0, 3, pi, pj] = 1f;
        model.Backward("conv2d_1", seed);
        var g = model.GetInputGradient().ToArray();
        // conv2d_1 sees pooled pixels pi-1..pi+1, i.e. input pixels 2pi-2..2pi+3, and conv2d one more on each side.
        for (var i = 0; i < 28; i++)
        {
            for (var j = 0; j < 28; j++)
            {
                if (i < 2 * pi - 3 || i > 2 * pi + 4 || j < 2 * pj - 3 || j > 2 * pj + 4)
                {
                    Assert.Equal(0f, g[i * 28 + j]);
                }
            }
        }
        Assert.Contains(g, v => v != 0f);
        Assert.Throws<ConvKitException>(() => model.GetActivationGradient("dense"));
        Assert.Throws<ConvKitException>(() => model.GetActivation("nope"));
    }

    private sealed class Snapshot(List<float[]> into) : Callback
    {
        public override void OnEpochEnd(int epoch, EpochLogs logs) => into.Add(Model!.Parameters[0].Value.ToArray());
    }
}
