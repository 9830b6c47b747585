using ConvKit.Initializers;
using ConvKit.Layers;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Merging;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Regularization;
using ConvKit.Layers.Reshaping;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Tests.TestSupport;

namespace ConvKit.Tests.Layers;

/// <summary>Finite-difference checks of every layer's input and parameter gradients.</summary>
public class GradientTests
{
    [Theory]
    [InlineData("valid", 1, 1, 1, "linear")]
    [InlineData("same", 1, 1, 1, "relu")]
    [InlineData("same", 2, 1, 1, "linear")]
    [InlineData("full", 1, 1, 1, "tanh")]
    [InlineData("valid", 1, 2, 1, "sigmoid")]
    [InlineData("same", 1, 2, 2, "linear")]
    [InlineData("1,2,0,1", 2, 1, 1, "linear")]
    public void Conv2D(string padding, int stride, int dilation, int groups, string activation)
    {
        var layer = new Conv2D(4, 3, strides: stride, padding: Padding.Parse(padding), dilation: dilation, groups: groups, activation: activation,
            biasInitializer: Initializer.GlorotUniform);
        GradientChecker.Check(GradientChecker.Single(layer, new Shape(2, 7, 6)), new Shape(2, 7, 6));
    }

    [Fact]
    public void Conv2DRectangularKernelAndStride()
    {
        var layer = new Conv2D(3, (2, 3), (2, 1), Padding.Same, biasInitializer: Initializer.GlorotUniform);
        GradientChecker.Check(GradientChecker.Single(layer, new Shape(3, 6, 5)), new Shape(3, 6, 5), batch: 3);
    }

    [Fact]
    public void Conv2DWithConnectionTable()
    {
        bool[,] table = { { true, false, true }, { false, true, true }, { true, true, false }, { false, true, false } };
        var layer = new Conv2D(4, 3, padding: Padding.Same, activation: "tanh", biasInitializer: Initializer.GlorotUniform, connectionTable: table);
        GradientChecker.Check(GradientChecker.Single(layer, new Shape(3, 6, 5)), new Shape(3, 6, 5));
    }

    [Theory]
    [InlineData(2, 2, "valid")]
    [InlineData(3, 2, "valid")]
    [InlineData(2, 2, "same")]
    [InlineData(3, 1, "same")]
    public void MaxPool(int pool, int stride, string padding) =>
        GradientChecker.Check(GradientChecker.Single(new MaxPool2D(pool, stride, Padding.Parse(padding)), new Shape(2, 7, 7)), new Shape(2, 7, 7), sampler: GradientChecker.Distinct());

    [Theory]
    [InlineData(2, 2, "valid", null)]
    [InlineData(3, 2, "same", null)]
    [InlineData(3, 2, "1", true)]
    [InlineData(3, 2, "1", false)]
    public void AvgPool(int pool, int stride, string padding, bool? includePad) =>
        GradientChecker.Check(GradientChecker.Single(new AvgPool2D(pool, stride, Padding.Parse(padding), includePad), new Shape(2, 7, 7)), new Shape(2, 7, 7));

    [Fact]
    public void GlobalAveragePooling() =>
        GradientChecker.Check(GradientChecker.Single(new GlobalAveragePooling2D(), new Shape(3, 4, 5)), new Shape(3, 4, 5));

    [Theory]
    [InlineData("linear")]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softmax")]
    [InlineData("leaky_relu")]
    [InlineData("lecun_tanh")]
    public void Dense(string activation) =>
        GradientChecker.Check(GradientChecker.Single(new Dense(5, activation, biasInitializer: Initializer.GlorotUniform), new Shape(7)), new Shape(7), batch: 3);

    [Fact]
    public void FlattenThenDense()
    {
        var x = Input.Create(2, 3, 3);
        var y = new Dense(4).Call(new Flatten().Call(x));
        GradientChecker.Check(new Model(x, y), new Shape(2, 3, 3));
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("leaky_relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softmax")]
    public void ActivationLayers(string function) =>
        GradientChecker.Check(GradientChecker.Single(new Activation(function), new Shape(3, 4)), new Shape(3, 4), batch: 2, sampler: GradientChecker.Distinct());

    [Fact]
    public void DropoutInTrainingUsesItsMask() =>
        GradientChecker.Check(GradientChecker.Single(new Dropout(0.4f, seed: 5), new Shape(30)), new Shape(30), training: true);

    [Fact]
    public void BatchNormalizationTrainingOnImages() =>
        GradientChecker.Check(GradientChecker.Single(new BatchNormalization(), new Shape(3, 4, 4)), new Shape(3, 4, 4), batch: 3, training: true);

