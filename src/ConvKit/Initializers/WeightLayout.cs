namespace ConvKit.Initializers;

/// <summary>How a weight tensor's axes map to fan-in and fan-out.</summary>
public enum WeightLayout
{
    /// <summary>A vector (biases, batch-norm scales): fan-in = fan-out = length.</summary>
    Vector,

    /// <summary>A dense kernel (in, out).</summary>
    DenseKernel,

    /// <summary>A convolution kernel (filters, channels per group, kernel height, kernel width).</summary>
    ConvKernel,
}
