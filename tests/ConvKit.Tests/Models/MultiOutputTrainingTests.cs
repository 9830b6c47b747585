using ConvKit.Layers;
using ConvKit.Layers.Core;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;

namespace ConvKit.Tests.Models;

public class MultiOutputTrainingTests
{
    private static readonly int[] Labels = [2, 0];

    private static Tensor Batch() => Tensor.FromBuffer([0.1f, -0.4f, 0.3f, 0.9f, -0.2f, 0.5f, 0.7f, -0.8f], new Shape(2, 4));

    /// <summary>A four-input tanh trunk, the shared start of every model here.</summary>
    private static (SymbolicTensor Input, SymbolicTensor Trunk) Trunk()
    {
        var input = Input.Create(4);
        return (input, new Dense(6, activation: "tanh", name: "trunk").Call(input));
    }

    /// <summary>Auxiliary heads change the training objective: Σ w_o L_o, and every head's gradient reaches the trunk.</summary>
    [Fact]
    public void SeveralOutputsTrainOnTheWeightedSumOfTheirLosses()
    {
        var (input, trunk) = Trunk();
        var main = new Dense(3, activation: "softmax", name: "main").Call(trunk);
        var aux = new Dense(3, activation: "softmax", name: "aux").Call(trunk);
        var x = Batch();
        var labels = Labels;

        var model = new Model([input], [main, aux], seed: 2);
        double LossOf(SymbolicTensor output)
        {
            var probe = new Model(input, output);
            probe.Compile(new Sgd(1e-6f), new SparseCategoricalCrossentropy());
            return probe.Evaluate(x, labels).Loss;
        }
        var expected = LossOf(main) + 0.5 * LossOf(aux);
        model.Compile(new Sgd(1e-6f), new SparseCategoricalCrossentropy(), lossWeights: [1f, 0.5f]);
        Assert.Equal(expected, model.TrainOnBatch(x, labels), 5);
        var auxKernel = model.Layers.Single(l => l.Name == "aux").Parameters[0].Gradient!.ToArray();
        Assert.Contains(auxKernel, v => v != 0f);

        model.Compile(new Sgd(1e-6f), new SparseCategoricalCrossentropy(), lossWeights: [1f, 0f]);
        model.TrainOnBatch(x, labels);
        Assert.All(model.Layers.Single(l => l.Name == "aux").Parameters[0].Gradient!.ToArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ConvKitException>(() => model.Compile(new Sgd(1e-6f), new SparseCategoricalCrossentropy(), lossWeights: [1f]));
    }

    /// <summary>
    /// An output that also feeds another layer gets both gradients, its own loss's and the one coming back from the
    /// later layer: with the later output's loss weighted 0 the step's gradient is the first output's alone.
    /// </summary>
    [Fact]
    public void AnOutputThatFeedsAnotherLayerKeepsItsOwnLossGradient()
    {
        var (input, trunk) = Trunk();
        var first = new Dense(3, activation: "softmax", name: "first").Call(trunk);
        var second = new Dense(3, activation: "softmax", name: "second").Call(first);
        var x = Batch();
        var labels = Labels;
        float[] TrunkGradient(Model model, params float[] lossWeights)
        {
            model.Compile(new Sgd(1e-9f), new SparseCategoricalCrossentropy(), lossWeights: lossWeights);
            model.TrainOnBatch(x, labels);
            return model.Layers.Single(l => l.Name == "trunk").Parameters[0].Gradient!.ToArray();
        }
        var both = new Model([input], [first, second], seed: 3);
        var alone = TrunkGradient(new Model(input, first), 1f);
        Assert.Contains(alone, v => Math.Abs(v) > 1e-4f);
        var weighted = TrunkGradient(both, 1f, 0f);
        for (var i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i], weighted[i], 5);
        }
        Assert.NotEqual(weighted, TrunkGradient(both, 1f, 1f));
    }
}
