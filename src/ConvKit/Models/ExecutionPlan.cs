using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>
/// Every buffer one batch size needs, made once: each node's output and gradient, its layer context (scratch),
/// and the argument arrays passed to the layers. Running a forward and backward pass on a plan allocates nothing.
/// A plan for a smaller batch can borrow a larger plan's outputs and gradients (the first rows of each), so a
/// model holds one set of activation buffers however many batch sizes it runs.
/// </summary>
internal sealed class ExecutionPlan
{
    public ExecutionPlan(Model model, IReadOnlyList<Node> nodes, int[][] inbound, int[] fanOut, int batch)
        : this(model, nodes, inbound, fanOut, batch, owner: null)
    {
    }

    /// <summary>A plan for <paramref name="batch"/> samples whose outputs and gradients are views of <paramref name="owner"/>'s.</summary>
    public ExecutionPlan(Model model, IReadOnlyList<Node> nodes, int[][] inbound, int[] fanOut, int batch, ExecutionPlan? owner)
        : this(nodes.Count, batch)
    {
        if (owner is not null && batch > owner.Batch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"A plan for {batch} samples cannot borrow the buffers of one for {owner.Batch}.");
        }
        var backend = model.Backend;
        var n = nodes.Count;
        for (var i = 0; i < n; i++)
        {
            var shape = nodes[i].OutputShape.WithBatch(batch);
            if (owner is not null)
            {
                Outputs[i] = owner.Outputs[i].Slice(0, batch);
                Gradients[i] = owner.Gradients[i].Slice(0, batch);
            }
            else if (nodes[i].Layer.OutputIsInputView && inbound[i].Length == 1)
            {
                // A reshape: the output is the input's elements, and the input's gradient is the output's unless
                // another consumer (or a loss, for a model output) also writes to it.
                var p = inbound[i][0];
                Outputs[i] = Outputs[p].Reshape(shape);
                Gradients[i] = fanOut[p] == 1 ? Gradients[p].Reshape(shape) : backend.Allocate(shape);
            }
            else
            {
                Outputs[i] = backend.Allocate(shape);
                Gradients[i] = backend.Allocate(shape);
            }
            Contexts[i] = new LayerContext(backend, batch, owner?.Contexts[i]);
            GradientArgs[i] = new Tensor?[inbound[i].Length];
        }
        for (var i = 0; i < n; i++)
        {
            InputArgs[i] = inbound[i].Select(p => Outputs[p]).ToArray();
            // A producer read by several consumers gets one private gradient buffer per edge; they are summed.
            EdgeGradients[i] = new Tensor?[inbound[i].Length];
            for (var e = 0; e < inbound[i].Length; e++)
            {
                var p = inbound[i][e];
                if (fanOut[p] > 1)
                {
                    EdgeGradients[i][e] = owner is null ? backend.Allocate(Outputs[p].Shape) : owner.EdgeGradients[i][e]!.Slice(0, batch);
                }
            }
        }
    }

    /// <summary>
    /// A shard of <paramref name="parent"/>: its samples [<paramref name="start"/>, start + <paramref name="count"/>),
    /// whose outputs, gradients and edge gradients are those rows of the parent's, with contexts of its own (scratch
    /// a thread can use while another shard runs), borrowed from <paramref name="owner"/>'s where it has them.
    /// </summary>
    public ExecutionPlan(Model model, int[][] inbound, ExecutionPlan parent, int start, int count, ExecutionPlan? owner,
        IReadOnlyDictionary<Parameter, Tensor>? gradients)
        : this(parent.Outputs.Length, count)
    {
        var backend = model.Backend;
        var n = parent.Outputs.Length;
        for (var i = 0; i < n; i++)
        {
            Outputs[i] = parent.Outputs[i].Slice(start, count);
            Gradients[i] = parent.Gradients[i].Slice(start, count);
            Contexts[i] = new LayerContext(backend, count, owner?.Contexts[i]) { SampleOffset = start, ShardGradients = gradients };
            GradientArgs[i] = new Tensor?[inbound[i].Length];
        }
        for (var i = 0; i < n; i++)
        {
            InputArgs[i] = inbound[i].Select(p => Outputs[p]).ToArray();
            EdgeGradients[i] = parent.EdgeGradients[i].Select(e => e?.Slice(start, count)).ToArray();
        }
    }

    /// <summary>The arrays of a plan for <paramref name="nodes"/> nodes, to be filled by the constructors above.</summary>
    private ExecutionPlan(int nodes, int batch)
    {
        Batch = batch;
        Outputs = new Tensor[nodes];
        Gradients = new Tensor[nodes];
        Contexts = new LayerContext[nodes];
        InputArgs = new Tensor[nodes][];
        GradientArgs = new Tensor?[nodes][];
        EdgeGradients = new Tensor?[nodes][];
        Touched = new bool[nodes];
        BeforeActivation = new bool[nodes];
    }

    public int Batch { get; }

    /// <summary>Whether <see cref="Model.Profile"/> times this plan's layers (only the first of a batch's shards).</summary>
    public bool Profiled { get; init; } = true;

    /// <summary>The shards a training step runs this plan's batch in, one per team of threads; null until first needed.</summary>
    public ExecutionPlan[]? Shards { get; set; }

    public Tensor[] Outputs { get; }

    public Tensor[] Gradients { get; }

    public LayerContext[] Contexts { get; }

    public Tensor[][] InputArgs { get; }

    public Tensor?[][] GradientArgs { get; }

    public Tensor?[][] EdgeGradients { get; }

    /// <summary>Whether a node's gradient holds a value in the current backward pass.</summary>
    public bool[] Touched { get; }

    /// <summary>Whether a node's gradient in the current backward pass is already taken before its fused activation.</summary>
    public bool[] BeforeActivation { get; }

    /// <summary>For a small batch on the CPU: whether inference passes run on every thread or on one.</summary>
    public ThreadChoice Threads { get; } = new();
}
