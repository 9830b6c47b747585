using ConvKit.Losses;
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
    public void TrainingStepAllocatesNothingAfterWarmUp(string name, int batch)
    {
        var model = ModelZoo.Create(name);
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
}
