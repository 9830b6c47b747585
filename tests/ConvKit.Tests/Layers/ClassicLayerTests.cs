using ConvKit.Initializers;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Reshaping;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Layers;

/// <summary>LeNet-5's and AlexNet's layers: shapes, parameter counts, saving, and the errors users see.</summary>
public class ClassicLayerTests
{
    /// <summary>LeNet-5 as the paper describes it (C1, S2, C3 with Table I, S4, C5, F6, RBF output).</summary>
    private static Sequential LeNet5() => new(
        new InputLayer(new Shape(1, 28, 28)),
        new ZeroPadding2D(2, name: "pad"),
        new Conv2D(6, 5, activation: "lecun_tanh", name: "c1"),
        new Subsampling2D(2, activation: "lecun_tanh", name: "s2"),
        new Conv2D(16, 5, activation: "lecun_tanh", connectionTable: ConnectionTables.LeNet5ConnectionTable(), name: "c3"),
        new Subsampling2D(2, activation: "lecun_tanh", name: "s4"),
        new Conv2D(120, 5, activation: "lecun_tanh", name: "c5"),
        new Flatten(),
        new Dense(84, "lecun_tanh", name: "f6"),
        new EuclideanRbf(10, name: "output"));

    private static Tensor RandomInput(int n, Shape shape, int seed)
    {
        var r = new Random(seed);
        return Tensor.FromArray(shape.WithBatch(n), Enumerable.Range(0, n * shape.Size).Select(_ => (float)r.NextDouble()).ToArray());
    }

    [Fact]
    public void LeNet5HasThePapersShapesAndParameterCounts()
    {
        var model = LeNet5();
        long Count(string name) => model.Layers.Single(l => l.Name == name).Parameters.Sum(p => p.FreeCount);
        Assert.Equal(new Shape(1, 32, 32), model.Layers.Single(l => l.Name == "pad").OutputShape);
        Assert.Equal(156, Count("c1"));
        Assert.Equal(12, Count("s2"));
        Assert.Equal(new Shape(6, 14, 14), model.Layers.Single(l => l.Name == "s2").OutputShape);
        Assert.Equal(1_516, Count("c3"));
        Assert.Equal(32, Count("s4"));
        Assert.Equal(48_120, Count("c5"));
        Assert.Equal(10_164, Count("f6"));
        Assert.Equal(840, Count("output"));
        // The paper's "60,000 trainable parameters": 156 + 12 + 1,516 + 32 + 48,120 + 10,164 = 60,000.
        Assert.Equal(60_000, model.CountParameters(true));
        Assert.Equal(840, model.CountParameters(false));
        var summary = model.Summary();
        Assert.Contains("Trainable params: 60,000", summary);
        Assert.Contains("Non-trainable params: 840", summary);
    }

    [Fact]
    public void RbfPrototypesAreSeededPlusOrMinusOneAndFixedUnlessTrainable()
    {
        var model = LeNet5();
        var rbf = (EuclideanRbf)model.Layers.Single(l => l.Name == "output");
        var prototypes = rbf.Prototypes.Value.ToArray();
        Assert.All(prototypes, v => Assert.True(v is 1f or -1f));
        Assert.Contains(prototypes, v => v == 1f);
        Assert.Contains(prototypes, v => v == -1f);
        Assert.Equal(prototypes, LeNet5().Layers.Single(l => l.Name == "output").Parameters[0].Value.ToArray());
        model.Compile(new Sgd(0.1f), new SparseCategoricalCrossentropy(), ["accuracy"]);
        model.TrainOnBatch(RandomInput(4, new Shape(1, 28, 28), 1), [0, 1, 2, 3]);
        Assert.Equal(prototypes, rbf.Prototypes.Value.ToArray());
        Assert.Null(rbf.Prototypes.Gradient);
    }

