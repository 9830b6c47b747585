namespace ConvKit.Layers.Convolution;

/// <summary>How a convolution or pooling window treats the border.</summary>
public enum PaddingMode
{
    /// <summary>No padding: out = ⌊(n − k_eff)/s⌋ + 1, with k_eff = (k − 1)·d + 1.</summary>
    Valid,

    /// <summary>TensorFlow/Keras 'same': out = ⌈n/s⌉; the total padding (out − 1)·s + k_eff − n is split with the extra pixel at the bottom/right.</summary>
    Same,

    /// <summary>'full': k_eff − 1 zeros on every side, so every partial overlap produces an output (out = n + k_eff − 1 at stride 1).</summary>
    Full,

    /// <summary>Explicit per-side padding given by <see cref="Padding"/>.</summary>
    Explicit,
}
