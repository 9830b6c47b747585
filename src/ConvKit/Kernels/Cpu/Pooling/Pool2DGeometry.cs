namespace ConvKit.Kernels.Cpu.Pooling;

/// <summary>
/// Geometry of a 2-D pooling window sliding over planes of (<see cref="Height"/>, <see cref="Width"/>) to produce
/// planes of (<see cref="OutHeight"/>, <see cref="OutWidth"/>). Output (oh, ow) covers input rows
/// [oh * StrideHeight - PadTop, oh * StrideHeight - PadTop + PoolHeight) and the matching columns; positions outside
/// the input are padding. Only the top and left padding are stored: the bottom and right padding are whatever
/// <see cref="OutHeight"/> and <see cref="OutWidth"/> imply, so asymmetric ("same") and ceil-mode padding need no
/// extra fields. Build one with <see cref="Create"/> or <see cref="Same"/>, which compute the output size.
/// </summary>
/// <param name="Height">Input plane height (at least 1).</param>
/// <param name="Width">Input plane width (at least 1).</param>
/// <param name="PoolHeight">Window height (at least 1).</param>
/// <param name="PoolWidth">Window width (at least 1).</param>
/// <param name="StrideHeight">Vertical step between windows (at least 1).</param>
/// <param name="StrideWidth">Horizontal step between windows (at least 1).</param>
/// <param name="PadTop">Padding rows above the input (zero or more).</param>
/// <param name="PadLeft">Padding columns left of the input (zero or more).</param>
/// <param name="OutHeight">Output plane height (at least 1).</param>
/// <param name="OutWidth">Output plane width (at least 1).</param>
public readonly record struct Pool2DGeometry(int Height, int Width, int PoolHeight, int PoolWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    /// <summary>Elements in one input plane: Height * Width.</summary>
    public int InputPlaneSize => Height * Width;

    /// <summary>Elements in one output plane: OutHeight * OutWidth.</summary>
    public int OutputPlaneSize => OutHeight * OutWidth;

    /// <summary>
    /// Geometry with explicit padding on each side. The output size is
    /// floor((H + padTop + padBottom - pool) / stride) + 1, or with <paramref name="ceilMode"/> the ceiling, minus one
    /// when the last window would start beyond the input and the top/left padding (PyTorch's <c>ceil_mode</c> rule).
    /// </summary>
    /// <exception cref="ArgumentException">A size is out of range, or the padded input is smaller than the window.</exception>
    public static Pool2DGeometry Create(int height, int width, int poolHeight, int poolWidth, int strideHeight, int strideWidth,
        int padTop = 0, int padLeft = 0, int padBottom = 0, int padRight = 0, bool ceilMode = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padBottom);
        ArgumentOutOfRangeException.ThrowIfNegative(padRight);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideWidth, 1);
        var outHeight = OutputSize(height, poolHeight, strideHeight, padTop, padBottom, ceilMode);
        var outWidth = OutputSize(width, poolWidth, strideWidth, padLeft, padRight, ceilMode);
        var g = new Pool2DGeometry(height, width, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft, outHeight, outWidth);
        g.Validate();
        return g;
    }

    /// <summary>
    /// Keras/TensorFlow <c>padding="same"</c>: output = ceil(input / stride) and the total padding
    /// max((output - 1) * stride + pool - input, 0) is split with the smaller half on top/left.
    /// </summary>
    /// <exception cref="ArgumentException">A size is out of range.</exception>
    public static Pool2DGeometry Same(int height, int width, int poolHeight, int poolWidth, int strideHeight, int strideWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideWidth, 1);
        var outHeight = (height + strideHeight - 1) / strideHeight;
        var outWidth = (width + strideWidth - 1) / strideWidth;
        var padH = Math.Max((outHeight - 1) * strideHeight + poolHeight - height, 0);
        var padW = Math.Max((outWidth - 1) * strideWidth + poolWidth - width, 0);
        var g = new Pool2DGeometry(height, width, poolHeight, poolWidth, strideHeight, strideWidth, padH / 2, padW / 2, outHeight, outWidth);
        g.Validate();
        return g;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is out of range.</summary>
    public void Validate()
    {
        Require(Height >= 1, nameof(Height), Height, "at least 1");
        Require(Width >= 1, nameof(Width), Width, "at least 1");
        Require(PoolHeight >= 1, nameof(PoolHeight), PoolHeight, "at least 1");
        Require(PoolWidth >= 1, nameof(PoolWidth), PoolWidth, "at least 1");
        Require(StrideHeight >= 1, nameof(StrideHeight), StrideHeight, "at least 1");
        Require(StrideWidth >= 1, nameof(StrideWidth), StrideWidth, "at least 1");
        Require(PadTop >= 0, nameof(PadTop), PadTop, "zero or more");
        Require(PadLeft >= 0, nameof(PadLeft), PadLeft, "zero or more");
        Require(OutHeight >= 1, nameof(OutHeight), OutHeight, "at least 1");
        Require(OutWidth >= 1, nameof(OutWidth), OutWidth, "at least 1");
        if ((long)Height * Width > int.MaxValue || (long)OutHeight * OutWidth > int.MaxValue)
        {
            throw new ArgumentException($"Pooling planes of {Height}x{Width} -> {OutHeight}x{OutWidth} are too large.");
        }
    }

    /// <summary>True for the common unpadded 2x2 window with stride 2 whose windows all lie inside the input.</summary>
    internal bool IsUnpadded2x2Stride2 =>
        PoolHeight == 2 && PoolWidth == 2 && StrideHeight == 2 && StrideWidth == 2 && PadTop == 0 && PadLeft == 0
        && 2 * OutHeight <= Height && 2 * OutWidth <= Width;

    private static int OutputSize(int size, int pool, int stride, int padBefore, int padAfter, bool ceilMode)
    {
        var span = (long)size + padBefore + padAfter - pool;
        if (size < 1 || pool < 1 || padBefore < 0 || span < 0)
        {
            throw new ArgumentException($"A pooling window of {pool} does not fit an input of {size} with padding {padBefore}+{padAfter}.");
        }
        var output = ceilMode ? (span + stride - 1) / stride + 1 : span / stride + 1;
        if (ceilMode && (output - 1) * stride >= size + padBefore)
        {
            output--;
        }
        return (int)output;
    }

    private static void Require(bool ok, string field, int value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentException($"Pooling geometry {field} is {value}; it must be {expected}.", field);
        }
    }
}
