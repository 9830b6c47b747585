namespace ConvKit.Filters;

/// <summary>
/// Which output positions a 2-D filter computes, for an image of height H and a kernel of height KH
/// (widths alike), before any stride is applied.
/// </summary>
public enum OutputMode
{
    /// <summary>Only positions where the kernel lies wholly inside the image: H − KH + 1 rows. No border is needed.</summary>
    Valid,

    /// <summary>
    /// One output per input pixel: H rows, the kernel's anchor (its centre, row KH / 2) placed on each pixel.
    /// This is what OpenCV's <c>filter2D</c> computes.
    /// </summary>
    Same,

    /// <summary>Every position where the kernel overlaps the image in at least one pixel: H + KH − 1 rows.</summary>
    Full,
}
