using System.Globalization;

namespace ConvKit.Filters;

/// <summary>
/// The classic image-processing kernels, as used with <see cref="Filter2D"/> in correlation mode (the weights are
/// written as they slide over the image, the way OpenCV and CNN layers apply them). Image y grows downwards, so
/// a positive <see cref="SobelY"/> response means the image gets brighter going down.
/// </summary>
/// <remarks>
/// Sizes must be odd (so the kernel has a centre) unless stated otherwise; a wrong size or a sigma ≤ 0 throws
/// <see cref="ConvKitException"/> with a message saying what is allowed.
/// </remarks>
public static class NamedKernels
{
    /// <summary>
    /// The mean (box) blur of <paramref name="size"/> × <paramref name="size"/>: every weight 1 / size², separable
    /// as (1 / size, …) ⊗ (1 / size, …). Same as OpenCV's <c>blur</c>.
    /// </summary>
    public static Kernel2D Mean(int size)
    {
        RequireOdd("mean", size, 1);
        var f = new float[size];
        Array.Fill(f, 1f / size);
        return Kernel2D.Separable($"mean {size}x{size}", f, f);
    }

    /// <summary>
    /// The 1-D Gaussian <c>g[i] = exp(−(i − (n − 1) / 2)² / (2σ²)) / Σ</c>, normalised to sum 1 (computed in double,
    /// rounded to float). Same formula as OpenCV's <c>getGaussianKernel</c> for σ &gt; 0.
    /// </summary>
    public static float[] Gaussian1D(int size, double sigma)
    {
        RequireOdd("gaussian", size, 1);
        RequireSigma("gaussian", sigma);
        var g = new double[size];
        var sum = 0.0;
        for (var i = 0; i < size; i++)
        {
            var x = i - (size - 1) * 0.5;
            g[i] = Math.Exp(-x * x / (2 * sigma * sigma));
            sum += g[i];
        }
        var result = new float[size];
        for (var i = 0; i < size; i++)
        {
            result[i] = (float)(g[i] / sum);
        }
        return result;
    }

    /// <summary>
    /// The Gaussian blur of <paramref name="size"/> × <paramref name="size"/> and standard deviation
    /// <paramref name="sigma"/> (in pixels): <see cref="Gaussian1D"/> ⊗ <see cref="Gaussian1D"/>, separable.
    /// Same as OpenCV's <c>GaussianBlur</c> with σx = σy = sigma.
    /// </summary>
    public static Kernel2D Gaussian(int size, double sigma)
    {
        var g = Gaussian1D(size, sigma);
        return Kernel2D.Separable($"gaussian {size}x{size} sigma={Format(sigma)}", g, g);
    }

    /// <summary>The σ OpenCV picks for a Gaussian of <paramref name="size"/> when none is given: 0.3 · ((size − 1) / 2 − 1) + 0.8.</summary>
    public static double DefaultSigma(int size) => 0.3 * ((size - 1) * 0.5 - 1) + 0.8;

    /// <summary>Sharpen, <c>[[0, −1, 0], [−1, 5, −1], [0, −1, 0]]</c>: the pixel plus its 4-neighbour Laplacian detail.</summary>
    public static Kernel2D Sharpen() => new("sharpen", 3, 3, [0, -1, 0, -1, 5, -1, 0, -1, 0]);

    /// <summary>Emboss, <c>[[−2, −1, 0], [−1, 1, 1], [0, 1, 2]]</c>: a diagonal derivative plus the pixel, lit from the bottom right.</summary>
    public static Kernel2D Emboss() => new("emboss", 3, 3, [-2, -1, 0, -1, 1, 1, 0, 1, 2]);

    /// <summary>
    /// Horizontal edges, <c>[[1, 1, 1], [0, 0, 0], [−1, −1, −1]]</c>: positive where the image is brighter above
    /// than below.
    /// </summary>
    public static Kernel2D EdgeHorizontal() => new("edge-horizontal", 3, 3, [1, 1, 1, 0, 0, 0, -1, -1, -1]);

    /// <summary>
    /// Vertical edges, <c>[[1, 0, −1], [1, 0, −1], [1, 0, −1]]</c> (the usual first example of a CNN filter):
    /// positive where the image is brighter on the left than on the right.
    /// </summary>
    public static Kernel2D EdgeVertical() => new("edge-vertical", 3, 3, [1, 0, -1, 1, 0, -1, 1, 0, -1]);

    /// <summary>
    /// Edges along the 45-degree diagonal (bottom left to top right), <c>[[1, 1, 0], [1, 0, −1], [0, −1, −1]]</c>:
    /// positive where the top left is brighter than the bottom right.
    /// </summary>
    public static Kernel2D Edge45() => new("edge-45", 3, 3, [1, 1, 0, 1, 0, -1, 0, -1, -1]);

    /// <summary>
    /// Edges along the 135-degree diagonal (top left to bottom right), <c>[[0, 1, 1], [−1, 0, 1], [−1, −1, 0]]</c>:
    /// positive where the top right is brighter than the bottom left.
    /// </summary>
    public static Kernel2D Edge135() => new("edge-135", 3, 3, [0, 1, 1, -1, 0, 1, -1, -1, 0]);

    /// <summary>Prewitt x, <c>[[−1, 0, 1], [−1, 0, 1], [−1, 0, 1]]</c> = (1, 1, 1)ᵀ ⊗ (−1, 0, 1): the x derivative, unweighted smoothing.</summary>
    public static Kernel2D PrewittX() => Kernel2D.Separable("prewitt-x", [1, 1, 1], [-1, 0, 1]);

