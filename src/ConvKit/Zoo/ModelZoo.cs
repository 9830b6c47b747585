using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Regularization;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Zoo;

/// <summary>The built-in architectures, by the names the CLI uses (<c>convkit summary --model NAME</c>).</summary>
public static class ModelZoo
{
    private static readonly Shape Mnist = new(1, 28, 28);
    private static readonly Shape ImageNet227 = new(3, 227, 227);
    private static readonly Shape ImageNet224 = new(3, 224, 224);

    private static readonly Dictionary<string, ZooEntry> Models = new()
    {
        ["seed-mnist"] = new("The lecture notes' small CNN: two 3x3 'same' convolutions (16, 32 filters) with 2x2 max pooling, Dense 128, softmax (206,922 parameters on MNIST).", Mnist, 10, SeedMnist),
        ["keras-mnist-cnn"] = new("Keras' mnist_cnn example: Conv 32, Conv 64 (3x3 valid), max pooling, dropout 0.25, Dense 128, dropout 0.5, softmax (1,199,882 parameters).", Mnist, 10, KerasMnistCnn),
        ["mlp"] = new("A fully connected baseline: Flatten, Dense 512, Dense 512, softmax (669,706 parameters on MNIST).", Mnist, 10, Mlp),
        ["vgg-small"] = new("A VGG-style net: three blocks of two 3x3 convolutions with batch norm (32, 64, 128 filters), max pooling and dropout, Dense 256, softmax.", Mnist, 10, ModernModels.VggSmall),
        ["resnet-small"] = new("A CIFAR-style ResNet-14: 3x3 stem, three stages of two basic blocks (16, 32, 64 filters; projection shortcuts where the shape changes), global average pooling, softmax.", Mnist, 10, ModernModels.ResNetSmall),
        ["lenet5"] = new("LeNet-5 (LeCun et al. 1998): 32x32 input, C1 6@5x5, S2, C3 16@5x5 by the paper's connection table, S4, C5 120, F6 84, scaled tanh, Euclidean RBF output (60,000 trainable parameters).", Mnist, 10,
            (shape, classes, seed) => ClassicModels.LeNet5(shape, classes, seed)),
        ["lenet5-softmax"] = new("LeNet-5 with a plain Dense softmax output instead of the RBF units.", Mnist, 10,
            (shape, classes, seed) => ClassicModels.LeNet5(shape, classes, seed, rbfOutput: false)),
        ["alexnet"] = new("AlexNet (Krizhevsky et al. 2012): five convolutions, the two-GPU split as groups 2, LRN, overlapping max pooling, two Dense 4096 with dropout (60,965,224 parameters).", ImageNet227, 1000, ClassicModels.AlexNet),
        ["alexnet-single"] = new("Single-tower AlexNet in torchvision's layout: no groups, no LRN (61,100,840 parameters).", ImageNet224, 1000, ClassicModels.AlexNetSingleTower),
        ["googlenet"] = new("GoogLeNet / Inception v1 (Szegedy et al. 2014, Table 1): nine Inception modules, global average pooling, dropout 40%, softmax.", ImageNet224, 1000,
            (shape, classes, seed) => ClassicModels.GoogLeNet(shape, classes, seed)),
        ["googlenet-aux"] = new("GoogLeNet with its two auxiliary classifiers on 4a and 4d as extra outputs, trained with loss weight 0.3 each.", ImageNet224, 1000,
            (shape, classes, seed) => ClassicModels.GoogLeNet(shape, classes, seed, auxiliaryClassifiers: true)),
    };

    /// <summary>The names of the built-in models.</summary>
    public static IReadOnlyCollection<string> Names
    {
        get
        {
            lock (Models)
            {
                return Models.Keys.ToArray();
            }
        }
    }

    /// <summary>A one-line description of a built-in model.</summary>
    public static string Describe(string name) => Lookup(name).Description;

    /// <summary>The input shape (channels, height, width) a built-in model is described for, e.g. 3x227x227 for AlexNet.</summary>
    public static Shape DefaultInputShape(string name) => Lookup(name).InputShape;

    /// <summary>The number of classes a built-in model is described for (10 for the MNIST models, 1,000 for the ImageNet ones).</summary>
    public static int DefaultClasses(string name) => Lookup(name).Classes;

    /// <summary>
    /// Builds a built-in model for inputs of <paramref name="inputShape"/> (channels, height, width) and
    /// <paramref name="classes"/> classes; either defaults to what the model is described for.
    /// </summary>
    public static Model Create(string name, Shape? inputShape = null, int? classes = null, int seed = Model.DefaultSeed)
    {
        var entry = Lookup(name);
        var shape = inputShape ?? entry.InputShape;
        var n = classes ?? entry.Classes;
        if (shape.Rank != 3)
        {
            throw new ConvKitException($"Model '{name}' takes images as (channels, height, width), got input shape {shape}.");
        }
        if (n < 2)
        {
            throw new ConvKitException($"Model '{name}' needs at least two classes, got {n}.");
        }
        return entry.Build(shape, n, seed);
    }

    /// <summary>Registers another architecture under a name.</summary>
    public static void Register(string name, string description, Func<Shape, int, int, Model> build, Shape? inputShape = null, int classes = 10)
    {
        lock (Models)
        {
            Models[name] = new ZooEntry(description, inputShape ?? Mnist, classes, build);
        }
    }

    private static ZooEntry Lookup(string name)
    {
        lock (Models)
        {
            return Models.TryGetValue(name, out var m)
                ? m
                : throw new ConvKitException($"Unknown model '{name}'. Built-in models: {string.Join(", ", Models.Keys.Order(StringComparer.Ordinal))}.");
        }
    }

    private sealed record ZooEntry(string Description, Shape InputShape, int Classes, Func<Shape, int, int, Model> Build);

    /// <summary>seed-mnist: Conv2D(16, 3x3, same, relu), MaxPool 2x2, Conv2D(32, 3x3, same, relu), MaxPool 2x2, Flatten, Dense(128, relu), Dense(classes, softmax).</summary>
    public static Model SeedMnist(Shape inputShape, int classes, int seed) => new Sequential("seed_mnist", seed,
        new InputLayer(inputShape),
        new Conv2D(16, 3, padding: Padding.Same, activation: "relu"),
        new MaxPool2D(2),
        new Conv2D(32, 3, padding: Padding.Same, activation: "relu"),
        new MaxPool2D(2),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dense(classes, activation: "softmax"));

    /// <summary>keras-mnist-cnn: Conv2D(32, 3x3, relu), Conv2D(64, 3x3, relu), MaxPool 2x2, Dropout 0.25, Flatten, Dense(128, relu), Dropout 0.5, Dense(classes, softmax).</summary>
    public static Model KerasMnistCnn(Shape inputShape, int classes, int seed) => new Sequential("keras_mnist_cnn", seed,
        new InputLayer(inputShape),
        new Conv2D(32, 3, activation: "relu"),
        new Conv2D(64, 3, activation: "relu"),
        new MaxPool2D(2),
        new Dropout(0.25f, seed),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dropout(0.5f, seed),
        new Dense(classes, activation: "softmax"));

    /// <summary>mlp: Flatten, Dense(512, relu), Dense(512, relu), Dense(classes, softmax): no convolution, for comparison.</summary>
    public static Model Mlp(Shape inputShape, int classes, int seed) => new Sequential("mlp", seed,
        new InputLayer(inputShape),
        new Flatten(),
        new Dense(512, activation: "relu"),
        new Dense(512, activation: "relu"),
        new Dense(classes, activation: "softmax"));
}
