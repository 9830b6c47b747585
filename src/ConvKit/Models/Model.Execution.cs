using ConvKit.Backends;
using ConvKit.Backends.Cpu;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Models;

public partial class Model
{
    private readonly Dictionary<int, ExecutionPlan> _plans = [];
    private ExecutionPlan? _largest;
    private ExecutionPlan? _last;
    private ulong _step;

    /// <summary>When set, every layer's forward and backward time is added to it (for benchmarks).</summary>
    public LayerProfile? Profile { get; set; }

    /// <summary>
    /// The plan for <paramref name="batch"/> samples. The largest batch seen owns the activation buffers; every
    /// smaller batch (a last partial batch, an evaluation pass) borrows their first rows instead of allocating its own.
    /// </summary>
    internal ExecutionPlan Plan(int batch)
    {
        if (_plans.TryGetValue(batch, out var plan))
        {
            return plan;
        }
        if (_largest is null || batch > _largest.Batch)
        {
            // Plans that borrowed the old buffers are dropped with them.
            _plans.Clear();
            _largest = new ExecutionPlan(this, _nodes, _inboundIndex, _fanOut, batch);
            _plans[batch] = _largest;
            return _largest;
        }
        if (_plans.Count >= 8)
        {
            // Keep the borrowed plans' own scratch bounded when callers cycle through many batch sizes.
            _plans.Clear();
            _plans[_largest.Batch] = _largest;
        }
        plan = new ExecutionPlan(this, _nodes, _inboundIndex, _fanOut, batch, _largest);
        _plans[batch] = plan;
        return plan;
    }

    /// <summary>Forgets every plan and the buffers they hold (after the graph changes).</summary>
    private void ClearPlans()
    {
        _plans.Clear();
        _largest = null;
        _last = null;
        _mixesSamples = null;
    }

    /// <summary>
    /// Runs the network on <paramref name="x"/> (batch first) and keeps every activation for
    /// <see cref="GetActivation"/> and a following <c>Backward</c>. Returns the (first) output; the tensor is
    /// reused by the next pass, so copy it to keep it.
    /// </summary>
    public Tensor Forward(Tensor x, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireSingleInput();
        CheckInput(x, 0);
        var plan = Plan(x.Shape[0]);
        plan.Outputs[_index[_inputs[0]]].Backend.Copy(x, plan.Outputs[_index[_inputs[0]]]);
        RunForward(plan, training);
        return plan.Outputs[_index[_outputs[0]]];
    }

