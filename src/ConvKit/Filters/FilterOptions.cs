namespace ConvKit.Filters;

/// <summary>
/// The semantics of a 2-D filter: correlation or convolution, which outputs, the stride and the border.
/// The defaults (correlation, same size, stride 1, reflect-101) are those of OpenCV's <c>filter2D</c>.
/// </summary>
/// <remarks>
/// With a kernel K of KH × KW, stride s and the per-mode offsets p (correlation) and q (convolution)
/// <code>
/// correlation: out[y, x] = Σ_{i,j} K[i, j] · I[y·s + i − p, x·s + j − p′]
/// convolution: out[y, x] = Σ_{i,j} K[i, j] · I[y·s − i + q, x·s − j + q′]
/// valid: p = 0,      q = KH − 1      rows out = (H − KH) / s + 1
/// same:  p = KH / 2, q = KH / 2      rows out = (H − 1) / s + 1     (integer division)
/// full:  p = KH − 1, q = 0           rows out = (H + KH − 2) / s + 1
/// </code>
/// (p′ and q′ are the same with KW). Pixels I[r, c] outside the image come from <see cref="Border"/>.
/// </remarks>
public sealed record FilterOptions
{
    /// <summary>The OpenCV defaults: correlation, same size, stride 1, reflect-101 border.</summary>
    public static FilterOptions Default { get; } = new();

    /// <summary>Correlation (the default, as in CNNs and OpenCV) or true convolution.</summary>
    public FilterOperation Operation { get; init; } = FilterOperation.Correlation;

    /// <summary>Valid, same (the default) or full output.</summary>
    public OutputMode Output { get; init; } = OutputMode.Same;

    /// <summary>How pixels outside the image are made up; reflect-101 by default.</summary>
    public BorderMode Border { get; init; } = BorderMode.Reflect101;

    /// <summary>The value of the pixels outside the image when <see cref="Border"/> is <see cref="BorderMode.Constant"/>.</summary>
    public float BorderValue { get; init; }

    /// <summary>The vertical step between output rows (at least 1).</summary>
    public int StrideY { get; init; } = 1;

    /// <summary>The horizontal step between output columns (at least 1).</summary>
    public int StrideX { get; init; } = 1;

    /// <summary>Sets both strides.</summary>
    public int Stride
    {
        init
        {
            StrideY = value;
            StrideX = value;
        }
    }

    /// <summary>Throws <see cref="ConvKitException"/> when a stride is below 1 or an enum value is undefined.</summary>
    public void Validate()
    {
        if (StrideY < 1 || StrideX < 1)
        {
            throw new ConvKitException($"Filter stride must be at least 1, got {StrideY}x{StrideX}.");
        }
        if (!Enum.IsDefined(Operation) || !Enum.IsDefined(Output) || !Enum.IsDefined(Border))
        {
            throw new ConvKitException($"Unknown filter option: operation {Operation}, output {Output}, border {Border}.");
        }
        if (!float.IsFinite(BorderValue))
        {
            throw new ConvKitException($"The border value must be a finite number, got {BorderValue}.");
        }
    }
}
