namespace ConvKit.Filters;

/// <summary>One named filter of <see cref="KernelCatalog"/>: its name, what it does and which parameters it takes.</summary>
/// <param name="Name">The name used on the command line, e.g. <c>sobel-x</c>.</param>
/// <param name="Description">One line saying what the filter does.</param>
/// <param name="Sizes">The sizes it accepts, as text: <c>3</c>, <c>3, 5, 7</c> or <c>odd >= 1</c>.</param>
/// <param name="DefaultSize">The size used when none is given.</param>
/// <param name="UsesSigma">Whether it takes a Gaussian σ.</param>
/// <param name="IsLinear">Whether it is a single kernel (false for gradient magnitude and direction).</param>
public sealed record KernelCatalogEntry(string Name, string Description, string Sizes, int DefaultSize, bool UsesSigma, bool IsLinear)
{
    /// <summary>Whether the size can be chosen (false for the fixed 3 × 3 kernels).</summary>
    public bool HasSizeChoice => Sizes != "3";
}
