using ConvKit.Kernels.Cpu.Activations;
using ConvKit.Kernels.Cpu.Elementwise;
using ConvKit.Kernels.Cpu.Losses;
using ConvKit.Kernels.Cpu.Normalization;
using ConvKit.Kernels.Cpu.Optimizers;
using ConvKit.Kernels.Cpu.Pooling;
using static ConvKit.Tests.Kernels.Elementwise.OpsTestData;

namespace ConvKit.Tests.Kernels.Elementwise;

/// <summary>After a warm-up call, no kernel allocates, on the single-threaded path or the threaded one.</summary>
[Collection(ThreadCountCollection.Name)]
public class NoAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void KernelsDoNotAllocateAfterWarmUp(int threads)
    {
        const int n = 4, c = 16, h = 32, w = 32, s = h * w; // 65 536 elements: the threaded paths
        var count = n * c * s;
        var x = Uniform(count, 1);
        var y = new float[count];
        var dy = Uniform(count, 2);
        var dx = new float[count];
        var mask = new float[count];
        var scale = new float[count];
        var gamma = Uniform(c, 3);
        var beta = Uniform(c, 4);
        var (rm, rv, sm, si, dg, db) = (new float[c], new float[c], new float[c], new float[c], new float[c], new float[c]);
        var g = Pool2DGeometry.Create(h, w, 2, 2, 2, 2);
        var g3 = Pool2DGeometry.Create(h, w, 3, 3, 2, 2, 1, 1, 1, 1);
        var pooled = new float[n * c * g3.OutputPlaneSize];
        var argmax = new int[pooled.Length];
        var labels = new int[n * c];
        var probs = new float[n * c * s];
        var (m, v) = (new float[count], new float[count]);

        void RunAll()
        {
            ActivationsCpu.Relu(x, y);
            ActivationsCpu.ReluBackward(y, dy, dx);
            ActivationsCpu.LeakyRelu(x, 0.1f, y);
            ActivationsCpu.Sigmoid(x, y);
            ActivationsCpu.SigmoidBackward(y, dy, dx);
            ActivationsCpu.ScaledTanh(x, 1.7159f, 2f / 3, y);
            ActivationsCpu.Softmax(x, n * c, s, y);
            ActivationsCpu.SoftmaxBackward(y, dy, n * c, s, dx);
            MaxPool2DCpu.Forward(x, n * c, g, pooled, argmax);
            MaxPool2DCpu.Forward(x, n * c, g3, pooled, argmax);
            MaxPool2DCpu.Backward(pooled, argmax, n * c, g3, dx);
            AvgPool2DCpu.Forward(x, n * c, g3, false, pooled);
            AvgPool2DCpu.Backward(pooled, n * c, g3, false, dx);
            GlobalAvgPoolCpu.Forward(x, n * c, s, pooled);
            GlobalAvgPoolCpu.Backward(pooled, n * c, s, dx);
            BatchNormCpu.ForwardTraining(x, n, c, s, gamma, beta, 1e-3f, 0.9f, rm, rv, sm, si, y);
            BatchNormCpu.BackwardTraining(x, dy, n, c, s, gamma, sm, si, dx, dg, db);
            BatchNormCpu.ForwardInference(x, n, c, s, gamma, beta, rm, rv, 1e-3f, y);
            BatchNormCpu.ForwardTraining(x, n * s, c, 1, gamma, beta, 1e-3f, 0.9f, rm, rv, sm, si, y);
            LocalResponseNormCpu.Forward(x, n, c, s, 5, 1e-4f, 0.75f, 2f, y, scale);
            LocalResponseNormCpu.Backward(x, y, scale, dy, n, c, s, 5, 1e-4f, 0.75f, 2f, dx);
            LossesCpu.SparseSoftmaxCrossEntropy(x, labels, n * c, s, probs, dx);
            LossesCpu.BinaryCrossEntropy(x, mask, true, dx);
            LossesCpu.MeanSquaredError(x, dy, dx);
            LossesCpu.CountCorrect(x, labels, n * c, s);
            ElementwiseCpu.AddChannelBias(y, n, c, s, beta);
            ElementwiseCpu.AccumulateChannelBiasGradient(dy, n, c, s, db);
            ElementwiseCpu.AccumulateColumnSums(dy, n * c, s, mask.AsSpan(0, s));
            ElementwiseCpu.DropoutForward(x, 0.5f, 1, 2, mask, y);
            ElementwiseCpu.Multiply(x, dy, y);
            ElementwiseCpu.AddInPlace(y, x);
            OptimizerKernels.Adam(y, dy, m, v, 1e-3f, 0.9f, 0.999f, 1e-7f, 1, 0.01f, true);
            OptimizerKernels.Sgd(y, dy, m, 1e-3f, 0.9f, true, 1e-4f);
        }

        WithThreads(threads, () =>
        {
            RunAll();
            var before = GC.GetAllocatedBytesForCurrentThread();
            RunAll();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        });
    }
}
