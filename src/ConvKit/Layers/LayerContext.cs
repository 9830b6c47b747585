using ConvKit.Backends;
using ConvKit.Tensors;

namespace ConvKit.Layers;

/// <summary>
/// What one call of a layer (one node of a model graph) sees at run time: the backend, the mode, and scratch
/// buffers that live as long as the model's plan for this batch size. A layer called twice (a shared layer)
/// gets one context per call, so saved state such as max-pooling positions never collides.
/// </summary>
public sealed class LayerContext
{
    private readonly List<Tensor?> _buffers = [];
    private readonly List<IndexBuffer?> _indices = [];

    private readonly LayerContext? _owner;

    internal LayerContext(IBackend backend, int batch, LayerContext? owner = null)
    {
        Backend = backend;
        Batch = batch;
        _owner = owner;
    }

    public IBackend Backend { get; }

    /// <summary>The batch size of this plan.</summary>
    public int Batch { get; }

    /// <summary>True in training (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; internal set; }

    /// <summary>How ReLU units pass gradients back (for saliency methods).</summary>
    public BackpropMode BackpropMode { get; internal set; }

    /// <summary>Whether the backward pass must accumulate parameter gradients (false when only input gradients are wanted).</summary>
    public bool NeedParameterGradients { get; internal set; } = true;

    /// <summary>
    /// When true, the gradient given to this node's backward pass is already with respect to the value before
    /// the layer's own activation (a softmax fused with the cross-entropy loss, or in training a ReLU that the max
    /// pooling or convolution after it took), so the activation is skipped.
    /// </summary>
    public bool GradientIsPreActivation { get; internal set; }

    /// <summary>
    /// Whether this max pooling or convolution layer's backward pass also takes its input's ReLU (the fused activation
    /// of the layer before it, whose only reader it is): the model then hands that layer its gradient as already
    /// pre-activation.
    /// Set only in training steps.
    /// </summary>
    internal bool FoldsInputRelu { get; set; }

    /// <summary>
    /// Where this context's rows start in the whole batch: 0, unless the model trains the batch in shards and this
    /// is a later shard's context. Layers that draw random numbers per element (dropout) offset their counters by it.
    /// </summary>
    public int SampleOffset { get; internal set; }

    /// <summary>This shard's own parameter gradients, when it is not the first shard of a batch trained in shards.</summary>
    internal IReadOnlyDictionary<Parameter, Tensor>? ShardGradients { get; set; }

    /// <summary>
    /// The tensor a backward pass adds <paramref name="parameter"/>'s gradient to: its <see cref="Parameter.Gradient"/>,
    /// or this shard's own copy when the model trains the batch in shards (the model adds the copies up afterwards).
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameter is not trainable.</exception>
    public Tensor GradientOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (ShardGradients is not null && ShardGradients.TryGetValue(parameter, out var own))
        {
            return own;
        }
        return parameter.Gradient ?? throw new InvalidOperationException($"Parameter {parameter.FullName} is not trainable and has no gradient.");
    }

    /// <summary>The training step counter, for layers that draw random numbers (dropout).</summary>
    public ulong Step { get; internal set; }

    /// <summary>
    /// A scratch tensor in slot <paramref name="slot"/>, allocated on first use and kept for later calls. In a plan
    /// for a smaller batch than the model's largest, a per-sample buffer (batch first) is a view of the first rows
    /// of the larger plan's buffer in the same slot when that one exists.
    /// </summary>
    public Tensor Buffer(int slot, Shape shape)
    {
        while (_buffers.Count <= slot)
        {
            _buffers.Add(null);
        }
        var t = _buffers[slot];
        if (t is null || t.Shape != shape)
        {
            t = Borrowed(slot, shape) ?? Backend.Allocate(shape);
            _buffers[slot] = t;
        }
        return t;
    }

    private Tensor? Borrowed(int slot, Shape shape)
    {
        if (_owner is null || shape.Rank == 0 || shape[0] != Batch || slot >= _owner._buffers.Count)
        {
            return null;
        }
        return _owner._buffers[slot] is { } own && own.Shape == shape.DropFirst().WithBatch(_owner.Batch) ? own.Slice(0, Batch) : null;
    }

    /// <summary>
    /// A flat scratch tensor of at least <paramref name="length"/> elements in slot <paramref name="slot"/>, kept for
    /// later calls; in a plan for a smaller batch, the larger plan's one when it is long enough.
    /// </summary>
    public Tensor Workspace(int slot, int length)
    {
        while (_buffers.Count <= slot)
        {
            _buffers.Add(null);
        }
        var t = _buffers[slot];
        if (t is null || t.Length < length)
        {
            t = _owner is not null && slot < _owner._buffers.Count && _owner._buffers[slot] is { } own && own.Shape.Rank == 1 && own.Length >= length
                ? own
                : Backend.Allocate(new Shape(Math.Max(1, length)));
            _buffers[slot] = t;
        }
        return t;
    }

    /// <summary>
    /// A scratch integer buffer in slot <paramref name="slot"/> of at least <paramref name="length"/> entries; in a
    /// plan for a smaller batch, the larger plan's one when it is long enough.
    /// </summary>
    public IndexBuffer Indices(int slot, int length)
    {
        while (_indices.Count <= slot)
        {
            _indices.Add(null);
        }
        var b = _indices[slot];
        if (b is null || b.Length < length)
        {
            b = _owner is not null && slot < _owner._indices.Count && _owner._indices[slot] is { } own && own.Length >= length
                ? own
                : Backend.AllocateIndices(length);
            _indices[slot] = b;
        }
        return b;
    }
}
