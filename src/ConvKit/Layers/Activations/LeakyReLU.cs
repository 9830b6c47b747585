using ConvKit.Backends;

namespace ConvKit.Layers.Activations;

/// <summary>Leaky ReLU as a layer: f(x) = x for x &gt; 0, alpha·x otherwise (Keras' default slope 0.3).</summary>
public sealed class LeakyReLU : Activation
{
    public LeakyReLU(float alpha = 0.3f, string? name = null) : base(ActivationKind.LeakyRelu, alpha, name)
    {
    }

    public override string TypeName => "LeakyReLU";

    public override string DefaultNameBase => "leaky_re_lu";
}
