namespace ConvKit.Explain;

/// <summary>
/// Settings of <see cref="ActivationMaximization"/>. The objective maximised for each target t is
/// <para>J(x) = t(x) − λ₁·mean|x| − λ₂·mean(x²) − λ_TV·TV(x)</para>
/// where the means run over the C·H·W input values and TV is the squared total variation per value
/// (Σ of squared differences between neighbouring pixels, divided by C·H·W). Each step moves x by
/// <see cref="LearningRate"/> along ∇J divided by its root mean square, then clips x to the input range.
/// </summary>
public sealed class MaximizationOptions
{
    /// <summary>Gradient-ascent steps.</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Step size in input units: the root mean square change of x per step.</summary>
    public float LearningRate { get; init; } = 0.05f;

    /// <summary>λ₁, the weight of the L1 penalty mean|x| (keeps the image from saturating everywhere).</summary>
    public float L1 { get; init; }

    /// <summary>λ₂, the weight of the L2 penalty mean(x²).</summary>
    public float L2 { get; init; }

    /// <summary>λ_TV, the weight of the total-variation penalty (favours smooth images).</summary>
    public float TotalVariation { get; init; }

    /// <summary>Jitter: before each step the image is shifted circularly by a random offset in [−J, J] pixels per axis (and the gradient shifted back), which discourages pixel-exact noise patterns.</summary>
    public int Jitter { get; init; }

    /// <summary>Clip x to [<see cref="InputLow"/>, <see cref="InputHigh"/>] after each step.</summary>
    public bool Clip { get; init; } = true;

    /// <summary>The smallest valid input value (0 for ConvKit's datasets).</summary>
    public float InputLow { get; init; }

    /// <summary>The largest valid input value (1 for ConvKit's datasets).</summary>
    public float InputHigh { get; init; } = 1f;

    /// <summary>Seed of the start images and the jitter.</summary>
    public int Seed { get; init; }

    /// <summary>The start image is the middle of the input range plus uniform noise of this fraction of the range.</summary>
    public float InitialNoise { get; init; } = 0.2f;

    /// <summary>A start image (C, H, W) used for every target instead of noise, or null.</summary>
    public float[]? InitialImage { get; init; }

    internal void Validate(int imageSize)
    {
        const string M = "Activation maximisation";
        if (Steps < 1)
        {
            throw new ConvKitException($"{M} needs at least one step, got {Steps}.");
        }
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            throw new ConvKitException($"{M} needs a positive learning rate, got {LearningRate}.");
        }
        if (!(L1 >= 0 && L2 >= 0 && TotalVariation >= 0) || !float.IsFinite(L1 + L2 + TotalVariation))
        {
            throw new ConvKitException($"{M}: regulariser weights must be finite and non-negative, got L1 {L1}, L2 {L2}, TV {TotalVariation}.");
        }
        if (Jitter < 0)
        {
            throw new ConvKitException($"{M}: jitter must be non-negative, got {Jitter}.");
        }
        if (!(InitialNoise >= 0) || !float.IsFinite(InitialNoise))
        {
            throw new ConvKitException($"{M}: the initial noise must be non-negative, got {InitialNoise}.");
        }
        ModelProbe.CheckRange(InputLow, InputHigh, M);
        if (InitialImage is not null && InitialImage.Length != imageSize)
        {
            throw new ConvKitException($"{M}: the initial image has {InitialImage.Length} values; the model's input has {imageSize}.");
        }
    }
}