    [Fact]
    public void EveryNewLayerRoundTripsThroughSaveAndLoad()
    {
        using var dir = new TempDirectory();
        var x = Input.Create(3, 9, 8);
        var a = new ZeroPadding2D((1, 0), (2, 1), name: "pad").Call(x);
        var b = new Conv2D(4, 3, activation: "relu", connectionTable: new[,] { { true, false, true }, { false, true, false }, { true, true, true }, { false, false, true } }, name: "conv").Call(a);
        var c = new LocalResponseNormalization(3, 0.3f, 0.6f, 1.5f, name: "lrn").Call(b);
        var d = new Subsampling2D(3, 2, "lecun_tanh", name: "sub").Call(c);
        var e = new Cropping2D((0, 1), (1, 0), name: "crop").Call(d);
        var f = new EuclideanRbf(5, trainable: true, negate: false, name: "rbf").Call(new Flatten().Call(e));
        var model = new Model(x, f, "classic");
        model.Compile(new Adam(1e-2f), new SparseCategoricalCrossentropy());
        var input = RandomInput(2, new Shape(3, 9, 8), 2);
        model.TrainOnBatch(input, [1, 4]);

        var path = dir.File("classic.safetensors");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(model.ToJson(), loaded.ToJson());
        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(model.Predict(input).ToArray(), loaded.Predict(input).ToArray());
        var lrn = (LocalResponseNormalization)loaded.Layers.Single(l => l.Name == "lrn");
        Assert.Equal((3, 0.3f, 0.6f, 1.5f), (lrn.Size, lrn.Alpha, lrn.Beta, lrn.K));
        var sub = (Subsampling2D)loaded.Layers.Single(l => l.Name == "sub");
        Assert.Equal(((3, 3), (2, 2)), (sub.PoolSize, sub.Strides));
        var rbf = (EuclideanRbf)loaded.Layers.Single(l => l.Name == "rbf");
        Assert.True(rbf.Trainable);
        Assert.False(rbf.Negate);
        Assert.Equal(((1, 0), (2, 1)), (((ZeroPadding2D)loaded.Layers.Single(l => l.Name == "pad")).Vertical, ((ZeroPadding2D)loaded.Layers.Single(l => l.Name == "pad")).Horizontal));
        Assert.Equal(((0, 1), (1, 0)), (((Cropping2D)loaded.Layers.Single(l => l.Name == "crop")).Vertical, ((Cropping2D)loaded.Layers.Single(l => l.Name == "crop")).Horizontal));
    }

    [Fact]
    public void CroppingMoreThanTheInputHasIsRefused()
    {
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(2, 5, 6)), new Cropping2D((2, 3), (0, 0), name: "crop")));
        Assert.Contains("'crop' (Cropping2D)", e.Message);
        Assert.Contains("(2, 5, 6)", e.Message);
        Assert.Contains("leaves 0x6", e.Message);
        Assert.Throws<ConvKitException>(() => new Cropping2D(-1));
        Assert.Throws<ConvKitException>(() => new ZeroPadding2D((0, -1), (0, 0)));
    }

    [Fact]
    public void SubsamplingWindowLargerThanTheInputIsRefused()
    {
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(6, 3, 3)), new Subsampling2D(4, name: "s2")));
        Assert.Contains("'s2' (Subsampling2D)", e.Message);
        Assert.Contains("4x4 window", e.Message);
        Assert.Contains("(6, 3, 3)", e.Message);
    }

    [Fact]
    public void RbfOnANonFlatInputIsRefused()
    {
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(16, 5, 5)), new EuclideanRbf(10, name: "output")));
        Assert.Contains("'output' (EuclideanRbf)", e.Message);
        Assert.Contains("(16, 5, 5)", e.Message);
        Assert.Contains("Flatten", e.Message);
        Assert.Throws<ConvKitException>(() => new EuclideanRbf(0));
    }

    [Fact]
    public void BadLocalResponseNormalizationSettingsAreRefused()
    {
        Assert.Throws<ConvKitException>(() => new LocalResponseNormalization(0));
        Assert.Throws<ConvKitException>(() => new LocalResponseNormalization(k: 0f));
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(4, 4)), new LocalResponseNormalization(name: "lrn")));
        Assert.Contains("'lrn'", e.Message);
    }

    [Fact]
    public void NewInitializersHaveNamesThatRoundTrip()
    {
        Assert.Same(Initializer.RandomSign, Initializer.FromName("random_sign"));
        var u = Initializer.Uniform(0.6);
        Assert.Equal("uniform(0.6)", u.Name);
        Assert.Equal(u.Name, Initializer.FromName(u.Name).Name);
        var values = new float[200];
        u.Fill(values, new Shape(200), WeightLayout.Vector, new Random(1));
        Assert.All(values, v => Assert.InRange(v, -0.6f, 0.6f));
        Assert.Throws<ConvKitException>(() => Initializer.Uniform(0));
    }
}
