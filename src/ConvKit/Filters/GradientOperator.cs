namespace ConvKit.Filters;

/// <summary>The derivative kernels a gradient is computed with.</summary>
public enum GradientOperator
{
    /// <summary><see cref="NamedKernels.SobelX"/> and <see cref="NamedKernels.SobelY"/> (size 3, 5 or 7).</summary>
    Sobel,

    /// <summary><see cref="NamedKernels.PrewittX"/> and <see cref="NamedKernels.PrewittY"/> (3 × 3).</summary>
    Prewitt,

    /// <summary><see cref="NamedKernels.ScharrX"/> and <see cref="NamedKernels.ScharrY"/> (3 × 3).</summary>
    Scharr,
}
