namespace ConvKit.Explain;

/// <summary>
/// What <see cref="ActivationMaximization"/> found: one image per target and the objective at every step.
/// </summary>
public sealed class MaximizationResult
{
    internal MaximizationResult(IReadOnlyList<ExplainTarget> targets, ImageBatch images, double[][] objective, double[][] regularizedObjective, double[] initialObjective, double[] finalObjective)
    {
        Targets = targets;
        Images = images;
        Objective = objective;
        RegularizedObjective = regularizedObjective;
        InitialObjective = initialObjective;
        FinalObjective = finalObjective;
    }

    /// <summary>The targets, in the order given.</summary>
    public IReadOnlyList<ExplainTarget> Targets { get; }

    /// <summary>The images that maximise each target, (targets, C, H, W).</summary>
    public ImageBatch Images { get; }

    /// <summary>The target value t(x) at each step (on the jittered image that step saw), per target: [target][step].</summary>
    public double[][] Objective { get; }

    /// <summary>The full objective J(x) = t(x) − penalties at each step, per target: [target][step].</summary>
    public double[][] RegularizedObjective { get; }

    /// <summary>The target value of each start image.</summary>
    public double[] InitialObjective { get; }

    /// <summary>The target value of each final image (without jitter).</summary>
    public double[] FinalObjective { get; }
}
