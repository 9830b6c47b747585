using System.Globalization;
using System.Numerics.Tensors;

namespace ConvKit.Data.Augmentation;

/// <summary>
/// AlexNet's colour augmentation (Krizhevsky, Sutskever, Hinton 2012, §4.1,
/// https://papers.nips.cc/paper/4824): the 3x3 covariance of the training set's RGB pixels is eigen-decomposed once,
/// <c>Σ = Σ_i λ_i p_i p_iᵀ</c>, and each image gets the same offset <c>δ = Σ_i α_i λ_i p_i</c> added to every pixel,
/// with <c>α_i ~ N(0, σ²)</c> drawn once per image. It changes the intensity and colour of the lighting, not the
/// objects. Only for 3-channel images; pixel values are not clipped afterwards (as in the paper).
/// </summary>
/// <remarks>
/// The covariance is computed on the data's own scale (ConvKit's [0, 1]), so λ and the offsets are on that scale
/// too; the paper worked on 0..255 pixels, where the same σ = 0.1 moves colours further in relative terms.
/// </remarks>
public sealed class PcaColorJitter : AugmentationStep
{
    private readonly double[] _eigenvalues = new double[3];
    private readonly double[] _eigenvectors = new double[9];

    /// <summary>PCA colour jitter with standard deviation <paramref name="sigma"/> of the α_i (the paper's 0.1 by default).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not positive.</exception>
    public PcaColorJitter(double sigma = 0.1)
    {
        if (!(sigma > 0 && double.IsFinite(sigma)))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The PCA jitter sigma must be positive.");
        }
        Sigma = sigma;
    }

    /// <summary>Standard deviation of the α_i.</summary>
    public double Sigma { get; }

    /// <summary>Whether the principal axes have been computed (by <see cref="Prepare"/> or <see cref="Fit"/>).</summary>
    public bool IsFitted { get; private set; }

    /// <summary>λ_1 ≥ λ_2 ≥ λ_3, the eigenvalues of the RGB covariance.</summary>
    public IReadOnlyList<double> Eigenvalues => _eigenvalues;

    /// <inheritdoc/>
    public override string Spec => string.Create(CultureInfo.InvariantCulture, $"pca:{Sigma}");

    /// <summary>The unit eigenvector p_i (red, green, blue) of λ_i; its largest component is positive.</summary>
    public (double Red, double Green, double Blue) Eigenvector(int i)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)i, 2u, nameof(i));
        return (_eigenvectors[3 * i], _eigenvectors[3 * i + 1], _eigenvectors[3 * i + 2]);
    }

    /// <summary>The offset δ = Σ_i α_i λ_i p_i for the given α, per channel.</summary>
    public (double Red, double Green, double Blue) Offset(double alpha1, double alpha2, double alpha3)
    {
        RequireFitted();
        Span<double> alpha = [alpha1, alpha2, alpha3];
        Span<double> delta = stackalloc double[3];
        for (var i = 0; i < 3; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                delta[c] += alpha[i] * _eigenvalues[i] * _eigenvectors[3 * i + c];
            }
        }
        return (delta[0], delta[1], delta[2]);
    }

    /// <inheritdoc/>
    public override void Prepare(ReadOnlySpan<float> images, int count, int channels, int height, int width)
    {
        RequireRgb(channels);
        if (!IsFitted)
        {
            Fit(images, count, channels, height, width);
        }
    }

    /// <summary>Computes the RGB covariance of <paramref name="images"/> (count, 3, height, width) and its eigen-decomposition.</summary>
    /// <exception cref="ConvKitException">The images do not have 3 channels, or there are none.</exception>
    public void Fit(ReadOnlySpan<float> images, int count, int channels, int height, int width)
    {
        RequireRgb(channels);
        var plane = height * width;
        if (count < 1 || images.Length < (long)count * 3 * plane)
        {
            throw new ConvKitException($"PCA colour jitter needs at least one training image of (3, {height}, {width}).");
        }
        Span<double> sum = stackalloc double[3];
        Span<double> products = stackalloc double[9];
        for (var n = 0; n < count; n++)
        {
            var r = images.Slice((n * 3 + 0) * plane, plane);
            var g = images.Slice((n * 3 + 1) * plane, plane);
            var b = images.Slice((n * 3 + 2) * plane, plane);
            sum[0] += TensorPrimitives.Sum(r);
            sum[1] += TensorPrimitives.Sum(g);
            sum[2] += TensorPrimitives.Sum(b);
            products[0] += TensorPrimitives.Dot(r, r);
            products[1] += TensorPrimitives.Dot(r, g);
            products[2] += TensorPrimitives.Dot(r, b);
            products[4] += TensorPrimitives.Dot(g, g);
            products[5] += TensorPrimitives.Dot(g, b);
            products[8] += TensorPrimitives.Dot(b, b);
        }
        double total = (double)count * plane;
        var cov = new double[9];
        for (var i = 0; i < 3; i++)
        {
            for (var j = i; j < 3; j++)
            {
                cov[3 * i + j] = cov[3 * j + i] = products[3 * i + j] / total - sum[i] / total * (sum[j] / total);
            }
        }
        SymmetricEigen3(cov, _eigenvalues, _eigenvectors);
        IsFitted = true;
    }

    internal override void Apply(Span<float> image, int channels, int height, int width, ref SplitMix64 random, Span<float> scratch)
    {
        var a1 = random.NextGaussian() * Sigma;
        var a2 = random.NextGaussian() * Sigma;
        var a3 = random.NextGaussian() * Sigma;
        if (channels != 3)
        {
            RequireRgb(channels);
        }
        var (r, g, b) = Offset(a1, a2, a3);
        var plane = height * width;
        TensorPrimitives.Add(image[..plane], (float)r, image[..plane]);
        TensorPrimitives.Add(image.Slice(plane, plane), (float)g, image.Slice(plane, plane));
        TensorPrimitives.Add(image.Slice(2 * plane, plane), (float)b, image.Slice(2 * plane, plane));
    }

    private static void RequireRgb(int channels)
    {
        if (channels != 3)
        {
            throw new ConvKitException($"PCA colour jitter (pca) needs 3-channel RGB images; these have {channels} channel{(channels == 1 ? "" : "s")}. Leave it out for grey data.");
        }
    }

    private void RequireFitted()
    {
        if (!IsFitted)
        {
            throw new InvalidOperationException("PCA colour jitter has no principal axes yet; call Fit (Model.Fit does it through Augmenter.Prepare).");
        }
    }

    /// <summary>
    /// Eigenvalues (descending) and unit eigenvectors (rows of <paramref name="vectors"/>) of a symmetric 3x3
    /// matrix by cyclic Jacobi rotations, which converge to machine precision in a few sweeps.
    /// </summary>
    internal static void SymmetricEigen3(ReadOnlySpan<double> matrix, Span<double> values, Span<double> vectors)
    {
        Span<double> a = stackalloc double[9];
        Span<double> v = stackalloc double[9];
        matrix[..9].CopyTo(a);
        v.Clear();
        v[0] = v[4] = v[8] = 1;
        for (var sweep = 0; sweep < 50; sweep++)
        {
            var off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
            if (off < 1e-30)
            {
                break;
            }
            for (var p = 0; p < 2; p++)
            {
                for (var q = p + 1; q < 3; q++)
                {
                    var apq = a[3 * p + q];
                    if (apq == 0)
                    {
                        continue;
                    }
                    var theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < 3; k++)
                    {
                        // A <- A J on columns p, q, then J^T A on rows p, q; V <- V J.
                        double akp = a[3 * k + p], akq = a[3 * k + q];
                        a[3 * k + p] = c * akp - s * akq;
                        a[3 * k + q] = s * akp + c * akq;
                    }
                    for (var k = 0; k < 3; k++)
                    {
                        double apk = a[3 * p + k], aqk = a[3 * q + k];
                        a[3 * p + k] = c * apk - s * aqk;
                        a[3 * q + k] = s * apk + c * aqk;
                    }
                    for (var k = 0; k < 3; k++)
                    {
                        double vkp = v[3 * k + p], vkq = v[3 * k + q];
                        v[3 * k + p] = c * vkp - s * vkq;
                        v[3 * k + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Span<int> order = [0, 1, 2];
        Span<double> diag = [a[0], a[4], a[8]];
        for (var i = 0; i < 3; i++)
        {
            for (var j = i + 1; j < 3; j++)
            {
                if (diag[order[j]] > diag[order[i]])
                {
                    (order[i], order[j]) = (order[j], order[i]);
                }
            }
        }
        for (var i = 0; i < 3; i++)
        {
            var col = order[i];
            values[i] = Math.Max(0, diag[col]);
            // Column col of V is the eigenvector; make its largest component positive for a stable sign.
            var biggest = 0;
            for (var k = 1; k < 3; k++)
            {
                if (Math.Abs(v[3 * k + col]) > Math.Abs(v[3 * biggest + col]))
                {
                    biggest = k;
                }
            }
            var sign = v[3 * biggest + col] < 0 ? -1.0 : 1.0;
            for (var k = 0; k < 3; k++)
            {
                vectors[3 * i + k] = sign * v[3 * k + col];
            }
        }
    }
}
