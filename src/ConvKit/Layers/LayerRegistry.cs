using System.Text.Json.Nodes;
using ConvKit.Initializers;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Merging;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Regularization;
using ConvKit.Layers.Reshaping;
using ConvKit.Tensors;
using static ConvKit.Layers.LayerConfig;

namespace ConvKit.Layers;

/// <summary>
/// Rebuilds layers from their saved configuration (<see cref="Layer.GetConfig"/>) by type name. Custom layers
/// register a factory with <see cref="Register"/> so that models using them can be loaded.
/// </summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, Func<JsonObject, Layer>> Factories = new()
    {
        ["InputLayer"] = c => new InputLayer(new Shape(IntArray(c, "shape")), String(c, "name")),
        ["Conv2D"] = c => new Conv2D(Int(c, "filters"), Pair(c, "kernel_size"), Pair(c, "strides", (1, 1)), PaddingFromJson(c["padding"]),
            Pair(c, "dilation_rate", (1, 1)), Bool(c, "use_bias", true), String(c, "activation"), Int(c, "groups", 1),
            Init(c, "kernel_initializer", "glorot_uniform"), Init(c, "bias_initializer", "zeros"),
            Conv2D.ConnectionTableFromJson(c["connection_table"]), String(c, "name")),
        ["Dense"] = c => new Dense(Int(c, "units"), String(c, "activation"), Bool(c, "use_bias", true),
            Init(c, "kernel_initializer", "glorot_uniform"), Init(c, "bias_initializer", "zeros"), String(c, "name")),
        ["Flatten"] = c => new Flatten(String(c, "name")),
        ["Dropout"] = c => new Dropout(Float(c, "rate"), Int(c, "seed", 0), String(c, "name")),
        ["MaxPooling2D"] = c => new MaxPool2D(Pair(c, "pool_size"), Pair(c, "strides"), PaddingFromJson(c["padding"]), String(c, "name")),
        ["AveragePooling2D"] = c => new AvgPool2D(Pair(c, "pool_size"), Pair(c, "strides"), PaddingFromJson(c["padding"]),
            c["count_include_pad"]?.GetValue<bool>(), String(c, "name")),
        ["GlobalAveragePooling2D"] = c => new GlobalAveragePooling2D(String(c, "name")),
        ["Activation"] = c => new Activation(ActivationFunctions.Parse(String(c, "activation")), Float(c, "alpha", 0.3f), String(c, "name")),
        ["ReLU"] = c => new ReLU(String(c, "name")),
        ["LeakyReLU"] = c => new LeakyReLU(Float(c, "alpha", 0.3f), String(c, "name")),
        ["Softmax"] = c => new Softmax(String(c, "name")),
        ["RubbishClassSoftmax"] = c => new RubbishClassSoftmax(Float(c, "rubbish_logit"), String(c, "name")),
        ["BatchNormalization"] = c => new BatchNormalization(Float(c, "momentum", 0.99f), Float(c, "epsilon", 1e-3f), String(c, "name")),
        ["LocalResponseNormalization"] = c => new LocalResponseNormalization(Int(c, "size", 5), Float(c, "alpha", 1e-4f), Float(c, "beta", 0.75f),
            Float(c, "k", 2f), String(c, "name")),
        ["Subsampling2D"] = c => new Subsampling2D(Pair(c, "pool_size").Item1, Pair(c, "strides", Pair(c, "pool_size")).Item1, String(c, "activation"), String(c, "name")),
        ["EuclideanRbf"] = c => new EuclideanRbf(Int(c, "units"), Bool(c, "trainable", false), Bool(c, "negate", true), String(c, "name")),
        ["ZeroPadding2D"] = c => new ZeroPadding2D(PairOf(c["padding"]![0]!.AsArray()), PairOf(c["padding"]![1]!.AsArray()), String(c, "name")),
        ["Cropping2D"] = c => new Cropping2D(PairOf(c["cropping"]![0]!.AsArray()), PairOf(c["cropping"]![1]!.AsArray()), String(c, "name")),
        ["Concatenate"] = c => new Concatenate(String(c, "name")),
        ["Add"] = c => new Add(String(c, "name")),
    };

    /// <summary>Registers (or replaces) the factory for a layer type name.</summary>
    public static void Register(string typeName, Func<JsonObject, Layer> factory)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Factories)
        {
            Factories[typeName] = factory;
        }
    }

    /// <summary>Creates a layer from its type name and configuration.</summary>
    public static Layer Create(string typeName, JsonObject config)
    {
        Func<JsonObject, Layer>? factory;
        lock (Factories)
        {
            Factories.TryGetValue(typeName, out factory);
        }
        if (factory is null)
        {
            throw new ConvKitException($"Unknown layer type '{typeName}' in the model file; register custom layers with LayerRegistry.Register.");
        }
        try
        {
            return factory(config);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Text.Json.JsonException or NullReferenceException or ArgumentException)
        {
            throw new ConvKitException($"The configuration of layer '{config["name"]}' ({typeName}) is invalid: {e.Message}", e);
        }
    }

    private static (int, int) PairOf(JsonArray a) => a.Count == 2 ? ((int)a[0]!, (int)a[1]!) : throw new FormatException($"expected two numbers, got {a.ToJsonString()}.");

    private static IInitializer Init(JsonObject c, string key, string fallback) => Initializer.FromName(String(c, key) ?? fallback);
}
