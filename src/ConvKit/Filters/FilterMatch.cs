namespace ConvKit.Filters;

/// <summary>The named kernel closest to one learned filter (or one channel slice of it).</summary>
/// <param name="Filter">The learned filter's index k (output channel).</param>
/// <param name="Channel">The input channel c, or −1 when channels were averaged.</param>
/// <param name="KernelName">The closest named kernel, e.g. <c>sobel-x</c>.</param>
/// <param name="Cosine">
/// The signed cosine similarity in [−1, 1]; the best kernel is the one with the largest |cosine|, so −0.9 to
/// sobel-x means a Sobel x detector with the opposite sign (it fires on edges of the other polarity).
/// </param>
public sealed record FilterMatch(int Filter, int Channel, string KernelName, float Cosine)
{
    /// <summary>|cosine|: 1 when the learned filter is the named kernel up to scale and sign.</summary>
    public float Similarity => MathF.Abs(Cosine);

    /// <summary>Whether the learned filter resembles the negated kernel.</summary>
    public bool IsNegated => Cosine < 0;
}
