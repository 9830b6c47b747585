namespace ConvKit.Filters;

/// <summary>Whether a filter slides the kernel as it is, or turned by 180 degrees.</summary>
public enum FilterOperation
{
    /// <summary>
    /// Cross-correlation: <c>out[y, x] = Σ K[i, j] · I[y + i − a, x + j − b]</c>. This is what CNN layers and
    /// OpenCV's <c>filter2D</c> compute, although both call it convolution.
    /// </summary>
    Correlation,

    /// <summary>
    /// True convolution: <c>out[y, x] = Σ K[i, j] · I[y − i + a, x − j + b]</c>, the same as correlation with the
    /// kernel flipped by 180 degrees (and its anchor flipped with it). For symmetric kernels the two agree.
    /// </summary>
    Convolution,
}
