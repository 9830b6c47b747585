namespace ConvKit.Filters;

/// <summary>
/// A filter from <see cref="KernelCatalog"/> with its parameters fixed: either one linear <see cref="Kernel"/>, or
/// a gradient magnitude or direction computed from two derivative kernels.
/// </summary>
public sealed class NamedFilter
{
    private readonly GradientOperator _gradient;
    private readonly bool _direction;

    internal NamedFilter(KernelCatalogEntry entry, int size, double? sigma, Kernel2D? kernel, GradientOperator gradient = default, bool direction = false)
    {
        Entry = entry;
        Size = size;
        Sigma = sigma;
        Kernel = kernel;
        _gradient = gradient;
        _direction = direction;
    }

    /// <summary>The catalogue entry this filter was made from.</summary>
    public KernelCatalogEntry Entry { get; }

    /// <summary>The catalogue name, e.g. <c>sobel-magnitude</c>.</summary>
    public string Name => Entry.Name;

    /// <summary>The kernel size (height = width).</summary>
    public int Size { get; }

    /// <summary>The Gaussian σ, for the filters that take one.</summary>
    public double? Sigma { get; }

    /// <summary>The kernel of a linear filter; null for gradient magnitude and direction.</summary>
    public Kernel2D? Kernel { get; }

    /// <summary>A short label with the parameters, e.g. <c>gaussian 5x5 sigma=1.2</c> or <c>sobel-magnitude 3x3</c>.</summary>
    public string Caption => Kernel?.Name ?? $"{Name} {Size}x{Size}";

    /// <summary>
    /// Applies the filter to every channel of <paramref name="image"/>. Gradient filters compute gx and gy with the
    /// same options, then the magnitude or the direction (radians) per pixel.
    /// </summary>
    public ImagePlanes Apply(ImagePlanes image, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Kernel is not null)
        {
            return Filter2D.Apply(image, Kernel, options);
        }
        return _direction
            ? Gradients.Direction(image, _gradient, Size, options)
            : Gradients.Magnitude(image, _gradient, Size, options);
    }

    public override string ToString() => Caption;
}
