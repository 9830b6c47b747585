namespace ConvKit.Layers.Convolution;

/// <summary>
/// Padding of a convolution or pooling layer: one of the named modes, or explicit zeros per side.
/// </summary>
/// <example><code>new Conv2D(32, 3, padding: Padding.Same); new Conv2D(6, 5, padding: Padding.Explicit(2));</code></example>
public sealed record Padding(PaddingMode Mode, int Top = 0, int Bottom = 0, int Left = 0, int Right = 0)
{
    public static Padding Valid { get; } = new(PaddingMode.Valid);

    public static Padding Same { get; } = new(PaddingMode.Same);

    public static Padding Full { get; } = new(PaddingMode.Full);

    /// <summary>The same number of zeros on all four sides (PyTorch's <c>padding=p</c>).</summary>
    public static Padding Explicit(int all) => Explicit(all, all, all, all);

    /// <summary>Explicit zeros per side.</summary>
    public static Padding Explicit(int top, int bottom, int left, int right)
    {
        if (top < 0 || bottom < 0 || left < 0 || right < 0)
        {
            throw new ConvKitException($"Padding must be non-negative, got top {top}, bottom {bottom}, left {left}, right {right}.");
        }
        return new Padding(PaddingMode.Explicit, top, bottom, left, right);
    }

    /// <summary>Parses "valid", "same", "full", or one or four integers ("2", "1,2,1,2" = top,bottom,left,right).</summary>
    public static Padding Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text.Trim().ToLowerInvariant())
        {
            case "valid":
                return Valid;
            case "same":
                return Same;
            case "full":
                return Full;
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out values[i]))
            {
                throw new ConvKitException($"Unknown padding '{text}': use valid, same, full, one integer, or four integers top,bottom,left,right.");
            }
        }
        return values.Length switch
        {
            1 => Explicit(values[0]),
            4 => Explicit(values[0], values[1], values[2], values[3]),
            _ => throw new ConvKitException($"Unknown padding '{text}': use valid, same, full, one integer, or four integers top,bottom,left,right."),
        };
    }

    /// <summary>
    /// Resolves one axis: for input size <paramref name="size"/>, window <paramref name="kernel"/>, stride and
    /// dilation, returns the padding before and the output size.
    /// </summary>
    public (int PadBefore, int Output) Resolve(int size, int kernel, int stride, int dilation, bool vertical)
    {
        var effective = (kernel - 1) * dilation + 1;
        int before, after;
        switch (Mode)
        {
            case PaddingMode.Valid:
                before = after = 0;
                break;
            case PaddingMode.Same:
                var outSame = (size + stride - 1) / stride;
                var total = Math.Max((outSame - 1) * stride + effective - size, 0);
                before = total / 2;
                after = total - before;
                break;
            case PaddingMode.Full:
                before = after = effective - 1;
                break;
            default:
                (before, after) = vertical ? (Top, Bottom) : (Left, Right);
                break;
        }
        var span = size + before + after - effective;
        var output = span < 0 ? 0 : span / stride + 1;
        return (before, output);
    }

    public override string ToString() => Mode == PaddingMode.Explicit ? $"({Top}, {Bottom}, {Left}, {Right})" : Mode.ToString().ToLowerInvariant();
}
