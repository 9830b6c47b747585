namespace ConvKit.Explain;

/// <summary>Settings of <see cref="DeepDream"/>.</summary>
public sealed class DreamOptions
{
    /// <summary>What is maximised on the layer's activations.</summary>
    public DreamObjective Objective { get; init; } = DreamObjective.Norm;

    /// <summary>Gradient-ascent steps per octave.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Step size in input units: the root mean square change of the image per step.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Number of scales. Octave o (from <c>Octaves − 1</c> down to 0) works on detail at 1 / OctaveScale^o of the input size.</summary>
    public int Octaves { get; init; } = 3;

    /// <summary>The size ratio between successive octaves.</summary>
    public float OctaveScale { get; init; } = 1.4f;

    /// <summary>Random circular shift in [−J, J] pixels per axis before each step (the gradient is shifted back).</summary>
    public int Jitter { get; init; } = 1;

    /// <summary>The smallest valid input value; the image is clipped to the range after each step.</summary>
    public float InputLow { get; init; }

    /// <summary>The largest valid input value.</summary>
    public float InputHigh { get; init; } = 1f;

    /// <summary>Seed of the jitter.</summary>
    public int Seed { get; init; }

    internal void Validate()
    {
        const string M = "Deep Dream";
        if (Steps < 1 || Octaves < 1)
        {
            throw new ConvKitException($"{M} needs at least one step and one octave, got {Steps} steps and {Octaves} octaves.");
        }
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            throw new ConvKitException($"{M} needs a positive learning rate, got {LearningRate}.");
        }
        if (!(OctaveScale > 1) || !float.IsFinite(OctaveScale))
        {
            throw new ConvKitException($"{M}: the octave scale must be above 1, got {OctaveScale}.");
        }
        if (Jitter < 0)
        {
            throw new ConvKitException($"{M}: jitter must be non-negative, got {Jitter}.");
        }
        ModelProbe.CheckRange(InputLow, InputHigh, M);
    }
}
