using ConvKit.Backends;
using ConvKit.Layers;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Reshaping;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Tests.TestSupport;

namespace ConvKit.Tests.Parity;

/// <summary>Layers against PyTorch: forward values and the gradients of L = Σ y·dy (tests/fixtures/golden).</summary>
public class GoldenLayerTests
{
    private const double Rtol = 1e-4;
    private const double Atol = 1e-5;

    private static Padding PaddingOf(Golden g) => g.Meta("padding") switch
    {
        "valid" => Padding.Valid,
        "same" => Padding.Same,
        "full" => Padding.Full,
        _ => Padding.Explicit(g.Int("pad_top"), g.Int("pad_bottom"), g.Int("pad_left"), g.Int("pad_right")),
    };

    /// <summary>Runs a one-layer model on the fixture's x and dy and compares y, dx and the named parameter gradients.</summary>
    private static Model Run(Golden g, Layer layer, bool training = false, params (string Parameter, string Value, string Gradient)[] parameters)
    {
        var xShape = g.Shape("x");
        var model = GradientChecker.Single(layer, new Shape(xShape[1..]));
        foreach (var (name, value, _) in parameters)
        {
            layer.Parameters.Single(p => p.Name == name).Value.CopyFrom(g[value]);
        }
        var x = Tensor.FromArray(new Shape(xShape), g["x"]);
        var y = model.Forward(x, training);
        Assertions.Close(g["y"], y.AsSpan(), Rtol, Atol, "y");
        model.Backward(layer.Name, Tensor.FromArray(y.Shape, g["dy"]), parameterGradients: true, training: training);
        Assertions.Close(g["dx"], model.GetInputGradient().AsSpan(), Rtol, Atol, "dx");
        foreach (var (name, _, gradient) in parameters.Where(p => p.Gradient.Length > 0))
        {
            Assertions.Close(g[gradient], layer.Parameters.Single(p => p.Name == name).Gradient!.AsSpan(), Rtol, Atol, gradient);
        }
        return model;
    }

    [Theory]
    [InlineData("conv2d_valid_s1")]
    [InlineData("conv2d_same_s2")]
    [InlineData("conv2d_same_s2_odd")]
    [InlineData("conv2d_full")]
    [InlineData("conv2d_dilated")]
    [InlineData("conv2d_groups2")]
    public void Conv2D(string fixture)
    {
        var g = Golden.Load(fixture);
        var bias = g.Meta("use_bias") == "true";
        var layer = new Conv2D(g.Int("k"), (g.Int("kh"), g.Int("kw")), (g.Int("stride_h"), g.Int("stride_w")), PaddingOf(g),
            (g.Int("dilation_h"), g.Int("dilation_w")), useBias: bias, groups: g.Int("groups"));
        var parameters = new List<(string, string, string)> { ("kernel", "w", "dw") };
        if (bias)
        {
            parameters.Add(("bias", "b", "db"));
        }
        Run(g, layer, false, parameters.ToArray());
    }

