namespace ConvKit.Optimizers;

/// <summary>
/// Per-step learning-rate schedules for <see cref="Optimizer.Schedule"/>: each maps (step, base rate) to the rate of
/// that step, where step counts from 1.
/// </summary>
/// <example><code>optimizer.Schedule = LearningRateSchedules.Cosine(totalSteps: epochs * stepsPerEpoch);</code></example>
public static class LearningRateSchedules
{
    /// <summary>
    /// Cosine decay (Loshchilov and Hutter 2016, <see href="https://arxiv.org/abs/1608.03983"/>, without restarts):
    /// lr(t) = base · (m + (1 − m) · ½(1 + cos(π · min(t, T) / T))), with m = <paramref name="minFraction"/>.
    /// </summary>
    public static Func<int, float, float> Cosine(int totalSteps, float minFraction = 0f)
    {
        if (totalSteps < 1)
        {
            throw new ConvKitException($"A cosine schedule needs at least one step, got {totalSteps}.");
        }
        if (minFraction is < 0f or > 1f)
        {
            throw new ConvKitException($"The cosine schedule's floor must be a fraction in [0, 1], got {minFraction}.");
        }
        return (step, lr) =>
        {
            var t = Math.Min(step, totalSteps) / (double)totalSteps;
            return (float)(lr * (minFraction + (1 - minFraction) * 0.5 * (1 + Math.Cos(Math.PI * t))));
        };
    }

    /// <summary>Step decay: lr(t) = base · factor^floor((t − 1) / everySteps).</summary>
    public static Func<int, float, float> StepDecay(int everySteps, float factor)
    {
        if (everySteps < 1 || !(factor > 0f && factor <= 1f))
        {
            throw new ConvKitException($"Step decay needs a positive interval and a factor in (0, 1], got every {everySteps} steps and factor {factor}.");
        }
        return (step, lr) => lr * MathF.Pow(factor, (step - 1) / everySteps);
    }
}
