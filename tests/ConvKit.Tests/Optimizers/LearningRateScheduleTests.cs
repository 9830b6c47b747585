using ConvKit.Optimizers;

namespace ConvKit.Tests.Optimizers;

public class LearningRateScheduleTests
{
    [Fact]
    public void CosineStartsAtTheBaseRateAndEndsAtTheFloor()
    {
        var cosine = LearningRateSchedules.Cosine(totalSteps: 100, minFraction: 0.1f);
        Assert.Equal(1e-3f, cosine(0, 1e-3f), 1e-9f);
        Assert.Equal(0.55e-3f, cosine(50, 1e-3f), 1e-9f);
        Assert.Equal(0.1e-3f, cosine(100, 1e-3f), 1e-9f);
        Assert.Equal(0.1e-3f, cosine(250, 1e-3f), 1e-9f);
        Assert.True(cosine(30, 1f) > cosine(31, 1f));
    }

    [Fact]
    public void StepDecayMultipliesByTheFactorEveryInterval()
    {
        var step = LearningRateSchedules.StepDecay(everySteps: 10, factor: 0.5f);
        Assert.Equal(1f, step(1, 1f));
        Assert.Equal(1f, step(10, 1f));
        Assert.Equal(0.5f, step(11, 1f));
        Assert.Equal(0.25f, step(21, 1f));
    }

    [Fact]
    public void TheOptimizerUsesTheScheduledRate()
    {
        var sgd = new Sgd(1f) { Schedule = LearningRateSchedules.StepDecay(1, 0.5f) };
        var layer = new ConvKit.Layers.Core.Dense(1, useBias: false);
        var model = new ConvKit.Models.Sequential(new ConvKit.Layers.InputLayer(new ConvKit.Tensors.Shape(1)), layer);
        var p = model.Parameters[0];
        p.Value.CopyFrom([0f]);
        p.Gradient!.CopyFrom([1f]);
        sgd.Step(model.Parameters);
        Assert.Equal(-1f, p.Value.ToArray()[0]);
        sgd.Step(model.Parameters);
        Assert.Equal(-1.5f, p.Value.ToArray()[0]);
    }

    [Theory]
    [InlineData(0, 0f)]
    [InlineData(10, 1.5f)]
    public void BadSchedulesAreRefused(int steps, float floor) =>
        Assert.Throws<ConvKitException>(() => LearningRateSchedules.Cosine(steps, floor));
}
