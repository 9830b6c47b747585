namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>
/// The geometry of one 2-D convolution over NCHW images: input (N, Channels, Height, Width), weight
/// (Filters, Channels / Groups, KernelHeight, KernelWidth), output (N, Filters, OutHeight, OutWidth).
/// Output pixel (oh, ow) reads input rows oh * StrideHeight - PadTop + kh * DilationHeight and columns
/// ow * StrideWidth - PadLeft + kw * DilationWidth; positions outside the image read zero.
/// </summary>
/// <remarks>
/// Padding can be asymmetric: the bottom and right padding are implied by OutHeight and OutWidth (see
/// <see cref="PadBottom"/>), which is how TensorFlow's 'same' padding with stride 2 pads more at the bottom.
/// Input channels per group are Channels / Groups and output channels per group Filters / Groups; groups = 1 is
/// an ordinary convolution and groups = Channels a depthwise one. Use <see cref="Create"/> to derive the output
/// size from symmetric or explicit padding.
/// </remarks>
/// <param name="Channels">Input channels C.</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="Filters">Output channels K.</param>
/// <param name="KernelHeight">Kernel height R.</param>
/// <param name="KernelWidth">Kernel width S.</param>
/// <param name="StrideHeight">Vertical stride.</param>
/// <param name="StrideWidth">Horizontal stride.</param>
/// <param name="PadTop">Zero rows above the image.</param>
/// <param name="PadLeft">Zero columns left of the image.</param>
/// <param name="DilationHeight">Vertical spacing of kernel taps (1 = dense).</param>
/// <param name="DilationWidth">Horizontal spacing of kernel taps (1 = dense).</param>
/// <param name="OutHeight">Output height P.</param>
/// <param name="OutWidth">Output width Q.</param>
/// <param name="Groups">Channel groups; divides both Channels and Filters.</param>
public readonly record struct Conv2DGeometry(int Channels, int Height, int Width, int Filters, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int DilationHeight, int DilationWidth,
    int OutHeight, int OutWidth, int Groups = 1)
{
    /// <summary>
    /// A geometry whose output size follows from explicit padding on all four sides:
    /// OutHeight = floor((Height + padTop + padBottom - dilation * (kernelHeight - 1) - 1) / stride) + 1, likewise OutWidth.
    /// </summary>
    /// <exception cref="ArgumentException">The padded input is smaller than the dilated kernel, or any value is invalid (see <see cref="Validate"/>).</exception>
    public static Conv2DGeometry Create(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth,
        int strideHeight = 1, int strideWidth = 1, int padTop = 0, int padBottom = 0, int padLeft = 0, int padRight = 0,
        int dilationHeight = 1, int dilationWidth = 1, int groups = 1)
    {
        var outHeight = OutputLength(height, kernelHeight, strideHeight, padTop, padBottom, dilationHeight, nameof(height));
        var outWidth = OutputLength(width, kernelWidth, strideWidth, padLeft, padRight, dilationWidth, nameof(width));
        var g = new Conv2DGeometry(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth,
            padTop, padLeft, dilationHeight, dilationWidth, outHeight, outWidth, groups);
        g.Validate();
        return g;
    }

    /// <summary>Input channels per group, Channels / Groups.</summary>
    public int GroupChannels => Channels / Groups;

    /// <summary>Output channels per group, Filters / Groups.</summary>
    public int GroupFilters => Filters / Groups;

    /// <summary>Rows of the im2col matrix of one group: (Channels / Groups) * KernelHeight * KernelWidth.</summary>
    public int ColumnRows => GroupChannels * KernelHeight * KernelWidth;

    /// <summary>Pixels of one output plane, OutHeight * OutWidth (the columns of the im2col matrix).</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Pixels of one input plane, Height * Width.</summary>
    public int InPlane => Height * Width;

    /// <summary>Floats in one input image, Channels * Height * Width.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Floats in one output image, Filters * OutHeight * OutWidth.</summary>
    public int OutputSize => Filters * OutHeight * OutWidth;

    /// <summary>Floats in the weight tensor, Filters * (Channels / Groups) * KernelHeight * KernelWidth.</summary>
    public int WeightSize => Filters * ColumnRows;

    /// <summary>
    /// Padding below the image implied by OutHeight: (OutHeight - 1) * StrideHeight + DilationHeight * (KernelHeight - 1) + 1 - Height - PadTop.
    /// It can be negative, down to 1 - StrideHeight, when the last rows are not reached by any window.
    /// </summary>
    public int PadBottom => (OutHeight - 1) * StrideHeight + DilationHeight * (KernelHeight - 1) + 1 - Height - PadTop;

    /// <summary>Padding right of the image implied by OutWidth, as for <see cref="PadBottom"/>.</summary>
    public int PadRight => (OutWidth - 1) * StrideWidth + DilationWidth * (KernelWidth - 1) + 1 - Width - PadLeft;

    /// <summary>
    /// True for a 1x1 convolution with stride 1 and no padding: the input planes are already the im2col matrix.
    /// </summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1
        && PadTop == 0 && PadLeft == 0 && OutHeight == Height && OutWidth == Width;

    /// <summary>
    /// Checks that every size is positive, padding is non-negative and smaller than the dilated kernel, Groups divides
    /// Channels and Filters, and OutHeight / OutWidth agree with the padding (implied bottom/right padding between
    /// 1 - stride and the dilated kernel extent - 1). Tensor sizes must fit in an int.
    /// </summary>
    /// <exception cref="ArgumentException">Names the first bad value and says what was expected.</exception>
    public void Validate()
    {
        Positive(Channels, nameof(Channels));
        Positive(Height, nameof(Height));
        Positive(Width, nameof(Width));
        Positive(Filters, nameof(Filters));
        Positive(KernelHeight, nameof(KernelHeight));
        Positive(KernelWidth, nameof(KernelWidth));
        Positive(StrideHeight, nameof(StrideHeight));
        Positive(StrideWidth, nameof(StrideWidth));
        Positive(DilationHeight, nameof(DilationHeight));
        Positive(DilationWidth, nameof(DilationWidth));
        Positive(OutHeight, nameof(OutHeight));
        Positive(OutWidth, nameof(OutWidth));
        Positive(Groups, nameof(Groups));
        if (Channels % Groups != 0 || Filters % Groups != 0)
        {
            throw new ArgumentException($"Groups = {Groups} must divide both Channels = {Channels} and Filters = {Filters}.", nameof(Groups));
        }
        var extentH = (long)DilationHeight * (KernelHeight - 1) + 1;
        var extentW = (long)DilationWidth * (KernelWidth - 1) + 1;
        Padding(PadTop, nameof(PadTop), extentH);
        Padding(PadLeft, nameof(PadLeft), extentW);
        var padBottom = (long)(OutHeight - 1) * StrideHeight + extentH - Height - PadTop;
        if (padBottom <= -StrideHeight || padBottom > extentH - 1)
        {
            throw new ArgumentException($"OutHeight = {OutHeight} does not fit Height = {Height}, KernelHeight = {KernelHeight}, StrideHeight = {StrideHeight}, "
                + $"DilationHeight = {DilationHeight}, PadTop = {PadTop}: it implies a bottom padding of {padBottom}, outside [{1 - StrideHeight}, {extentH - 1}].", nameof(OutHeight));
        }
        var padRight = (long)(OutWidth - 1) * StrideWidth + extentW - Width - PadLeft;
        if (padRight <= -StrideWidth || padRight > extentW - 1)
        {
            throw new ArgumentException($"OutWidth = {OutWidth} does not fit Width = {Width}, KernelWidth = {KernelWidth}, StrideWidth = {StrideWidth}, "
                + $"DilationWidth = {DilationWidth}, PadLeft = {PadLeft}: it implies a right padding of {padRight}, outside [{1 - StrideWidth}, {extentW - 1}].", nameof(OutWidth));
        }
        if ((long)Channels * Height * Width > int.MaxValue || (long)Filters * OutHeight * OutWidth > int.MaxValue
            || (long)Filters * (Channels / Groups) * KernelHeight * KernelWidth > int.MaxValue
            || (long)(Channels / Groups) * KernelHeight * KernelWidth * OutHeight * OutWidth > int.MaxValue)
        {
            throw new ArgumentException($"The tensors of {this} are too large for 32-bit indexing.", nameof(Channels));
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be positive, got {value}.", name);
        }
    }

    private static void Padding(int value, string name, long extent)
    {
        if (value < 0 || value > extent - 1)
        {
            throw new ArgumentException($"{name} must be between 0 and {extent - 1} (the dilated kernel extent - 1), got {value}.", name);
        }
    }

    private static int OutputLength(int input, int kernel, int stride, int padBefore, int padAfter, int dilation, string name)
    {
        if (stride <= 0)
        {
            return 0; // Validate reports the stride.
        }
        var span = (long)input + padBefore + padAfter - ((long)dilation * (kernel - 1) + 1);
        if (span < 0)
        {
            throw new ArgumentException($"The padded {name} ({input} + {padBefore} + {padAfter}) is smaller than the dilated kernel ({(long)dilation * (kernel - 1) + 1}).", name);
        }
        return (int)(span / stride + 1);
    }
}
