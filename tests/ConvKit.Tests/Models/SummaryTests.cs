using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Merging;
using ConvKit.Layers.Normalization;
using ConvKit.Models;
using ConvKit.Zoo;

namespace ConvKit.Tests.Models;

public class SummaryTests
{
    [Fact]
    public void KerasMnistCnnMatchesKerasTableLineForLine()
    {
        // Keras 3's model.summary() for its MNIST convnet (the rows, widths and totals Keras prints), shapes channels-last.
        const string expected = """
            Model: "keras_mnist_cnn"
            ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
            ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
            ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
            │ conv2d (Conv2D)                 │ (None, 26, 26, 32)     │           320 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ conv2d_1 (Conv2D)               │ (None, 24, 24, 64)     │        18,496 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ max_pooling2d (MaxPooling2D)    │ (None, 12, 12, 64)     │             0 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dropout (Dropout)               │ (None, 12, 12, 64)     │             0 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ flatten (Flatten)               │ (None, 9216)           │             0 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dense (Dense)                   │ (None, 128)            │     1,179,776 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dropout_1 (Dropout)             │ (None, 128)            │             0 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
            └─────────────────────────────────┴────────────────────────┴───────────────┘
             Total params: 1,199,882 (4.58 MB)
             Trainable params: 1,199,882 (4.58 MB)
             Non-trainable params: 0 (0.00 B)

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), ModelZoo.Create("keras-mnist-cnn").Summary(ShapeOrder.ChannelsLast));
    }

    [Fact]
    public void SeedMnistCountsAndChannelsFirstShapes()
    {
        var model = ModelZoo.Create("seed-mnist");
        Assert.Equal(206_922, model.CountParameters());
        var s = model.Summary();
        Assert.Contains("│ conv2d (Conv2D)                 │ (None, 16, 28, 28)     │           160 │", s);
        Assert.Contains("│ max_pooling2d_1 (MaxPooling2D)  │ (None, 32, 7, 7)       │             0 │", s);
        Assert.Contains("│ dense (Dense)                   │ (None, 128)            │       200,832 │", s);
        Assert.Contains(" Total params: 206,922 (808.29 KB)", s);
    }

    [Fact]
    public void MlpNeedsMoreParametersThanTheCnn() =>
        Assert.True(ModelZoo.Create("mlp").CountParameters() > 3 * ModelZoo.Create("seed-mnist").CountParameters());

    [Fact]
    public void BatchNormCountsNonTrainableParameters()
    {
        var model = new Sequential(new InputLayer(new ConvKit.Tensors.Shape(3, 8, 8)), new Conv2D(4, 3), new BatchNormalization());
        Assert.Equal(4 * 27 + 4 + 16, model.CountParameters());
        Assert.Equal(8, model.CountParameters(trainable: false));
        Assert.Contains(" Non-trainable params: 8 (32.00 B)", model.Summary());
    }

    [Fact]
    public void GraphModelsShowConnections()
    {
        var x = Input.Create(3, 8, 8);
        var a = new Conv2D(2, 1).Call(x);
        var b = new Conv2D(2, 3, padding: Padding.Same).Call(x);
        var model = new Model(x, new Concatenate().Call(a, b), name: "inception_like");
        var s = model.Summary();
        Assert.Contains("input_layer (InputLayer)", s);
        Assert.Contains("Connected to", s);
        Assert.Contains("conv2d[0][0], conv2d_1[0][0]", s);
        Assert.Contains("(None, 4, 8, 8)", s);
    }
}
