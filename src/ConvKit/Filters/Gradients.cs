using System.Numerics.Tensors;

namespace ConvKit.Filters;

/// <summary>
/// Image gradients from a pair of derivative kernels: gx and gy by <see cref="Filter2D"/>, then per pixel the
/// magnitude <c>√(gx² + gy²)</c> and the direction <c>atan2(gy, gx)</c> in radians, in [−π, π]. The direction is
/// measured from the +x axis towards +y, and image y grows downwards, so on screen the angle turns clockwise.
/// </summary>
public static class Gradients
{
    /// <summary><c>dst[i] = √(gx[i]² + gy[i]²)</c>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Magnitude(ReadOnlySpan<float> gx, ReadOnlySpan<float> gy, Span<float> destination)
    {
        CheckLengths(gx, gy, destination);
        TensorPrimitives.Hypot(gx, gy, destination);
    }

    /// <summary><c>dst[i] = atan2(gy[i], gx[i])</c> in radians, in [−π, π] (0 where both are 0).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Direction(ReadOnlySpan<float> gx, ReadOnlySpan<float> gy, Span<float> destination)
    {
        CheckLengths(gx, gy, destination);
        TensorPrimitives.Atan2(gy, gx, destination);
    }

    /// <summary>
    /// The x and y derivatives of every channel of <paramref name="image"/>, with kernels of <paramref name="size"/>
    /// (3, 5 or 7 for Sobel; 3 for Prewitt and Scharr).
    /// </summary>
    public static (ImagePlanes Gx, ImagePlanes Gy) Derivatives(ImagePlanes image, GradientOperator op, int size = 3, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (kx, ky) = Kernels(op, size);
        return (Filter2D.Apply(image, kx, options), Filter2D.Apply(image, ky, options));
    }

    /// <summary>The gradient magnitude of every channel of <paramref name="image"/>.</summary>
    public static ImagePlanes Magnitude(ImagePlanes image, GradientOperator op, int size = 3, FilterOptions? options = null)
    {
        var (gx, gy) = Derivatives(image, op, size, options);
        Magnitude(gx.Data, gy.Data, gx.Data);
        return gx;
    }

    /// <summary>The gradient direction (radians) of every channel of <paramref name="image"/>.</summary>
    public static ImagePlanes Direction(ImagePlanes image, GradientOperator op, int size = 3, FilterOptions? options = null)
    {
        var (gx, gy) = Derivatives(image, op, size, options);
        Direction(gx.Data, gy.Data, gx.Data);
        return gx;
    }

    /// <summary>The (x, y) derivative kernels of <paramref name="op"/> at <paramref name="size"/>.</summary>
    /// <exception cref="ConvKitException">The size is not available for the operator.</exception>
    public static (Kernel2D X, Kernel2D Y) Kernels(GradientOperator op, int size = 3)
    {
        if (op != GradientOperator.Sobel && size != 3)
        {
            throw new ConvKitException($"{op} kernels are 3x3 only, got size {size}.");
        }
        return op switch
        {
            GradientOperator.Sobel => (NamedKernels.SobelX(size), NamedKernels.SobelY(size)),
            GradientOperator.Prewitt => (NamedKernels.PrewittX(), NamedKernels.PrewittY()),
            GradientOperator.Scharr => (NamedKernels.ScharrX(), NamedKernels.ScharrY()),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown gradient operator."),
        };
    }

    private static void CheckLengths(ReadOnlySpan<float> gx, ReadOnlySpan<float> gy, ReadOnlySpan<float> destination)
    {
        if (gx.Length != gy.Length || gx.Length != destination.Length)
        {
            throw new ArgumentException($"gx, gy and the destination must have the same length, got {gx.Length}, {gy.Length} and {destination.Length}.");
        }
    }
}
