namespace ConvKit.Backends;

/// <summary>An element-wise (or, for softmax, row-wise) activation function.</summary>
public enum ActivationKind
{
    /// <summary>f(x) = x.</summary>
    Linear,

    /// <summary>f(x) = max(x, 0).</summary>
    Relu,

    /// <summary>f(x) = x for x &gt; 0, alpha·x otherwise (Keras default alpha 0.3).</summary>
    LeakyRelu,

    /// <summary>f(x) = 1 / (1 + e^-x).</summary>
    Sigmoid,

    /// <summary>f(x) = tanh(x).</summary>
    Tanh,

    /// <summary>softmax over the last axis: e^x_i / Σ_j e^x_j.</summary>
    Softmax,

    /// <summary>LeCun's scaled tanh, f(x) = 1.7159·tanh(2x/3) (LeCun et al. 1998, appendix A).</summary>
    LeCunTanh,
}