    /// <summary>Prewitt y, <c>[[−1, −1, −1], [0, 0, 0], [1, 1, 1]]</c>: the y derivative (positive when brighter below).</summary>
    public static Kernel2D PrewittY() => Kernel2D.Separable("prewitt-y", [-1, 0, 1], [1, 1, 1]);

    /// <summary>
    /// Sobel x of size 3, 5 or 7: smoothing ⊗ derivative, the smoothing the binomial row of order size − 1 and the
    /// derivative the binomial row of order size − 3 convolved with (−1, 0, 1). Size 3 is
    /// <c>[[−1, 0, 1], [−2, 0, 2], [−1, 0, 1]]</c>. Same as OpenCV's <c>Sobel(dx = 1, dy = 0)</c>.
    /// </summary>
    public static Kernel2D SobelX(int size = 3)
    {
        var (smooth, derivative) = SobelFactors(size);
        return Kernel2D.Separable(size == 3 ? "sobel-x" : $"sobel-x {size}x{size}", smooth, derivative);
    }

    /// <summary>Sobel y of size 3, 5 or 7, the transpose of <see cref="SobelX"/> (positive when brighter below).</summary>
    public static Kernel2D SobelY(int size = 3)
    {
        var (smooth, derivative) = SobelFactors(size);
        return Kernel2D.Separable(size == 3 ? "sobel-y" : $"sobel-y {size}x{size}", derivative, smooth);
    }

    /// <summary>Scharr x, (3, 10, 3)ᵀ ⊗ (−1, 0, 1): a 3 × 3 derivative with better rotation symmetry than Sobel. Same as OpenCV's <c>Scharr(dx = 1)</c>.</summary>
    public static Kernel2D ScharrX() => Kernel2D.Separable("scharr-x", [3, 10, 3], [-1, 0, 1]);

    /// <summary>Scharr y, (−1, 0, 1)ᵀ ⊗ (3, 10, 3).</summary>
    public static Kernel2D ScharrY() => Kernel2D.Separable("scharr-y", [-1, 0, 1], [3, 10, 3]);

    /// <summary>The 4-neighbour Laplacian, <c>[[0, 1, 0], [1, −4, 1], [0, 1, 0]]</c> (OpenCV's <c>Laplacian</c> with ksize = 1).</summary>
    public static Kernel2D Laplacian4() => new("laplacian-4", 3, 3, [0, 1, 0, 1, -4, 1, 0, 1, 0]);

    /// <summary>The 8-neighbour Laplacian, <c>[[1, 1, 1], [1, −8, 1], [1, 1, 1]]</c>.</summary>
    public static Kernel2D Laplacian8() => new("laplacian-8", 3, 3, [1, 1, 1, 1, -8, 1, 1, 1, 1]);

    /// <summary>
    /// The Laplacian of Gaussian (Marr–Hildreth) of odd <paramref name="size"/> ≥ 3 and σ = <paramref name="sigma"/>:
    /// <c>LoG(x, y) = (x² + y² − 2σ²) / σ⁴ · exp(−(x² + y²) / (2σ²)) / (2πσ²)</c> sampled at integer offsets from the
    /// centre, then shifted by its mean so that the weights sum to 0 (a flat image gives 0). Negative at the centre,
    /// like <see cref="Laplacian4"/>.
    /// </summary>
    public static Kernel2D LaplacianOfGaussian(int size, double sigma)
    {
        RequireOdd("log", size, 3);
        RequireSigma("log", sigma);
        var c = size / 2;
        var v = new double[size * size];
        var s2 = sigma * sigma;
        var mean = 0.0;
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                double y = i - c, x = j - c, r2 = x * x + y * y;
                v[i * size + j] = (r2 - 2 * s2) / (s2 * s2) * Math.Exp(-r2 / (2 * s2)) / (2 * Math.PI * s2);
                mean += v[i * size + j];
            }
        }
        mean /= v.Length;
        var w = new float[v.Length];
        for (var k = 0; k < v.Length; k++)
        {
            w[k] = (float)(v[k] - mean);
        }
        return new Kernel2D($"log {size}x{size} sigma={Format(sigma)}", size, size, w);
    }

    /// <summary>The (smoothing, derivative) factors of the Sobel kernel of <paramref name="size"/> (3, 5 or 7).</summary>
    public static (float[] Smoothing, float[] Derivative) SobelFactors(int size)
    {
        if (size is not (3 or 5 or 7))
        {
            throw new ConvKitException($"Sobel kernels come in sizes 3, 5 and 7, got {size}.");
        }
        var smooth = Binomial(size - 1);
        var b = Binomial(size - 3);
        var derivative = new float[size];
        // (b ⊛ (−1, 0, 1))[k] = b[k − 2] − b[k]
        for (var k = 0; k < size; k++)
        {
            var left = k - 2 >= 0 && k - 2 < b.Length ? b[k - 2] : 0f;
            var right = k < b.Length ? b[k] : 0f;
            derivative[k] = left - right;
        }
        return (smooth, derivative);
    }

    private static float[] Binomial(int order)
    {
        var row = new float[order + 1];
        row[0] = 1;
        for (var n = 1; n <= order; n++)
        {
            for (var k = n; k > 0; k--)
            {
                row[k] += row[k - 1];
            }
        }
        return row;
    }

    internal static void RequireOdd(string name, int size, int minimum)
    {
        if (size < minimum || size % 2 == 0)
        {
            throw new ConvKitException($"Kernel '{name}' needs an odd size of at least {minimum} (so that it has a centre pixel), got {size}.");
        }
    }

    internal static void RequireSigma(string name, double sigma)
    {
        if (!(sigma > 0) || double.IsInfinity(sigma))
        {
            throw new ConvKitException($"Kernel '{name}' needs a positive sigma (the standard deviation in pixels), got {Format(sigma)}.");
        }
    }

    internal static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
