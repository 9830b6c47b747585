namespace ConvKit.Filters;

/// <summary>
/// The naive twin of <see cref="Filter2D"/>: the formulas of <see cref="FilterOptions"/> written as plain loops,
/// one border lookup per tap, accumulated in double. Slow, obviously right, and the yardstick the fast path is
/// tested against.
/// </summary>
public static class Filter2DReference
{
    /// <summary>Filters the (C, H, W) planes of <paramref name="source"/> into <paramref name="destination"/> (C, OH, OW).</summary>
    /// <exception cref="ConvKitException">The output would be empty or an option is invalid.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Kernel2D kernel, FilterOptions options, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int kh = kernel.Height, kw = kernel.Width;
        var convolution = options.Operation == FilterOperation.Convolution;
        var (offsetY, outH) = Axis(height, kh, options.Output, options.StrideY, convolution);
        var (offsetX, outW) = Axis(width, kw, options.Output, options.StrideX, convolution);
        if (outH < 1 || outW < 1)
        {
            throw new ConvKitException($"A {kh}x{kw} kernel does not fit in a {height}x{width} image, so the valid output is empty; use same or full output.");
        }
        if (source.Length != channels * height * width || destination.Length != channels * outH * outW)
        {
            throw new ArgumentException($"Expected {channels * height * width} source and {channels * outH * outW} destination values, got {source.Length} and {destination.Length}.");
        }
        for (var c = 0; c < channels; c++)
        {
            var plane = source.Slice(c * height * width, height * width);
            for (var y = 0; y < outH; y++)
            {
                for (var x = 0; x < outW; x++)
                {
                    var sum = 0.0;
                    for (var i = 0; i < kh; i++)
                    {
                        for (var j = 0; j < kw; j++)
                        {
                            // correlation: I[y·s + i − p, x·s + j − p′]; convolution: I[y·s − i + q, x·s − j + q′]
                            var r = convolution ? y * options.StrideY - i + offsetY : y * options.StrideY + i - offsetY;
                            var col = convolution ? x * options.StrideX - j + offsetX : x * options.StrideX + j - offsetX;
                            sum += kernel[i, j] * (double)Pixel(plane, height, width, r, col, options);
                        }
                    }
                    destination[(c * outH + y) * outW + x] = (float)sum;
                }
            }
        }
    }

    /// <summary>Filters <paramref name="image"/> and returns a new image.</summary>
    public static ImagePlanes Apply(ImagePlanes image, Kernel2D kernel, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernel);
        options ??= FilterOptions.Default;
        var convolution = options.Operation == FilterOperation.Convolution;
        var (_, outH) = Axis(image.Height, kernel.Height, options.Output, options.StrideY, convolution);
        var (_, outW) = Axis(image.Width, kernel.Width, options.Output, options.StrideX, convolution);
        if (outH < 1 || outW < 1)
        {
            throw new ConvKitException($"A {kernel.Height}x{kernel.Width} kernel does not fit in a {image.Height}x{image.Width} image, so the valid output is empty; use same or full output.");
        }
        var result = new ImagePlanes(image.Channels, outH, outW);
        Apply(image.Data, image.Channels, image.Height, image.Width, kernel, options, result.Data);
        return result;
    }

    /// <summary>The offset (p for correlation, q for convolution) and the output length along one axis.</summary>
    private static (int Offset, int Length) Axis(int n, int k, OutputMode mode, int stride, bool convolution)
    {
        var count = mode switch
        {
            OutputMode.Valid => n - k + 1,
            OutputMode.Same => n,
            _ => n + k - 1,
        };
        var length = count < 1 ? 0 : (count - 1) / stride + 1;
        var offset = mode switch
        {
            OutputMode.Valid => convolution ? k - 1 : 0,
            OutputMode.Same => k / 2,
            _ => convolution ? 0 : k - 1,
        };
        return (offset, length);
    }

    private static float Pixel(ReadOnlySpan<float> plane, int height, int width, int r, int c, FilterOptions options)
    {
        var mr = BorderIndex.Map(r, height, options.Border);
        var mc = BorderIndex.Map(c, width, options.Border);
        return mr < 0 || mc < 0 ? options.BorderValue : plane[mr * width + mc];
    }
}
