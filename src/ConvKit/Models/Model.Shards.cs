using ConvKit.Backends;
using ConvKit.Backends.Cpu;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>
/// Training a batch in shards: on the CPU, a batch of at least <see cref="MinShardSamples"/> samples per shard is cut
/// into up to <see cref="MaxShards"/> runs of samples. Each shard's forward and backward passes run on their own team
/// of threads (<see cref="CpuThreads.RunTeams"/>) with scratch of their own, so a step has two parallel regions
/// instead of one or more per kernel; the first shard adds its parameter gradients to each
/// <see cref="Parameter.Gradient"/> and the others to their own copies, which are then added in shard order. The
/// loss is computed on the whole batch between the two passes. The cut depends only on the batch size, so the
/// numbers do not depend on the thread count. Models with a layer that mixes samples in training (batch
/// normalisation) train whole batches.
/// </summary>
public partial class Model
{
    /// <summary>A batch is cut into shards of at least this many samples.</summary>
    internal const int MinShardSamples = 16;

    /// <summary>At most this many shards per batch.</summary>
    internal const int MaxShards = 2;

    private bool? _mixesSamples;
    private readonly Dictionary<Parameter, Tensor>[] _shardGradients = CreateShardGradients();
    private readonly ShardPass _shardPass = new();

    private static Dictionary<Parameter, Tensor>[] CreateShardGradients()
    {
        var gradients = new Dictionary<Parameter, Tensor>[MaxShards - 1];
        for (var s = 0; s < gradients.Length; s++)
        {
            gradients[s] = [];
        }
        return gradients;
    }

    /// <summary>Whether training may cut batches into shards (tests turn it off to compare with whole batches).</summary>
    internal bool TrainInShards { get; set; } = true;

    /// <summary>How many shards a training step on <paramref name="batch"/> samples runs in (1: the whole batch at once).</summary>
    internal int ShardCount(int batch)
    {
        if (!TrainInShards || Backend is not CpuBackend)
        {
            return 1;
        }
        _mixesSamples ??= _nodes.Any(n => n.Layer.MixesSamplesInTraining);
        return _mixesSamples.Value ? 1 : Math.Clamp(batch / MinShardSamples, 1, MaxShards);
    }

    /// <summary>The shards of <paramref name="plan"/>, made on first use; a plan that borrows the largest's buffers borrows its shards' scratch too.</summary>
    private ExecutionPlan[] ShardsOf(ExecutionPlan plan, int shards)
    {
        if (plan.Shards is { } existing && existing.Length == shards)
        {
            return existing;
        }
        foreach (var p in _trainable)
        {
            for (var s = 0; s < shards - 1; s++)
            {
                if (!_shardGradients[s].ContainsKey(p))
                {
                    _shardGradients[s][p] = Backend.Allocate(p.Shape);
                }
            }
        }
        var owners = plan != _largest && _largest?.Shards is { } big && big.Length == shards ? big : null;
        var result = new ExecutionPlan[shards];
        for (var s = 0; s < shards; s++)
        {
            var (start, end) = CpuThreads.Slice(plan.Batch, s, shards);
            result[s] = new ExecutionPlan(this, _inboundIndex, plan, start, end - start, owners?[s], s == 0 ? null : _shardGradients[s - 1])
            {
                Profiled = s == 0,
            };
        }
        plan.Shards = result;
        return result;
    }

    /// <summary>The training forward pass of <paramref name="plan"/>'s loaded batch, shard by shard.</summary>
    private void RunShardsForward(ExecutionPlan plan, ExecutionPlan[] shards)
    {
        _last = plan;
        _shardPass.Set(this, shards, backward: false);
        try
        {
            CpuThreads.RunTeams(_shardPass, shards.Length);
        }
        finally
        {
            _shardPass.Set(null, [], backward: false);
        }
    }

    /// <summary>
    /// The training backward pass shard by shard, from the loss gradients in <paramref name="plan"/>'s outputs' gradient
    /// buffers; leaves the whole batch's parameter gradients in each <see cref="Parameter.Gradient"/>.
    /// </summary>
    private void RunShardsBackward(ExecutionPlan plan, ExecutionPlan[] shards)
    {
        _shardPass.Set(this, shards, backward: true);
        try
        {
            CpuThreads.RunTeams(_shardPass, shards.Length);
        }
        finally
        {
            _shardPass.Set(null, [], backward: false);
        }
        foreach (var p in _trainable)
        {
            for (var s = 1; s < shards.Length; s++)
            {
                Backend.Add(p.Gradient!, _shardGradients[s - 1][p], p.Gradient!);
            }
        }
        Array.Copy(shards[0].Touched, plan.Touched, plan.Touched.Length);
    }

    /// <summary>One shard's pass, run by its team's first thread.</summary>
    private sealed class ShardPass : IWorkItem
    {
        private Model? _model;
        private ExecutionPlan[] _shards = [];
        private bool _backward;

        public void Set(Model? model, ExecutionPlan[] shards, bool backward)
        {
            _model = model;
            _shards = shards;
            _backward = backward;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var model = _model!;
            var shard = _shards[threadIndex];
            if (!_backward)
            {
                model.RunLayers(shard, training: true);
                return;
            }
            foreach (var p in model._trainable)
            {
                model.Backend.Fill(shard.Contexts[0].GradientOf(p), 0f);
            }
            model.RunBackward(shard, model._outputNodes, model._outputPreActivation, BackpropMode.Vanilla, parameterGradients: true,
                needInputGradient: false, training: true);
        }
    }
}