    internal void RunForward(ExecutionPlan plan, bool training)
    {
        _last = plan;
        if (training || plan.Batch > ThreadChoice.MaxBatch || Backend is not CpuBackend || CpuThreads.Count == 1)
        {
            RunLayers(plan, training);
            return;
        }
        var limit = plan.Threads.Next();
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        if (limit == 1)
        {
            var previous = CpuThreads.Limit(1);
            try
            {
                RunLayers(plan, training);
            }
            finally
            {
                CpuThreads.Limit(previous);
            }
        }
        else
        {
            RunLayers(plan, training);
        }
        plan.Threads.Record(limit, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
    }

    private void RunLayers(ExecutionPlan plan, bool training)
    {
        var profile = plan.Profiled ? Profile : null;
        for (var i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            if (node.Layer is InputLayer)
            {
                continue;
            }
            var ctx = plan.Contexts[i];
            ctx.Training = training;
            ctx.Step = _step;
            var t0 = profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            node.Layer.Forward(ctx, plan.InputArgs[i], plan.Outputs[i]);
            profile?.Add(node.Layer.Name, backward: false, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
        }
    }

    /// <summary>The activation (output) of a layer from the last forward pass, batch first.</summary>
    public Tensor GetActivation(string layerName) => LastPlan().Outputs[NodeIndexOf(layerName)];

    /// <summary>The gradient with respect to a layer's output from the last backward pass.</summary>
    public Tensor GetActivationGradient(string layerName)
    {
        var plan = LastPlan();
        var i = NodeIndexOf(layerName);
        if (!plan.Touched[i])
        {
            throw new ConvKitException($"No gradient reached layer '{layerName}' in the last backward pass (it lies after the layer the pass started from).");
        }
        return plan.Gradients[i];
    }

    /// <summary>The gradient with respect to the model's (first) input from the last backward pass.</summary>
    public Tensor GetInputGradient() => LastPlan().Gradients[_index[_inputs[0]]];

    /// <summary>
    /// Backpropagates from a layer's output: sets dL/d(output of <paramref name="layerName"/>) to
    /// <paramref name="seed"/> and computes the gradient with respect to the input and every activation before it,
    /// with the weights frozen (no parameter gradients unless <paramref name="parameterGradients"/>, which adds to
    /// each parameter's gradient). Use <paramref name="training"/> when the forward pass ran in training mode.
    /// With <paramref name="preActivation"/> the seed is taken as the gradient before the layer's own activation
    /// (e.g. a class logit instead of the softmax probability).
    /// </summary>
    public void Backward(string layerName, Tensor seed, BackpropMode mode = BackpropMode.Vanilla, bool preActivation = false, bool parameterGradients = false, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var plan = LastPlan();
        var start = NodeIndexOf(layerName);
        if (seed.Shape != plan.Outputs[start].Shape)
        {
            throw new ConvKitException($"The gradient seed for layer '{layerName}' has shape {seed.Shape}; the layer's output is {plan.Outputs[start].Shape}.");
        }
        Backend.Copy(seed, plan.Gradients[start]);
        RunBackward(plan, start, mode, preActivation, parameterGradients, needInputGradient: true, training: training);
    }

    /// <summary>
    /// Backpropagates from the model's (first) output: <paramref name="seed"/> is dL/d(output). Works also when the
    /// output layer is shared (called more than once) and so cannot be named.
    /// </summary>
    public void Backward(Tensor seed, BackpropMode mode = BackpropMode.Vanilla, bool preActivation = false, bool parameterGradients = false, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var plan = LastPlan();
        var start = OutputNodeIndex;
        if (seed.Shape != plan.Outputs[start].Shape)
        {
            throw new ConvKitException($"The gradient seed has shape {seed.Shape}; the model's output is {plan.Outputs[start].Shape}.");
        }
        Backend.Copy(seed, plan.Gradients[start]);
        RunBackward(plan, start, mode, preActivation, parameterGradients, needInputGradient: true, training: training);
    }

    /// <summary>
    /// Propagates gradients from node <paramref name="start"/> (whose gradient buffer holds the seed) back to the
    /// inputs. Nodes after <paramref name="start"/> are ignored.
    /// </summary>
    internal void RunBackward(ExecutionPlan plan, int start, BackpropMode mode, bool preActivation, bool parameterGradients, bool needInputGradient, bool training)
    {
        ReadOnlySpan<int> starts = [start];
        ReadOnlySpan<bool> pre = [preActivation];
        RunBackward(plan, starts, pre, mode, parameterGradients, needInputGradient, training);
    }

    /// <summary>
    /// Propagates gradients from several seeded nodes at once (each gradient buffer holds its seed), summing where
    /// their paths meet; <paramref name="preActivation"/> says, per start, whether its seed is taken before the
    /// node's fused activation.
    /// </summary>
    internal void RunBackward(ExecutionPlan plan, ReadOnlySpan<int> starts, ReadOnlySpan<bool> preActivation, BackpropMode mode, bool parameterGradients, bool needInputGradient, bool training)
    {
        Array.Clear(plan.Touched);
        Array.Clear(plan.BeforeActivation);
        var profile = plan.Profiled ? Profile : null;
        var last = 0;
        foreach (var s in starts)
        {
            plan.Touched[s] = true;
            last = Math.Max(last, s);
        }
        for (var i = last; i >= 0; i--)
        {
            if (!plan.Touched[i])
            {
                continue;
            }
            var node = _nodes[i];
            if (node.Layer is InputLayer)
            {
                continue;
            }
            var inbound = _inboundIndex[i];
            var args = plan.GradientArgs[i];
            var any = false;
            for (var e = 0; e < inbound.Length; e++)
            {
                var p = inbound[e];
                var wanted = needInputGradient || _nodes[p].Layer is not InputLayer;
                args[e] = wanted ? plan.EdgeGradients[i][e] ?? plan.Gradients[p] : null;
                any |= wanted;
            }
            var ctx = plan.Contexts[i];
            ctx.Training = training;
            ctx.BackpropMode = mode;
            ctx.NeedParameterGradients = parameterGradients;
            var seededBeforeActivation = false;
            for (var s = 0; s < starts.Length; s++)
            {
                seededBeforeActivation |= starts[s] == i && preActivation[s];
            }
            ctx.GradientIsPreActivation = seededBeforeActivation || plan.BeforeActivation[i];
            // In training, a max pooling after a ReLU routes its gradient only to positive maxima, and a convolution
            // after one keeps its input gradient only where its input is positive; either is the ReLU's backward pass
            // as well, so the layer before skips its own (the same bits, one pass fewer).
            ctx.FoldsInputRelu = training && FoldInputRelu && mode == BackpropMode.Vanilla && _takesInputRelu[i]
                && args[0] is not null && plan.EdgeGradients[i][0] is null;
            if (!any && (!parameterGradients || node.Layer.Parameters.Count == 0))
            {
                continue;
            }
            var t0 = profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            node.Layer.Backward(ctx, plan.InputArgs[i], plan.Outputs[i], plan.Gradients[i], args);
            profile?.Add(node.Layer.Name, backward: true, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
            for (var e = 0; e < inbound.Length; e++)
            {
                var p = inbound[e];
                if (args[e] is null)
                {
                    continue;
                }
                if (plan.EdgeGradients[i][e] is { } edge)
                {
                    if (plan.Touched[p])
                    {
                        Backend.Add(plan.Gradients[p], edge, plan.Gradients[p]);
                    }
                    else
                    {
                        Backend.Copy(edge, plan.Gradients[p]);
                    }
                }
                plan.Touched[p] = true;
                plan.BeforeActivation[p] = ctx.FoldsInputRelu;
            }
        }
    }

    /// <summary>Whether training steps let max pooling and convolutions take the ReLU before them (tests turn it off to compare).</summary>
    internal bool FoldInputRelu { get; set; } = true;

    private ExecutionPlan LastPlan() => _last ?? throw new ConvKitException("Run a forward pass first (Forward or Predict).");

    internal int NodeIndexOf(string layerName)
    {
        var found = -1;
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i].Layer.Name == layerName)
            {
                if (found >= 0)
                {
                    throw new ConvKitException($"Layer '{layerName}' is called more than once in the model; its activation is ambiguous.");
                }
                found = i;
            }
        }
        return found >= 0 ? found : throw new ConvKitException($"Model '{Name}' has no layer named '{layerName}'. Layers: {string.Join(", ", _layers.Select(l => l.Name))}.");
    }

    internal int OutputNodeIndex => _index[_outputs[0]];

    internal int InputNodeIndex => _index[_inputs[0]];

    private void RequireSingleInput()
    {
        if (_inputs.Length != 1)
        {
            throw new ConvKitException($"Model '{Name}' has {_inputs.Length} inputs; this operation needs exactly one.");
        }
    }

    private void CheckInput(Tensor x, int input) => CheckInput(x.Shape, input);

    private void CheckInput(Shape x, int input)
    {
        var expected = _inputs[input].OutputShape;
        if (x.Rank != expected.Rank + 1 || !x.Dims[1..].SequenceEqual(expected.Dims))
        {
            throw new ConvKitException($"Model '{Name}' expects input of shape (batch, {string.Join(", ", expected.ToArray())}), got {x}.");
        }
        if (x[0] == 0)
        {
            throw new ConvKitException($"Model '{Name}' was given an empty batch.");
        }
    }
}
