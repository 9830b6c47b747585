namespace ConvKit.Filters;

/// <summary>
/// Sizes of one filter call, in the frame of the padded image: the kernel correlates with rows
/// [oy·sy, oy·sy + KH) of the image padded by <see cref="PadTop"/> rows above (and columns likewise), so padded
/// row r is image row r − PadTop. Convolution is expressed as correlation with the flipped kernel.
/// </summary>
internal readonly record struct FilterGeometry(
    int Channels,
    int Height,
    int Width,
    int KernelHeight,
    int KernelWidth,
    int PadTop,
    int PadLeft,
    int PaddedWidth,
    int RowWidth,
    int OutputHeight,
    int OutputWidth,
    int StrideY,
    int StrideX)
{
    /// <summary>
    /// The geometry of filtering a (C, H, W) image with a KH × KW kernel. Throws <see cref="ConvKitException"/>
    /// for an empty image or output (valid mode with a kernel larger than the image).
    /// </summary>
    public static FilterGeometry Create(int channels, int height, int width, int kernelHeight, int kernelWidth, FilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (channels < 1 || height < 1 || width < 1)
        {
            throw new ConvKitException($"Cannot filter an empty image of (C, H, W) = ({channels}, {height}, {width}).");
        }
        var flip = options.Operation == FilterOperation.Convolution;
        var (padTop, padBottom) = Pads(kernelHeight, options.Output, flip);
        var (padLeft, padRight) = Pads(kernelWidth, options.Output, flip);
        var paddedHeight = height + padTop + padBottom;
        var paddedWidth = width + padLeft + padRight;
        if (paddedHeight < kernelHeight || paddedWidth < kernelWidth)
        {
            throw new ConvKitException(
                $"A {kernelHeight}x{kernelWidth} kernel does not fit in a {height}x{width} image, so the valid output is empty; use same or full output.");
        }
        var rowWidth = paddedWidth - kernelWidth + 1;
        var outHeight = (paddedHeight - kernelHeight) / options.StrideY + 1;
        var outWidth = (rowWidth - 1) / options.StrideX + 1;
        return new FilterGeometry(channels, height, width, kernelHeight, kernelWidth, padTop, padLeft, paddedWidth, rowWidth,
            outHeight, outWidth, options.StrideY, options.StrideX);
    }

    /// <summary>Rows (or columns) of padding before and after the image for a kernel of <paramref name="k"/> taps.</summary>
    private static (int Before, int After) Pads(int k, OutputMode mode, bool flipped)
    {
        switch (mode)
        {
            case OutputMode.Valid:
                return (0, 0);
            case OutputMode.Full:
                return (k - 1, k - 1);
            default:
                // OpenCV's anchor is k / 2; flipping the kernel moves it to k - 1 - k / 2 (differs for even k).
                var anchor = flipped ? k - 1 - k / 2 : k / 2;
                return (anchor, k - 1 - anchor);
        }
    }
}
