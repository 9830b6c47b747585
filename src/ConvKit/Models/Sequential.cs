using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>
/// A plain stack of layers, each feeding the next (Keras' Sequential). The first layer is an
/// <see cref="InputLayer"/> that fixes the per-sample input shape.
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new InputLayer(new Shape(1, 28, 28)),
///     new Conv2D(16, 3, padding: Padding.Same, activation: "relu"),
///     new MaxPool2D(2),
///     new Flatten(),
///     new Dense(10, activation: "softmax"));
/// model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
/// </code></example>
public sealed class Sequential : Model
{
    private readonly List<Layer> _stack = [];
    private SymbolicTensor? _input;
    private SymbolicTensor? _output;

    public Sequential(params Layer[] layers) : this("sequential", DefaultSeed, layers)
    {
    }

    public Sequential(string name, int seed, params Layer[] layers) : base(name, seed)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var l in layers)
        {
            Add(l);
        }
    }

    /// <summary>Appends a layer, building it on the current output shape.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_input is null)
        {
            if (layer is not InputLayer input)
            {
                throw new ConvKitException($"The first layer of a Sequential model must be an InputLayer giving the input shape, got {layer.TypeName}.");
            }
            _input = input.Output;
            _output = _input;
            return;
        }
        if (layer is InputLayer)
        {
            throw new ConvKitException("A Sequential model takes one InputLayer, as its first layer.");
        }
        _output = layer.Call(_output!);
        _stack.Add(layer);
        SetGraph([_input.Node], [_output.Node]);
        InitializeLayer(Layers.Count - 1);
    }

    /// <summary>The layers after the input, in order.</summary>
    public IReadOnlyList<Layer> Stack => _stack;
}