    [Fact]
    public void Conv2DWithConnectionTable()
    {
        var g = Golden.Load("conv2d_masked");
        var (k, c) = (g.Shape("mask")[0], g.Shape("mask")[1]);
        var mask = g["mask"];
        var table = new bool[k, c];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < c; j++)
            {
                table[i, j] = mask[i * c + j] != 0f;
            }
        }
        var layer = new Conv2D(g.Int("k"), (g.Int("kh"), g.Int("kw")), (g.Int("stride_h"), g.Int("stride_w")), PaddingOf(g), connectionTable: table);
        var model = GradientChecker.Single(layer, new Shape(g.Shape("x")[1..]));
        // The fixture stores the unmasked kernel; the layer holds w * mask.
        var w = g["w"];
        var taps = g.Int("kh") * g.Int("kw");
        for (var i = 0; i < w.Length; i++)
        {
            w[i] *= mask[i / taps];
        }
        layer.Kernel.Value.CopyFrom(w);
        layer.Bias!.Value.CopyFrom(g["b"]);
        var x = Tensor.FromArray(new Shape(g.Shape("x")), g["x"]);
        var y = model.Forward(x);
        Assertions.Close(g["y"], y.AsSpan(), Rtol, Atol, "y");
        model.Backward(layer.Name, Tensor.FromArray(y.Shape, g["dy"]), parameterGradients: true);
        Assertions.Close(g["dx"], model.GetInputGradient().AsSpan(), Rtol, Atol, "dx");
        var dw = layer.Kernel.Gradient!.ToArray();
        Assertions.Close(g["dw"], dw, Rtol, Atol, "dw");
        Assert.All(Enumerable.Range(0, dw.Length).Where(i => mask[i / taps] == 0f), i => Assert.Equal(0f, dw[i]));
        Assertions.Close(g["db"], layer.Bias.Gradient!.AsSpan(), Rtol, Atol, "db");
    }

    [Theory]
    [InlineData("lrn")]
    [InlineData("lrn_strong")]
    public void LocalResponseNormalization(string fixture)
    {
        var g = Golden.Load(fixture);
        static float F(Golden g, string key) => float.Parse(g.Meta(key), System.Globalization.CultureInfo.InvariantCulture);
        Run(g, new LocalResponseNormalization(g.Int("size"), F(g, "alpha"), F(g, "beta"), F(g, "k")));
    }

    [Fact]
    public void Subsampling2D()
    {
        var g = Golden.Load("subsampling2d");
        Run(g, new Subsampling2D(g.Int("pool"), g.Int("stride"), g.Meta("activation")), false,
            ("coefficient", "coefficient", "dcoefficient"), ("bias", "bias", "dbias"));
    }

    [Fact]
    public void EuclideanRbf()
    {
        var g = Golden.Load("euclidean_rbf");
        Run(g, new EuclideanRbf(g.Int("units"), trainable: true, negate: g.Meta("negate") == "true"), false, ("prototypes", "prototypes", "dprototypes"));
    }

    [Fact]
    public void EuclideanRbfFixedPrototypesStillGiveTheInputGradient()
    {
        var g = Golden.Load("euclidean_rbf");
        Run(g, new EuclideanRbf(g.Int("units")), false, ("prototypes", "prototypes", ""));
    }

    [Fact]
    public void ZeroPadding2D()
    {
        var g = Golden.Load("zero_padding2d");
        Run(g, new ZeroPadding2D((g.Int("top"), g.Int("bottom")), (g.Int("left"), g.Int("right"))));
    }

    [Fact]
    public void Cropping2D()
    {
        var g = Golden.Load("cropping2d");
        Run(g, new Cropping2D((g.Int("top"), g.Int("bottom")), (g.Int("left"), g.Int("right"))));
    }

    [Theory]
    [InlineData("maxpool_2x2")]
    [InlineData("maxpool_3x3_s2_overlap")]
    [InlineData("maxpool_same_pad")]
    public void MaxPool(string fixture)
    {
        var g = Golden.Load(fixture);
        Run(g, new MaxPool2D((g.Int("pool_h"), g.Int("pool_w")), (g.Int("stride_h"), g.Int("stride_w")), PaddingOf(g)));
    }

    [Theory]
    [InlineData("avgpool_2x2")]
    [InlineData("avgpool_3x3_s2_pad1_include")]
    [InlineData("avgpool_3x3_s2_pad1_exclude")]
    public void AvgPool(string fixture)
    {
        var g = Golden.Load(fixture);
        bool? include = g.Meta("padding") == "explicit" ? g.Meta("count_include_pad") == "true" : null;
        Run(g, new AvgPool2D((g.Int("pool_h"), g.Int("pool_w")), (g.Int("stride_h"), g.Int("stride_w")), PaddingOf(g), include));
    }

    [Fact]
    public void GlobalAveragePooling() => Run(Golden.Load("global_avgpool"), new GlobalAveragePooling2D());

    [Fact]
    public void Dense()
    {
        var g = Golden.Load("dense");
        Run(g, new Dense(g.Shape("w")[1]), false, ("kernel", "w", "dw"), ("bias", "b", "db"));
    }

    [Theory]
    [InlineData("batchnorm_train")]
    [InlineData("batchnorm_dense_train")]
    public void BatchNormalizationTraining(string fixture)
    {
        var g = Golden.Load(fixture);
        var layer = new BatchNormalization(float.Parse(g.Meta("momentum"), System.Globalization.CultureInfo.InvariantCulture),
            float.Parse(g.Meta("epsilon"), System.Globalization.CultureInfo.InvariantCulture));
        Run(g, layer, true, ("gamma", "gamma", "dgamma"), ("beta", "beta", "dbeta"), ("moving_mean", "moving_mean", ""), ("moving_variance", "moving_variance", ""));
    }

    [Fact]
    public void BatchNormalizationMovingStatistics()
    {
        var g = Golden.Load("batchnorm_train");
        var layer = new BatchNormalization();
        var model = GradientChecker.Single(layer, new Shape(g.Shape("x")[1..]));
        layer.Gamma.Value.CopyFrom(g["gamma"]);
        layer.Beta.Value.CopyFrom(g["beta"]);
        layer.MovingMean.Value.CopyFrom(g["moving_mean"]);
        layer.MovingVariance.Value.CopyFrom(g["moving_variance"]);
        model.Forward(Tensor.FromArray(new Shape(g.Shape("x")), g["x"]), training: true);
        Assertions.Close(g["moving_mean_after"], layer.MovingMean.Value.AsSpan(), Rtol, Atol, "moving_mean");
        Assertions.Close(g["moving_variance_after"], layer.MovingVariance.Value.AsSpan(), Rtol, Atol, "moving_variance");
    }

    [Fact]
    public void BatchNormalizationInference()
    {
        var g = Golden.Load("batchnorm_eval");
        var layer = new BatchNormalization(epsilon: float.Parse(g.Meta("epsilon"), System.Globalization.CultureInfo.InvariantCulture));
        var model = GradientChecker.Single(layer, new Shape(g.Shape("x")[1..]));
        layer.Gamma.Value.CopyFrom(g["gamma"]);
        layer.Beta.Value.CopyFrom(g["beta"]);
        layer.MovingMean.Value.CopyFrom(g["moving_mean"]);
        layer.MovingVariance.Value.CopyFrom(g["moving_variance"]);
        var y = model.Forward(Tensor.FromArray(new Shape(g.Shape("x")), g["x"]));
        Assertions.Close(g["y"], y.AsSpan(), Rtol, Atol, "y");
    }

    [Theory]
    [InlineData("relu", ActivationKind.Relu)]
    [InlineData("leaky_relu", ActivationKind.LeakyRelu)]
    [InlineData("sigmoid", ActivationKind.Sigmoid)]
    [InlineData("tanh", ActivationKind.Tanh)]
    [InlineData("softmax", ActivationKind.Softmax)]
    [InlineData("lecun_tanh", ActivationKind.LeCunTanh)]
    public void Activations(string name, ActivationKind kind)
    {
        var g = Golden.Load("activations");
        var layer = new Activation(kind, float.Parse(g.Meta("leaky_relu_alpha"), System.Globalization.CultureInfo.InvariantCulture));
        var model = GradientChecker.Single(layer, new Shape(g.Shape("x")[1..]));
        var y = model.Forward(Tensor.FromArray(new Shape(g.Shape("x")), g["x"]));
        Assertions.Close(g[name + ".y"], y.AsSpan(), Rtol, Atol, name + ".y");
        model.Backward(layer.Name, Tensor.FromArray(y.Shape, g["dy"]));
        Assertions.Close(g[name + ".dx"], model.GetInputGradient().AsSpan(), Rtol, Atol, name + ".dx");
    }
}
