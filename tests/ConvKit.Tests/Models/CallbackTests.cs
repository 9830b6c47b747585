using ConvKit.Layers;
using ConvKit.Layers.Core;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Losses;
using ConvKit.Tensors;
using ConvKit.Tests.IO;
using ConvKit.Training;

namespace ConvKit.Tests.Models;

public class CallbackTests
{
    private static (Model Model, Tensor X, int[] Y) Tiny(float learningRate)
    {
        var model = new Sequential(new InputLayer(new Shape(4)), new Dense(8, "relu"), new Dense(2, "softmax"));
        model.Compile(new Sgd(learningRate), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var r = new Random(2);
        var x = Tensor.FromArray(new Shape(40, 4), Enumerable.Range(0, 160).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray());
        var y = Enumerable.Range(0, 40).Select(i => x[i, 0] > 0 ? 1 : 0).ToArray();
        return (model, x, y);
    }

    [Fact]
    public void CheckpointSavesOnlyImprovements()
    {
        using var dir = new TempDirectory();
        var (model, x, y) = Tiny(0.1f);
        var cp = new ModelCheckpoint(dir.File("best.safetensors"), monitor: "val_loss", saveBestOnly: true);
        var h = model.Fit(x, y, new FitOptions { Epochs = 6, BatchSize = 8, ValidationSplit = 0.25, Callbacks = [cp] });
        Assert.NotEmpty(cp.SavedEpochs);
        var best = h["val_loss"].Select((v, i) => (v, i)).Min().i;
        Assert.Equal(best, cp.SavedEpochs[^1]);
        var loaded = Model.Load(dir.File("best.safetensors"));
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void CsvLoggerWritesOneRowPerEpoch()
    {
        using var dir = new TempDirectory();
        var (model, x, y) = Tiny(0.1f);
        model.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 8, ValidationSplit = 0.25, Callbacks = [new CsvLogger(dir.File("log.csv"))] });
        var lines = File.ReadAllLines(dir.File("log.csv"));
        Assert.Equal("epoch,accuracy,loss,val_accuracy,val_loss", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("2,", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void TerminateOnNaNStopsDivergingTraining()
    {
        var (model, x, y) = Tiny(1e30f);
        var nan = new TerminateOnNaN();
        var h = model.Fit(x, y, new FitOptions { Epochs = 20, BatchSize = 8, Callbacks = [nan] });
        Assert.True(nan.Triggered);
        Assert.True(h.Epochs < 20);
    }

    [Fact]
    public void LearningRateSchedulerSetsTheRatePerEpoch()
    {
        var (model, x, y) = Tiny(0.1f);
        var seen = new List<float>();
        model.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 40, Callbacks = [new LearningRateScheduler((e, lr) => { seen.Add(lr); return 0.1f / (e + 1); })] });
        Assert.Equal(0.1f / 3, model.Optimizer!.LearningRate, 6);
        Assert.Equal([0.1f, 0.1f, 0.05f], seen);
    }

    [Fact]
    public void MonitoringAMissingMetricSaysWhatIsAvailable()
    {
        var (model, x, y) = Tiny(0.1f);
        var e = Assert.Throws<ConvKitException>(() => model.Fit(x, y, new FitOptions { Epochs = 1, Callbacks = [new EarlyStopping("val_loss")] }));
        Assert.Contains("val_loss", e.Message);
        Assert.Contains("validation data", e.Message);
    }
}
