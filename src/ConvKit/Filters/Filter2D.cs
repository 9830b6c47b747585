using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Filters;

/// <summary>
/// 2-D filtering of image planes: each output pixel is the weighted sum of a neighbourhood, the weights given by
/// a <see cref="Kernel2D"/>. The semantics (correlation or convolution, valid / same / full, stride, border)
/// come from <see cref="FilterOptions"/>; the defaults reproduce OpenCV's <c>cv::filter2D</c>. Each channel is
/// filtered on its own. Separable kernels run as a horizontal then a vertical 1-D pass.
/// </summary>
/// <remarks>
/// Shapes: source (C, H, W) → destination (C, OH, OW) with (OH, OW) from <see cref="OutputSize"/>. The fast
/// path keeps whole rows in SIMD registers (Vector512 or Vector256 with fused multiply-add) and splits output
/// rows statically over <see cref="CpuThreads"/>, so results are identical for any thread count.
/// <see cref="Filter2DReference"/> is the naive twin that states the formula loop by loop.
/// </remarks>
/// <example>
/// <code>
/// var edges = Filter2D.Apply(image, NamedKernels.SobelX(3), new FilterOptions { Border = BorderMode.Replicate });
/// </code>
/// </example>
public static class Filter2D
{
    // Below this many multiply-adds a call runs on the calling thread only.
    private const long ParallelThreshold = 1 << 18;

    [ThreadStatic]
    private static FilterRowsWork? t_work;

    /// <summary>The output (height, width) for a (H, W) image and a KH × KW kernel; see <see cref="FilterOptions"/>.</summary>
    /// <exception cref="ConvKitException">The output would be empty (valid mode, kernel larger than the image) or an option is invalid.</exception>
    public static (int Height, int Width) OutputSize(int height, int width, int kernelHeight, int kernelWidth, FilterOptions? options = null)
    {
        var g = FilterGeometry.Create(1, height, width, kernelHeight, kernelWidth, options ?? FilterOptions.Default);
        return (g.OutputHeight, g.OutputWidth);
    }

    /// <summary>Filters every channel of <paramref name="image"/> and returns a new (C, OH, OW) image.</summary>
    /// <exception cref="ConvKitException">The output would be empty or an option is invalid.</exception>
    public static ImagePlanes Apply(ImagePlanes image, Kernel2D kernel, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernel);
        options ??= FilterOptions.Default;
        var (oh, ow) = OutputSize(image.Height, image.Width, kernel.Height, kernel.Width, options);
        var result = new ImagePlanes(image.Channels, oh, ow);
        Apply(image.Data, image.Channels, image.Height, image.Width, kernel, options, result.Data);
        return result;
    }

    /// <summary>
    /// Filters the (C, H, W) planes in <paramref name="source"/> into <paramref name="destination"/>, (C, OH, OW).
    /// Allocates nothing once the per-thread scratch has grown to the image width.
    /// </summary>
    /// <exception cref="ConvKitException">The output would be empty or an option is invalid.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or the two overlap.</exception>
    public static unsafe void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Kernel2D kernel, FilterOptions options, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(options);
        var g = FilterGeometry.Create(channels, height, width, kernel.Height, kernel.Width, options);
        CheckSpans(source, destination, g);
        var work = t_work ??= new FilterRowsWork();
        var flip = options.Operation == FilterOperation.Convolution;
        work.Geometry = g;
        work.Border = options.Border;
        work.BorderValue = options.BorderValue;
        SetWeights(ref work.Weights, kernel.Weights, flip);
        SetWeights(ref work.Column, kernel.ColumnFactor, flip);
        SetWeights(ref work.Row, kernel.RowFactor, flip);
        var taps = kernel.IsSeparable ? kernel.Height + kernel.Width : kernel.Height * kernel.Width;
        var macs = (long)channels * g.OutputHeight * g.RowWidth * taps;
        var threads = macs < ParallelThreshold ? 1 : Math.Min(CpuThreads.Count, channels * g.OutputHeight);
        work.Prepare(threads);
        fixed (float* src = source)
        fixed (float* dst = destination)
        {
            // The pointers live only for this Run call; the fixed statement keeps both spans pinned until it returns.
            work.Source = src;
            work.SourceLength = source.Length;
            work.Destination = dst;
            work.DestinationLength = destination.Length;
            try
            {
                CpuThreads.Run(work, threads);
            }
            finally
            {
                work.Source = null;
                work.Destination = null;
            }
        }
    }

    internal static void CheckSpans(ReadOnlySpan<float> source, ReadOnlySpan<float> destination, in FilterGeometry g)
    {
        var inputLength = (long)g.Channels * g.Height * g.Width;
        var outputLength = (long)g.Channels * g.OutputHeight * g.OutputWidth;
        if (source.Length != inputLength)
        {
            throw new ArgumentException($"Source has {source.Length} values, expected (C, H, W) = ({g.Channels}, {g.Height}, {g.Width}) = {inputLength}.", nameof(source));
        }
        if (destination.Length != outputLength)
        {
            throw new ArgumentException($"Destination has {destination.Length} values, expected (C, OH, OW) = ({g.Channels}, {g.OutputHeight}, {g.OutputWidth}) = {outputLength}.", nameof(destination));
        }
        if (source.Overlaps(destination))
        {
            throw new ArgumentException("Source and destination must not overlap.", nameof(destination));
        }
    }

    /// <summary>Copies <paramref name="weights"/> into the cached array, reversed for a convolution.</summary>
    private static void SetWeights(ref float[] cache, ReadOnlySpan<float> weights, bool flip)
    {
        if (cache.Length != weights.Length)
        {
            cache = new float[weights.Length];
        }
        weights.CopyTo(cache);
        if (flip)
        {
            Array.Reverse(cache);
        }
    }
}
