using System.Text.Json.Nodes;
using ConvKit.Backends;
using ConvKit.Initializers;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Layers;

/// <summary>
/// The base of every layer, in the Keras mould: the constructor takes hyper-parameters, <see cref="Build"/>
/// checks the input shapes and creates the weights, <see cref="Forward"/> and <see cref="Backward"/> are the
/// computation, and <see cref="GetConfig"/> describes the layer for saving. Shapes given to and returned by
/// <see cref="Build"/> are per sample (no batch dimension); tensors given to Forward and Backward have the batch first.
/// </summary>
public abstract class Layer
{
    private readonly List<Parameter> _parameters = [];
    private Shape[] _inputShapes = [];

    protected Layer(string? name)
    {
        Name = name ?? string.Empty;
    }

    /// <summary>The layer's name, unique in its model (assigned Keras-style, e.g. <c>conv2d_1</c>, when not given).</summary>
    public string Name { get; internal set; }

    /// <summary>The type name shown by <c>Summary()</c> and used in saved architectures.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>The Keras-style base for automatic names, e.g. <c>max_pooling2d</c>.</summary>
    public virtual string DefaultNameBase => ToSnakeCase(TypeName);

    public bool IsBuilt { get; private set; }

    /// <summary>Per-sample input shapes, known once built.</summary>
    public IReadOnlyList<Shape> InputShapes => _inputShapes;

    /// <summary>Per-sample output shape, known once built.</summary>
    public Shape OutputShape { get; private set; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The number of inputs the layer takes; -1 for any number of at least two (merge layers).</summary>
    public virtual int InputCount => 1;

    /// <summary>
    /// Whether the output holds the input's elements in the same order, only with another shape (Flatten): a model
    /// then makes the output a view of the input, and the input's gradient a view of the output's where nothing else
    /// writes to it, so the layer's copies become no-ops.
    /// </summary>
    public virtual bool OutputIsInputView => false;

    /// <summary>
    /// Whether a training pass mixes the samples of a batch (batch normalisation's batch statistics). A model whose
    /// layers all keep samples apart may train a batch in shards, one per team of threads, and add up their gradients.
    /// </summary>
    public virtual bool MixesSamplesInTraining => false;

    /// <summary>An activation fused into this layer's output, if any (Conv2D and Dense take one).</summary>
    public virtual ActivationKind FusedActivation => ActivationKind.Linear;

    /// <summary>Calls the layer on symbolic tensors, building it on first use (the functional API).</summary>
    public SymbolicTensor Call(params SymbolicTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (InputCount > 0 && inputs.Length != InputCount)
        {
            throw new ConvKitException($"Layer '{DisplayName}' ({TypeName}) takes {InputCount} input(s), got {inputs.Length}.");
        }
        if (InputCount < 0 && inputs.Length < 2)
        {
            throw new ConvKitException($"Layer '{DisplayName}' ({TypeName}) merges at least two inputs, got {inputs.Length}.");
        }
        var shapes = inputs.Select(i => i.Shape).ToArray();
        EnsureBuilt(shapes);
        return new SymbolicTensor(new Node(this, inputs.Select(i => i.Node).ToArray(), OutputShape));
    }

    internal void EnsureBuilt(Shape[] inputShapes)
    {
        if (IsBuilt)
        {
            if (!inputShapes.SequenceEqual(_inputShapes))
            {
                throw new ConvKitException($"Layer '{DisplayName}' ({TypeName}) was built for input {FormatShapes(_inputShapes)} and cannot be called on {FormatShapes(inputShapes)}.");
            }
            return;
        }
        OutputShape = Build(inputShapes);
        _inputShapes = inputShapes;
        IsBuilt = true;
    }

    /// <summary>Checks the input shapes, creates the parameters with <see cref="AddParameter"/>, and returns the output shape.</summary>
    protected abstract Shape Build(IReadOnlyList<Shape> inputShapes);

    /// <summary>Computes <paramref name="output"/> from <paramref name="inputs"/> (batch first).</summary>
    public abstract void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output);

    /// <summary>
    /// Computes the input gradients (overwriting each non-null entry of <paramref name="inputGradients"/>) and, when
    /// <see cref="LayerContext.NeedParameterGradients"/> is set, adds the parameter gradients to each
    /// <see cref="Parameter.Gradient"/>. A null entry means that input's gradient is not needed.
    /// </summary>
    public abstract void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients);

    /// <summary>The hyper-parameters as JSON, enough to rebuild the layer with <see cref="LayerRegistry"/>.</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name };

    /// <summary>Adds a parameter; called from <see cref="Build"/>.</summary>
    protected Parameter AddParameter(string name, Shape shape, IInitializer initializer, WeightLayout layout, bool trainable = true)
    {
        var p = new Parameter(this, name, CpuBackendAllocate(shape), trainable, initializer);
        _parameters.Add(p);
        _layouts.Add(layout);
        return p;
    }

    private readonly List<WeightLayout> _layouts = [];

    /// <summary>Fills every parameter from its initialiser with a random source derived from <paramref name="seed"/>.</summary>
    internal void Initialize(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var values = new float[p.Value.Length];
            p.Initializer.Fill(values, p.Shape, _layouts[i], random);
            p.Value.CopyFrom(values);
            p.ApplyMaskToValue();
        }
    }

    private static Tensor CpuBackendAllocate(Shape shape) => Backends.Cpu.CpuBackend.Instance.Allocate(shape);

    /// <summary>The layer's name, or its type where it has none yet.</summary>
    protected string DisplayName => string.IsNullOrEmpty(Name) ? DefaultNameBase : Name;

    /// <summary>A ConvKitException that names this layer.</summary>
    protected ConvKitException ShapeError(string problem) => new($"Layer '{DisplayName}' ({TypeName}): {problem}");

    protected static string FormatShapes(IReadOnlyList<Shape> shapes) => shapes.Count == 1 ? shapes[0].ToString() : "[" + string.Join(", ", shapes) + "]";

    internal static string ToSnakeCase(string typeName)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < typeName.Length; i++)
        {
            var ch = typeName[i];
            if (char.IsUpper(ch))
            {
                var prevLower = i > 0 && char.IsLower(typeName[i - 1]);
                var nextLower = i + 1 < typeName.Length && char.IsLower(typeName[i + 1]);
                if (i > 0 && (prevLower || (nextLower && char.IsUpper(typeName[i - 1]))))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(ch));
            }
            else
            {
                sb.Append(ch);
            }
        }
        return sb.ToString();
    }
}
