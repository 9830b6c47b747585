using ConvKit.Backends;

namespace ConvKit.Layers.Activations;

/// <summary>Names of activations as Keras spells them, and the fused forward/backward used by layers.</summary>
public static class ActivationFunctions
{
    /// <summary>The slope of <c>activation: "leaky_relu"</c> given as a layer argument (Keras' <c>keras.activations.leaky_relu</c> default).</summary>
    public const float FusedLeakySlope = 0.2f;

    public static ActivationKind Parse(string? name) => (name ?? "linear").Trim().ToLowerInvariant() switch
    {
        "" or "linear" or "none" => ActivationKind.Linear,
        "relu" => ActivationKind.Relu,
        "leaky_relu" or "leakyrelu" => ActivationKind.LeakyRelu,
        "sigmoid" => ActivationKind.Sigmoid,
        "tanh" => ActivationKind.Tanh,
        "softmax" => ActivationKind.Softmax,
        "lecun_tanh" => ActivationKind.LeCunTanh,
        _ => throw new ConvKitException($"Unknown activation '{name}'. Known: linear, relu, leaky_relu, sigmoid, tanh, softmax, lecun_tanh."),
    };

    public static string ToName(ActivationKind kind) => kind switch
    {
        ActivationKind.Linear => "linear",
        ActivationKind.Relu => "relu",
        ActivationKind.LeakyRelu => "leaky_relu",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Softmax => "softmax",
        ActivationKind.LeCunTanh => "lecun_tanh",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// The gradient with respect to a fused activation's input: <paramref name="outputGradient"/> itself when the
    /// activation is linear or the context says the gradient is already pre-activation; otherwise the activation's
    /// backward pass written into scratch slot <paramref name="slot"/>.
    /// </summary>
    internal static Tensors.Tensor PreActivationGradient(LayerContext context, ActivationKind kind, float alpha, Tensors.Tensor output, Tensors.Tensor outputGradient, int slot)
    {
        if (kind == ActivationKind.Linear || context.GradientIsPreActivation)
        {
            return outputGradient;
        }
        var d = context.Buffer(slot, outputGradient.Shape);
        context.Backend.ActivationBackward(kind, alpha, output, outputGradient, d, context.BackpropMode);
        return d;
    }
}
