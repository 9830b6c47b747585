using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;

namespace ConvKit.Tests.Models;

/// <summary>
/// A model makes Flatten's output a view of its input and, where nothing else writes there, the input's gradient a
/// view of Flatten's: every value must stay what a copying Flatten gives.
/// </summary>
public class FlattenViewTests
{
    /// <summary>Flatten with its own buffers: copies forward and backward, as the layer did before views.</summary>
    private sealed class CopyingFlatten(string name) : Layer(name)
    {
        protected override Shape Build(IReadOnlyList<Shape> inputShapes) => new(inputShapes[0].Size);

        public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
            context.Backend.Copy(inputs[0], output);

        public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
        {
            if (inputGradients[0] is { } dx)
            {
                context.Backend.Copy(outputGradient, dx);
            }
        }
    }

    private static Tensor Images(int n, int seed)
    {
        var r = new Random(seed);
        return Tensor.FromArray(new Shape(n, 2, 6, 6), Enumerable.Range(0, n * 72).Select(_ => (float)r.NextDouble()).ToArray());
    }

    private static void CopyWeights(Model from, Model to)
    {
        Assert.Equal(from.Parameters.Count, to.Parameters.Count);
        for (var i = 0; i < from.Parameters.Count; i++)
        {
            to.Parameters[i].Value.CopyFrom(from.Parameters[i].Value.AsSpan());
        }
    }

    private static Model Sequential(Layer flatten) =>
        new Sequential(new InputLayer(new Shape(2, 6, 6)), new Conv2D(3, 3, activation: "relu", name: "conv"), flatten,
            new Dense(4, activation: "softmax", name: "head"));

    [Fact]
    public void FlattenOutputIsAViewAndGradientsMatchACopyingFlatten()
    {
        var viewing = Sequential(new Flatten("flat"));
        var copying = Sequential(new CopyingFlatten("flat"));
        CopyWeights(viewing, copying);
        var x = Images(3, 1);

        var yv = viewing.Forward(x).ToArray();
        Assert.True(viewing.GetActivation("flat").SharesElementsWith(viewing.GetActivation("conv").Reshape(new Shape(3, 48))));
        Assert.Equal(copying.Forward(x).ToArray(), yv);

        var seed = Tensor.FromArray(new Shape(3, 4), Enumerable.Range(0, 12).Select(i => (float)Math.Sin(i)).ToArray());
        viewing.Backward(seed, parameterGradients: true);
        copying.Backward(seed, parameterGradients: true);
        Assert.Equal(copying.GetInputGradient().ToArray(), viewing.GetInputGradient().ToArray());
        Assert.Equal(copying.GetActivationGradient("conv").ToArray(), viewing.GetActivationGradient("conv").ToArray());
        Assert.Contains(viewing.GetInputGradient().ToArray(), v => v != 0f);
        for (var i = 0; i < viewing.Parameters.Count; i++)
        {
            Assert.Equal(copying.Parameters[i].Gradient!.ToArray(), viewing.Parameters[i].Gradient!.ToArray());
        }

        // A smaller batch borrows the larger plan's buffers, views included.
        var small = Images(2, 2);
        Assert.Equal(copying.Forward(small).ToArray(), viewing.Forward(small).ToArray());
        Assert.True(viewing.GetActivation("flat").SharesElementsWith(viewing.GetActivation("conv").Reshape(new Shape(2, 48))));
    }

    /// <summary>
    /// When Flatten's input is also a model output, or feeds another layer too, its gradient has other writers, so it
    /// keeps its own buffer: training must give the same loss and gradients as with a copying Flatten.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFlattenInputWithOtherGradientWritersKeepsItsOwnGradient(bool inputIsAnOutput)
    {
        Model Build(Func<Layer> flatten)
        {
            var input = Input.Create(2, 6, 6);
            var conv = new Conv2D(2, 5, activation: "tanh", name: "conv").Call(input);
            var trunk = new Flatten("trunk_flat").Call(conv);
            var a = new Dense(3, activation: "softmax", name: "a").Call(trunk);
            var flat = flatten().Call(a);
            var main = new Dense(3, activation: "softmax", name: "main").Call(flat);
            if (inputIsAnOutput)
            {
                return new Model([input], [a, main], seed: 4);
            }
            var aux = new Dense(3, activation: "softmax", name: "aux").Call(a);
            return new Model([input], [aux, main], seed: 4);
        }
        var viewing = Build(() => new Flatten("flat"));
        var copying = Build(() => new CopyingFlatten("flat"));
        CopyWeights(viewing, copying);
        var x = Images(4, 3);
        int[] labels = [0, 2, 1, 2];
        viewing.Compile(new Sgd(0.1f), new SparseCategoricalCrossentropy());
        copying.Compile(new Sgd(0.1f), new SparseCategoricalCrossentropy());
        for (var step = 0; step < 3; step++)
        {
            Assert.Equal(copying.TrainOnBatch(x, labels), viewing.TrainOnBatch(x, labels));
            for (var i = 0; i < viewing.Parameters.Count; i++)
            {
                Assert.Equal(copying.Parameters[i].Value.ToArray(), viewing.Parameters[i].Value.ToArray());
            }
        }
    }
}
