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
    private static readonly Dictionary<string, (string Description, Func<Shape, int, int, Model> Build)> Models = new()
    {
        ["seed-mnist"] = ("The lecture notes' small CNN: two 3x3 'same' convolutions (16, 32 filters) with 2x2 max pooling, Dense 128, softmax (206,922 parameters on MNIST).", SeedMnist),
        ["keras-mnist-cnn"] = ("Keras' mnist_cnn example: Conv 32, Conv 64 (3x3 valid), max pooling, dropout 0.25, Dense 128, dropout 0.5, softmax (1,199,882 parameters).", KerasMnistCnn),
        ["mlp"] = ("A fully connected baseline: Flatten, Dense 512, Dense 512, softmax (669,706 parameters on MNIST).", Mlp),
    };

    /// <summary>The names of the built-in models.</summary>
    public static IReadOnlyCollection<string> Names => Models.Keys;

    /// <summary>A one-line description of a built-in model.</summary>
    public static string Describe(string name) => Lookup(name).Description;

    /// <summary>Builds a built-in model for inputs of <paramref name="inputShape"/> (channels, height, width) and <paramref name="classes"/> classes.</summary>
    public static Model Create(string name, Shape? inputShape = null, int classes = 10, int seed = Model.DefaultSeed) =>
        Lookup(name).Build(inputShape ?? new Shape(1, 28, 28), classes, seed);

    /// <summary>Registers another architecture under a name (used by extensions such as the classic architectures).</summary>
    public static void Register(string name, string description, Func<Shape, int, int, Model> build)
    {
        lock (Models)
        {
            Models[name] = (description, build);
        }
    }

    private static (string Description, Func<Shape, int, int, Model> Build) Lookup(string name)
    {
        lock (Models)
        {
            return Models.TryGetValue(name, out var m)
                ? m
                : throw new ConvKitException($"Unknown model '{name}'. Built-in models: {string.Join(", ", Models.Keys.Order(StringComparer.Ordinal))}.");
        }
    }

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
