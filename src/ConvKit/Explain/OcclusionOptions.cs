namespace ConvKit.Explain;

/// <summary>Settings of <see cref="Occlusion"/>.</summary>
public sealed class OcclusionOptions
{
    /// <summary>Side of the square patch in pixels.</summary>
    public int Size { get; init; } = 4;

    /// <summary>Distance between successive patch positions in pixels (at most <see cref="Size"/> so every pixel is covered).</summary>
    public int Stride { get; init; } = 2;

    /// <summary>The value the patch is filled with in every channel (grey, 0.5, for inputs in [0, 1]).</summary>
    public float Fill { get; init; } = 0.5f;

    /// <summary>How many occluded images go through the model at once.</summary>
    public int BatchSize { get; init; } = 64;

    internal void Validate(int h, int w)
    {
        const string M = "Occlusion";
        if (Size < 1 || Size > Math.Min(h, w))
        {
            throw new ConvKitException($"{M}: the patch size must be between 1 and {Math.Min(h, w)} (the image is {h}x{w}), got {Size}.");
        }
        if (Stride < 1 || Stride > Size)
        {
            throw new ConvKitException($"{M}: the stride must be between 1 and the patch size {Size}, so that every pixel is covered; got {Stride}.");
        }
        if (!float.IsFinite(Fill))
        {
            throw new ConvKitException($"{M}: the fill value must be finite, got {Fill}.");
        }
        if (BatchSize < 1)
        {
            throw new ConvKitException($"{M}: the batch size must be at least 1, got {BatchSize}.");
        }
    }
}
