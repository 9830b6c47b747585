using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Layers;

/// <summary>Conv2D with a connection table: LeNet-5's C3, parameter counts, cut weights that never move, and saving.</summary>
public class ConnectionTableTests
{
    private static Sequential LeNetC3(Optimizer? optimizer = null)
    {
        var model = new Sequential(
            new InputLayer(new Shape(6, 14, 14)),
            new Conv2D(16, 5, activation: "lecun_tanh", connectionTable: ConnectionTables.LeNet5ConnectionTable(), name: "c3"),
            new Flatten(),
            new Dense(10));
        if (optimizer is not null)
        {
            model.Compile(optimizer, new SparseCategoricalCrossentropy());
        }
        return model;
    }

    private static Tensor RandomInput(int n, Shape shape, int seed)
    {
        var r = new Random(seed);
        return Tensor.FromArray(shape.WithBatch(n), Enumerable.Range(0, n * shape.Size).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray());
    }

    [Fact]
    public void LeNet5TableIsThePapersTableI()
    {
        var t = ConnectionTables.LeNet5ConnectionTable();
        Assert.Equal(16, t.GetLength(0));
        Assert.Equal(6, t.GetLength(1));
        var sizes = Enumerable.Range(0, 16).Select(k => Enumerable.Range(0, 6).Count(c => t[k, c])).ToArray();
        Assert.Equal([3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6], sizes);
        Assert.Equal(new[] { 0, 4, 5 }, Enumerable.Range(0, 6).Where(c => t[4, c]));
        Assert.Equal(new[] { 0, 1, 3, 4 }, Enumerable.Range(0, 6).Where(c => t[12, c]));
        Assert.Equal(new[] { 0, 2, 3, 5 }, Enumerable.Range(0, 6).Where(c => t[14, c]));
    }

    [Fact]
    public void LeNet5C3Counts1516Parameters()
    {
        var model = LeNetC3();
        var c3 = (Conv2D)model.Layers.Single(l => l.Name == "c3");
        Assert.Equal(16 * 6 * 25, c3.Kernel.Value.Length);
        Assert.Equal(1_500, c3.Kernel.FreeCount);
        var dense = 16 * 10 * 10 * 10 + 10;
        Assert.Equal(1_516 + dense, model.CountParameters());
        Assert.Equal(1_516 + dense, model.CountParameters(true));
        var summary = model.Summary();
        Assert.Contains("1,516", summary.Split('\n').Single(l => l.Contains("c3 (Conv2D)")));
        Assert.Contains($"Total params: {1_516 + dense:N0}", summary);
        Assert.Contains($"Trainable params: {1_516 + dense:N0}", summary);
        Assert.Contains("Non-trainable params: 0 ", summary);
    }

    public static TheoryData<string> Optimizers => ["sgd", "sgd_momentum", "adam", "adamw"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void CutWeightsStartAndStayExactlyZero(string optimizer)
    {
        Optimizer opt = optimizer switch
        {
            "sgd" => new Sgd(0.05f),
            "sgd_momentum" => new Sgd(0.05f, momentum: 0.9f, nesterov: true, weightDecay: 1e-3f),
            "adam" => new Adam(1e-2f, weightDecay: 1e-3f),
            _ => new AdamW(1e-2f, weightDecay: 0.1f),
        };
        var model = LeNetC3(opt);
        var c3 = (Conv2D)model.Layers.Single(l => l.Name == "c3");
        var table = c3.ConnectionTable!;
        void AssertCutZeroAndConnectedLive()
        {
            var w = c3.Kernel.Value.ToArray();
            for (var k = 0; k < 16; k++)
            {
                for (var c = 0; c < 6; c++)
                {
                    var block = w.AsSpan((k * 6 + c) * 25, 25).ToArray();
                    if (table[k, c])
                    {
                        Assert.Contains(block, v => v != 0f);
                    }
                    else
                    {
                        Assert.All(block, v => Assert.Equal(0f, v));
                    }
                }
            }
        }
        AssertCutZeroAndConnectedLive();
        var before = c3.Kernel.Value.ToArray();
        var x = RandomInput(4, new Shape(6, 14, 14), 1);
        for (var step = 0; step < 3; step++)
        {
            model.TrainOnBatch(x, [1, 3, 5, 7]);
        }
        AssertCutZeroAndConnectedLive();
        Assert.NotEqual(before, c3.Kernel.Value.ToArray());
    }

    [Fact]
    public void SaveAndLoadKeepTheTable()
    {
        using var dir = new TempDirectory();
        var model = LeNetC3(new Adam());
        model.TrainOnBatch(RandomInput(2, new Shape(6, 14, 14), 2), [0, 1]);
        var path = dir.File("c3.safetensors");
        model.Save(path);
        Assert.Contains("\"connection_table\"", model.ToJson());
        var loaded = Model.Load(path);
        var c3 = (Conv2D)loaded.Layers.Single(l => l.Name == "c3");
        Assert.Equal(ConnectionTables.LeNet5ConnectionTable(), c3.ConnectionTable);
        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(model.ToJson(), loaded.ToJson());
        var x = RandomInput(3, new Shape(6, 14, 14), 3);
        Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
    }

    [Fact]
    public void TableOfTheWrongShapeNamesLayerAndBothShapes()
    {
        var wrongWidth = new bool[16, 5];
        for (var k = 0; k < 16; k++)
        {
            wrongWidth[k, k % 5] = true;
        }
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(6, 14, 14)),
            new Conv2D(16, 5, connectionTable: wrongWidth, name: "c3")));
        Assert.Contains("'c3'", e.Message);
        Assert.Contains("(16, 5)", e.Message);
        Assert.Contains("(16, 6)", e.Message);

        var wrongRows = Assert.Throws<ConvKitException>(() => new Conv2D(8, 5, connectionTable: ConnectionTables.LeNet5ConnectionTable(), name: "c3"));
        Assert.Contains("16 rows", wrongRows.Message);
        Assert.Contains("8 filters", wrongRows.Message);
    }

    [Fact]
    public void TableWithGroupsOrAnUnconnectedFilterIsRefused()
    {
        var table = new bool[4, 2];
        for (var k = 0; k < 4; k++)
        {
            table[k, k % 2] = true;
        }
        var groups = Assert.Throws<ConvKitException>(() => new Conv2D(4, 3, groups: 2, connectionTable: table));
        Assert.Contains("groups (2)", groups.Message);
        table[2, 0] = false;
        var empty = Assert.Throws<ConvKitException>(() => new Conv2D(4, 3, connectionTable: table));
        Assert.Contains("filter 2", empty.Message);
    }

    [Fact]
    public void GroupsThatDoNotDivideTheChannelsAreRefused()
    {
        var e = Assert.Throws<ConvKitException>(() => new Sequential(new InputLayer(new Shape(3, 8, 8)), new Conv2D(4, 3, groups: 2, name: "towers")));
        Assert.Contains("'towers'", e.Message);
        Assert.Contains("groups (2)", e.Message);
        Assert.Contains("input channels (3)", e.Message);
        Assert.Throws<ConvKitException>(() => new Conv2D(5, 3, groups: 2));
    }
}
