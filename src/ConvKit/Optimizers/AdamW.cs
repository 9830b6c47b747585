namespace ConvKit.Optimizers;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter 2019): before the Adam step p ← p − lr·wd·p, as Keras'
/// AdamW (default weight decay 0.004).
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(float learningRate = 1e-3f, float weightDecay = 0.004f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate, beta1, beta2, epsilon, weightDecay)
    {
    }

    public override string Name => "adamw";

    protected override bool Decoupled => true;
}
