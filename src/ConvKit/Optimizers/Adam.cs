using System.Text.Json.Nodes;
using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Optimizers;

/// <summary>
/// Adam (Kingma and Ba 2015) as Keras 3 computes it:
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; α = lr·√(1 − β2^t)/(1 − β1^t); p ← p − α·m/(√v + ε).
/// Keras defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-7. A weight decay adds wd·p to the gradient (L2).
/// </summary>
public class Adam : Optimizer
{
    private static readonly string[] Names = ["m", "v"];

    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f, float weightDecay = 0f)
        : base(learningRate)
    {
        if (beta1 is < 0f or >= 1f || beta2 is < 0f or >= 1f || !(epsilon > 0f) || weightDecay < 0f)
        {
            throw new ConvKitException($"Adam needs 0 <= beta < 1, epsilon > 0 and weight decay >= 0; got beta1 {beta1}, beta2 {beta2}, epsilon {epsilon}, weight decay {weightDecay}.");
        }
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public float WeightDecay { get; }

    protected virtual bool Decoupled => false;

    public override string Name => "adam";

    public override IReadOnlyList<string> SlotNames => Names;

    protected override void Update(Parameter parameter, Tensor[] slots, float learningRate, int step) =>
        parameter.Value.Backend.AdamUpdate(parameter.Value, parameter.Gradient!, slots[0], slots[1], learningRate, Beta1, Beta2, Epsilon, step, WeightDecay, Decoupled);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        c["epsilon"] = Epsilon;
        c["weight_decay"] = WeightDecay;
        return c;
    }
}
