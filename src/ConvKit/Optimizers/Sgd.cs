using System.Text.Json.Nodes;
using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Optimizers;

/// <summary>
/// Stochastic gradient descent, Keras semantics: without momentum p ← p − lr·g; with momentum μ,
/// v ← μ·v − lr·g and p ← p + v, or with Nesterov p ← p + μ·v − lr·g. A weight decay adds wd·p to g.
/// </summary>
public sealed class Sgd : Optimizer
{
    private static readonly string[] Names = ["velocity"];

    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false, float weightDecay = 0f) : base(learningRate)
    {
        if (momentum is < 0f or >= 1f || weightDecay < 0f)
        {
            throw new ConvKitException($"SGD needs 0 <= momentum < 1 and weight decay >= 0, got momentum {momentum} and weight decay {weightDecay}.");
        }
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    public float Momentum { get; }

    public bool Nesterov { get; }

    public float WeightDecay { get; }

    public override string Name => "sgd";

    public override IReadOnlyList<string> SlotNames => Names;

    protected override void Update(Parameter parameter, Tensor[] slots, float learningRate, int step) =>
        parameter.Value.Backend.SgdUpdate(parameter.Value, parameter.Gradient!, slots[0], learningRate, Momentum, Nesterov, WeightDecay);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["momentum"] = Momentum;
        c["nesterov"] = Nesterov;
        c["weight_decay"] = WeightDecay;
        return c;
    }
}
