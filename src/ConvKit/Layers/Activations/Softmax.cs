using ConvKit.Backends;

namespace ConvKit.Layers.Activations;

/// <summary>Softmax over the last axis as a layer: y_i = e^{x_i} / Σ_j e^{x_j}.</summary>
public sealed class Softmax : Activation
{
    public Softmax(string? name = null) : base(ActivationKind.Softmax, 0f, name)
    {
    }

    public override string TypeName => "Softmax";

    public override string DefaultNameBase => "softmax";
}
