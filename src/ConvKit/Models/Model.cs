using ConvKit.Backends;
using ConvKit.Backends.Cpu;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Pooling;
using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>
/// A network as a directed acyclic graph of layer calls (Keras' functional model): inputs, outputs, shared layers
/// and fan-out are all allowed; gradients arriving at a tensor from several consumers are summed. Build one from
/// symbolic tensors, or use <c>Sequential</c> for a plain stack.
/// </summary>
/// <example><code>
/// var x = Input.Create(1, 28, 28);
/// var h = new Conv2D(16, 3, padding: Padding.Same, activation: "relu").Call(x);
/// var y = new Dense(10, activation: "softmax").Call(new Flatten().Call(new MaxPool2D(2).Call(h)));
/// var model = new Model(x, y);
/// model.Summary();
/// </code></example>
public partial class Model
{
    private Node[] _nodes = [];
    private Node[] _inputs = [];
    private Node[] _outputs = [];
    private Layer[] _layers = [];
    private Dictionary<Node, int> _index = [];
    private int[][] _inboundIndex = [];
    private int[] _fanOut = [];

    /// <summary>
    /// Per node: a max pooling or convolution whose only input is a layer with a fused ReLU that nothing else reads, so
    /// in training its backward pass can take that ReLU too (<see cref="LayerContext.FoldsInputRelu"/>).
    /// </summary>
    private bool[] _takesInputRelu = [];

    public Model(SymbolicTensor input, SymbolicTensor output, string? name = null, int seed = DefaultSeed)
        : this([input], [output], name, seed)
    {
    }

    public Model(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs, string? name = null, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Name = name ?? "functional";
        Seed = seed;
        SetGraph(inputs.Select(i => i.Node).ToArray(), outputs.Select(o => o.Node).ToArray());
        InitializeWeights(seed);
    }

    /// <summary>For subclasses that build their graph later (<c>Sequential</c>).</summary>
    protected Model(string name, int seed)
    {
        Name = name;
        Seed = seed;
    }

    /// <summary>The seed used when none is given: results are reproducible by default.</summary>
    public const int DefaultSeed = 1337;

    public string Name { get; }

    /// <summary>The seed of weight initialisation, shuffling and dropout.</summary>
    public int Seed { get; }

    /// <summary>The device the model computes on.</summary>
    public IBackend Backend { get; private set; } = CpuBackend.Instance;

    /// <summary>Every layer once, in graph order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>The graph's nodes (layer calls) in topological order.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>Per-sample input shapes.</summary>
    public IReadOnlyList<Shape> InputShapes => _inputs.Select(n => n.OutputShape).ToArray();

    /// <summary>Per-sample output shapes.</summary>
    public IReadOnlyList<Shape> OutputShapes => _outputs.Select(n => n.OutputShape).ToArray();

    /// <summary>All parameters (trainable and not), in layer order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    private Parameter[] _parameters = [];

    /// <summary>A layer by name.</summary>
    public Layer GetLayer(string name)
    {
        foreach (var l in _layers)
        {
            if (l.Name == name)
            {
                return l;
            }
        }
        throw new ConvKitException($"Model '{Name}' has no layer named '{name}'. Layers: {string.Join(", ", _layers.Select(l => l.Name))}.");
    }

    /// <summary>True when every node has one input that is the previous node (a plain stack).</summary>
    public bool IsSequential => _inputs.Length == 1 && _outputs.Length == 1 &&
        _nodes.Select((n, i) => i == 0 || (n.Inbound.Count == 1 && n.Inbound[0] == _nodes[i - 1])).All(b => b);

