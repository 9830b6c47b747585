using System.Text.Json.Nodes;
using ConvKit.Tensors;

namespace ConvKit.Layers.Regularization;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014): in training each unit is zeroed with probability <c>rate</c> and the
/// survivors are scaled by 1/(1 − rate); at inference it is the identity. The mask is drawn from a counter-based
/// generator keyed by the layer seed and the training step, so it does not depend on the thread count.
/// </summary>
public sealed class Dropout : Layer
{
    public Dropout(float rate, int seed = 0, string? name = null) : base(name)
    {
        if (rate is < 0f or >= 1f || float.IsNaN(rate))
        {
            throw new ConvKitException($"Dropout rate must be in [0, 1), got {rate}.");
        }
        Rate = rate;
        Seed = seed;
    }

    public float Rate { get; }

    public int Seed { get; }

    protected override Shape Build(IReadOnlyList<Shape> inputShapes) => inputShapes[0];

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        if (!context.Training || Rate == 0f)
        {
            context.Backend.Copy(inputs[0], output);
            return;
        }
        var mask = context.Buffer(0, output.Shape);
        var seed = (ulong)(uint)Seed ^ ((ulong)(uint)StableHash(Name) << 32);
        // A shard of a batch draws its own rows of the whole batch's mask.
        var first = (ulong)context.SampleOffset * (ulong)(output.Length / Math.Max(1, output.Shape[0]));
        context.Backend.DropoutForward(inputs[0], Rate, seed, context.Step, mask, output, first);
    }

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is not { } dx)
        {
            return;
        }
        if (!context.Training || Rate == 0f)
        {
            context.Backend.Copy(outputGradient, dx);
            return;
        }
        context.Backend.Multiply(outputGradient, context.Buffer(0, output.Shape), dx);
    }

    private static int StableHash(string s)
    {
        unchecked
        {
            var h = (int)2166136261;
            foreach (var ch in s)
            {
                h = (h ^ ch) * 16777619;
            }
            return h;
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rate"] = Rate;
        c["seed"] = Seed;
        return c;
    }
}
