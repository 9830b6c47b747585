using ConvKit.Backends;

namespace ConvKit.Layers.Activations;

/// <summary>The rectified linear unit as a layer: f(x) = max(x, 0).</summary>
public sealed class ReLU : Activation
{
    public ReLU(string? name = null) : base(ActivationKind.Relu, 0f, name)
    {
    }

    public override string TypeName => "ReLU";

    public override string DefaultNameBase => "re_lu";
}