    protected void SetGraph(Node[] inputs, Node[] outputs)
    {
        if (inputs.Length == 0 || outputs.Length == 0)
        {
            throw new ConvKitException("A model needs at least one input and one output.");
        }
        foreach (var i in inputs)
        {
            if (i.Layer is not InputLayer)
            {
                throw new ConvKitException($"Model inputs must come from Input.Create(...); '{i.Layer.Name}' is a {i.Layer.TypeName}.");
            }
        }
        var order = new List<Node>();
        var state = new Dictionary<Node, int>();
        foreach (var o in outputs)
        {
            Visit(o, state, order, inputs);
        }
        _nodes = order.ToArray();
        _inputs = inputs;
        _outputs = outputs;
        _index = new Dictionary<Node, int>();
        for (var i = 0; i < _nodes.Length; i++)
        {
            _index[_nodes[i]] = i;
        }
        _inboundIndex = _nodes.Select(n => n.Inbound.Select(p => _index[p]).ToArray()).ToArray();
        _fanOut = new int[_nodes.Length];
        foreach (var ins in _inboundIndex)
        {
            foreach (var p in ins)
            {
                _fanOut[p]++;
            }
        }
        // A model output counts as a consumer: its loss seeds its gradient, so a layer that also reads it must add
        // its part through an edge buffer instead of writing over the seed.
        foreach (var o in outputs)
        {
            _fanOut[_index[o]]++;
        }
        _takesInputRelu = new bool[_nodes.Length];
        for (var i = 0; i < _nodes.Length; i++)
        {
            var ins = _inboundIndex[i];
            _takesInputRelu[i] = _nodes[i].Layer is MaxPool2D or Conv2D && ins.Length == 1 && _fanOut[ins[0]] == 1
                && _nodes[ins[0]].Layer.FusedActivation == ActivationKind.Relu;
        }
        _layers = _nodes.Select(n => n.Layer).Distinct().ToArray();
        AssignNames();
        _parameters = _layers.SelectMany(l => l.Parameters).ToArray();
        ClearPlans();
    }

    private static void Visit(Node node, Dictionary<Node, int> state, List<Node> order, Node[] inputs)
    {
        if (state.TryGetValue(node, out var s))
        {
            if (s == 1)
            {
                throw new ConvKitException($"The model graph has a cycle through layer '{node.Layer.Name}'.");
            }
            return;
        }
        if (node.Layer is InputLayer && !inputs.Contains(node))
        {
            throw new ConvKitException($"The outputs depend on an input ('{node.Layer.Name}') that is not among the model's inputs.");
        }
        state[node] = 1;
        foreach (var p in node.Inbound)
        {
            Visit(p, state, order, inputs);
        }
        state[node] = 2;
        order.Add(node);
    }

    /// <summary>Names unnamed layers Keras-style (conv2d, conv2d_1, ...) and checks names are unique.</summary>
    private void AssignNames()
    {
        var taken = new HashSet<string>(_layers.Where(l => !string.IsNullOrEmpty(l.Name)).Select(l => l.Name));
        var counters = new Dictionary<string, int>();
        foreach (var l in _layers)
        {
            if (!string.IsNullOrEmpty(l.Name))
            {
                continue;
            }
            var baseName = l is InputLayer ? "input_layer" : l.DefaultNameBase;
            counters.TryGetValue(baseName, out var k);
            string candidate;
            do
            {
                candidate = k == 0 ? baseName : $"{baseName}_{k}";
                k++;
            }
            while (taken.Contains(candidate));
            counters[baseName] = k;
            l.Name = candidate;
            taken.Add(candidate);
        }
        var duplicate = _layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConvKitException($"Two different layers are named '{duplicate.Key}'; layer names must be unique in a model.");
        }
    }

    /// <summary>Re-initialises every parameter from its initialiser, deterministically from <paramref name="seed"/>.</summary>
    public void InitializeWeights(int seed)
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            _layers[i].Initialize(unchecked(seed * 1_000_003 + i * 7919));
        }
    }

    internal void InitializeLayer(int index) => _layers[index].Initialize(unchecked(Seed * 1_000_003 + index * 7919));

    /// <summary>The number of parameters (trainable and non-trainable).</summary>
    public long CountParameters(bool? trainable = null) =>
        _parameters.Where(p => trainable is null || p.Trainable == trainable).Sum(p => p.FreeCount);
}