    [Fact]
    public void BatchNormalizationTrainingOnVectors() =>
        GradientChecker.Check(GradientChecker.Single(new BatchNormalization(), new Shape(5)), new Shape(5), batch: 6, training: true);

    [Theory]
    [InlineData(5, 1e-4f, 0.75f, 2f, 20.0)]
    [InlineData(5, 0.5f, 0.75f, 2f, 1.5)]
    [InlineData(3, 1f, 0.6f, 1f, 1.0)]
    [InlineData(2, 0.8f, 1f, 1.5f, 1.0)]
    public void LocalResponseNormalization(int size, float alpha, float beta, float k, double scale) =>
        GradientChecker.Check(GradientChecker.Single(new LocalResponseNormalization(size, alpha, beta, k), new Shape(6, 3, 3)), new Shape(6, 3, 3),
            sampler: r => (float)((r.NextDouble() * 2 - 1) * scale), epsilon: 1e-2 * scale);

    [Theory]
    [InlineData(2, null, "lecun_tanh")]
    [InlineData(2, null, "linear")]
    [InlineData(3, 2, "tanh")]
    [InlineData(2, 1, "sigmoid")]
    public void Subsampling2D(int pool, int? stride, string activation)
    {
        var layer = new Subsampling2D(pool, stride, activation);
        var model = GradientChecker.Single(layer, new Shape(3, 7, 6));
        layer.Bias.Value.CopyFrom([0.3f, -0.2f, 0.1f]);
        GradientChecker.Check(model, new Shape(3, 7, 6), batch: 2);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void EuclideanRbf(bool trainable, bool negate)
    {
        var layer = new EuclideanRbf(4, trainable, negate);
        GradientChecker.Check(GradientChecker.Single(layer, new Shape(6)), new Shape(6), batch: 3, rtol: 1e-2, atol: 5e-3);
        Assert.Equal(trainable, layer.Prototypes.Trainable);
    }

    [Fact]
    public void ZeroPadding2D() =>
        GradientChecker.Check(GradientChecker.Single(new ZeroPadding2D((1, 2), (0, 3)), new Shape(2, 4, 3)), new Shape(2, 4, 3));

    [Fact]
    public void Cropping2D() =>
        GradientChecker.Check(GradientChecker.Single(new Cropping2D((1, 0), (2, 1)), new Shape(2, 5, 6)), new Shape(2, 5, 6));

    [Fact]
    public void LeNetStyleStack()
    {
        var model = new Sequential(
            new InputLayer(new Shape(2, 6, 6)),
            new ZeroPadding2D(1),
            new Conv2D(3, 3, activation: "lecun_tanh", connectionTable: new[,] { { true, false }, { false, true }, { true, true } }),
            new Subsampling2D(2, activation: "lecun_tanh"),
            new LocalResponseNormalization(3, 0.5f),
            new Cropping2D((0, 1), (1, 0)),
            new Flatten(),
            new EuclideanRbf(3, trainable: true));
        GradientChecker.Check(model, new Shape(2, 6, 6), batch: 2, rtol: 3e-2, atol: 3e-3);
    }

    [Fact]
    public void ConcatenateAndAddWithFanOut()
    {
        // x feeds three consumers; gradients arriving from each must be summed.
        var x = Input.Create(2, 5, 5);
        var a = new Conv2D(3, 3, padding: Padding.Same, activation: "tanh").Call(x);
        var b = new Conv2D(2, 1).Call(x);
        var c = new Concatenate().Call(a, b, x);
        var d = new Conv2D(2, 3, padding: Padding.Same).Call(c);
        var e = new Add().Call(d, new Conv2D(2, 1).Call(x));
        GradientChecker.Check(new Model(x, e), new Shape(2, 5, 5));
    }

    [Fact]
    public void SharedLayerAccumulatesGradientsFromBothCalls()
    {
        var x = Input.Create(6);
        var shared = new Dense(6, "tanh");
        var y = shared.Call(shared.Call(x));
        GradientChecker.Check(new Model(x, y), new Shape(6), batch: 3);
    }

    [Fact]
    public void SeedMnistShapedStack()
    {
        var model = new Sequential(
            new InputLayer(new Shape(1, 8, 8)),
            new Conv2D(3, 3, padding: Padding.Same, activation: "relu", biasInitializer: Initializer.GlorotUniform),
            new MaxPool2D(2),
            new Conv2D(4, 3, padding: Padding.Same, activation: "relu"),
            new MaxPool2D(2),
            new Flatten(),
            new Dense(6, "relu"),
            new Dense(3, "softmax"));
        GradientChecker.Check(model, new Shape(1, 8, 8), batch: 2, sampler: GradientChecker.Distinct(), epsilon: 2e-3, rtol: 3e-2, atol: 3e-3);
    }
}
