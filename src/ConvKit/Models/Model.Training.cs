using System.Diagnostics;
using ConvKit.Backends;
using ConvKit.Layers;
using ConvKit.Losses;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Models;

public partial class Model
{
    private Parameter[] _trainable = [];

    /// <summary>The optimiser set by <c>Compile</c>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss set by <c>Compile</c>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>Whether accuracy is tracked (metrics: ["accuracy"]).</summary>
    public bool TracksAccuracy { get; private set; }

    /// <summary>Set by a callback to end <see cref="Fit(Tensor, int[], FitOptions?)"/> after the current epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>
    /// The weight of each output's loss in the training objective, for models with several outputs (set by
    /// <c>Compile</c>); the first output is the main one, which accuracy, <c>Evaluate</c> and <c>Predict</c> use.
    /// </summary>
    public IReadOnlyList<float> LossWeights => _lossWeights;

    /// <summary>
    /// The loss weights a builder recommends for this architecture (for example GoogLeNet's 0.3 on each auxiliary
    /// classifier), used by <c>Compile</c> when it is given none; null means 1 for every output.
    /// </summary>
    public IReadOnlyList<float>? DefaultLossWeights { get; set; }

    private float[] _lossWeights = [1f];
    private int[] _outputNodes = [];
    private bool[] _outputPreActivation = [];

    /// <summary>
    /// Chooses the optimiser, the loss and the metrics (only "accuracy" besides the loss). A model with several
    /// outputs trains on Σ_o w_o · loss(output_o, y), every output against the same targets (GoogLeNet's auxiliary
    /// classifiers); <paramref name="lossWeights"/> gives w_o (default <see cref="DefaultLossWeights"/>, else 1 each).
    /// </summary>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<string>? metrics = null, IReadOnlyList<float>? lossWeights = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        var m = metrics?.ToArray() ?? [];
        foreach (var name in m)
        {
            if (name is not ("accuracy" or "acc"))
            {
                throw new ConvKitException($"Unknown metric '{name}'. Known: accuracy.");
            }
        }
        var weights = (lossWeights ?? DefaultLossWeights)?.ToArray() ?? Enumerable.Repeat(1f, _outputs.Length).ToArray();
        if (weights.Length != _outputs.Length || weights.Any(w => !float.IsFinite(w) || w < 0f))
        {
            throw new ConvKitException($"Model '{Name}' has {_outputs.Length} output(s) and needs as many finite, non-negative loss weights, got [{string.Join(", ", weights)}].");
        }
        if (weights[0] <= 0f)
        {
            throw new ConvKitException($"The main (first) output of model '{Name}' needs a positive loss weight, got {weights[0]}.");
        }
        if (_outputs.Any(o => o.OutputShape != _outputs[0].OutputShape))
        {
            throw new ConvKitException($"Model '{Name}' trains every output against the same targets, so its outputs need one shape; got {string.Join(", ", OutputShapes)}.");
        }
        _lossWeights = weights;
        _outputNodes = _outputs.Select(o => _index[o]).ToArray();
        _outputPreActivation = new bool[_outputNodes.Length];
        Optimizer = optimizer;
        Loss = loss;
        TracksAccuracy = m.Length > 0;
        _trainable = _parameters.Where(p => p.Trainable).ToArray();
    }

    /// <summary>Compile with names, e.g. <c>Compile("adam", "sparse_categorical_crossentropy", ["accuracy"])</c>.</summary>
    public void Compile(string optimizer, string loss, IEnumerable<string>? metrics = null) =>
        Compile(Optimizers.Optimizer.FromName(optimizer), Losses.Loss.FromName(loss), metrics);

    /// <summary>Trains on images <paramref name="x"/> (N, C, H, W) with integer class labels (sparse losses).</summary>
    public TrainingHistory Fit(Tensor x, int[] labels, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        return FitCore(new InputSamples(x), new TargetSource(labels, null), options ?? new FitOptions());
    }

    /// <summary>
    /// Trains on the images and labels of <paramref name="train"/> (sparse losses). A set of bytes, as
    /// <see cref="Data.Dataset.Load(string, string?, bool)"/> gives, stays bytes: each batch is converted as it
    /// is drawn, so training holds a quarter of the memory a float copy of the set would take.
    /// </summary>
    public TrainingHistory Fit(Data.ImageSet train, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        return FitCore(new InputSamples(train), new TargetSource(train.Labels, null), options ?? new FitOptions());
    }

    /// <summary>Trains on <paramref name="x"/> with target values shaped like the output (one-hot, regression).</summary>
    public TrainingHistory Fit(Tensor x, Tensor targets, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(targets);
        return FitCore(new InputSamples(x), new TargetSource(null, targets), options ?? new FitOptions());
    }

    private TrainingHistory FitCore(InputSamples x, TargetSource targets, FitOptions options)
    {
        RequireSingleInput();
        var (loss, optimizer) = RequireCompiled();
        CheckInput(x.Shape, 0);
        targets.Check(x.Shape[0], OutputShapes[0], loss);
        if (options.BatchSize <= 0 || options.Epochs < 0)
        {
            throw new ConvKitException($"Batch size must be positive and epochs non-negative, got {options.BatchSize} and {options.Epochs}.");
        }
        if (options.ValidationSplit is < 0 or >= 1 || double.IsNaN(options.ValidationSplit))
        {
            throw new ConvKitException($"The validation split must be in [0, 1), got {options.ValidationSplit}.");
        }

        var total = x.Count;
        InputSamples trainX = x, valX;
        TargetSource trainT = targets, valT;
        if (options.ValidationX is not null)
        {
            valX = new InputSamples(options.ValidationX);
            CheckInput(valX.Shape, 0);
            valT = new TargetSource(options.ValidationLabels, options.ValidationTargets);
            valT.Check(valX.Shape[0], OutputShapes[0], loss);
        }
        else if (options.ValidationSplit > 0)
        {
            var nVal = (int)(total * options.ValidationSplit);
            if (nVal == 0 || nVal == total)
            {
                throw new ConvKitException($"A validation split of {options.ValidationSplit} of {total} samples leaves no training or no validation data.");
            }
            trainX = x.Slice(0, total - nVal);
            valX = x.Slice(total - nVal, nVal);
            (trainT, valT) = targets.Split(total - nVal);
        }
        else
        {
            valX = null!;
            valT = null!;
        }

        var history = new TrainingHistory();
        var callbacks = options.Callbacks.ToList();
        if (options.Progress is not null)
        {
            callbacks.Insert(0, new ProgressBar(options.Progress, options.Epochs));
        }
        foreach (var c in callbacks)
        {
            c.Model = this;
            c.OnTrainBegin();
        }
        StopTraining = false;

        var n = trainX.Count;
        var augmentation = options.Augmentation;
        if (augmentation is not null)
        {
            if (trainX.Shape.Rank != 4)
            {
                throw new ConvKitException($"Augmentation needs image input (N, C, H, W); model '{Name}' is trained on {trainX.Shape}.");
            }
            augmentation.Prepare(trainX.All(), n, trainX.Shape[1], trainX.Shape[2], trainX.Shape[3]);
        }
        var batch = Math.Min(options.BatchSize, n);
        var batches = (n + batch - 1) / batch;
        var order = new int[n];
        var sampleSize = trainX.SampleSize;
        var staging = new float[batch * sampleSize];
        var stagingLabels = new int[batch];
        var stagingTargets = trainT.Values is null ? [] : new float[batch * (trainT.Values.Length / trainT.Values.Shape[0])];
        var labelsBuffer = Backend.AllocateIndices(batch);
        var batchLogs = new BatchLogs { BatchesPerEpoch = batches };
        var outIndex = OutputNodeIndex;
        var inIndex = InputNodeIndex;
        var outActivation = _nodes[outIndex].Layer.FusedActivation;

        for (var epoch = options.InitialEpoch; epoch < options.Epochs && !StopTraining; epoch++)
        {
            foreach (var c in callbacks)
            {
                c.OnEpochBegin(epoch);
            }
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }
            if (options.Shuffle)
            {
                var rng = new Random(unchecked(Seed * 31 + epoch));
                rng.Shuffle(order);
            }
            double lossSum = 0;
            long correct = 0;
            var seen = 0;
            var clock = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                var start = b * batch;
                var count = Math.Min(batch, n - start);
                var plan = Plan(count);
                var input = plan.Outputs[inIndex];
                var stage = staging.AsSpan(0, count * sampleSize);
                trainX.Gather(order.AsSpan(start, count), stage);
                augmentation?.Apply(staging.AsMemory(0, count * sampleSize), order.AsMemory(start, count), epoch, trainX.Shape[1], trainX.Shape[2], trainX.Shape[3]);
                Backend.Upload(stage, input);
                var tb = trainT.Gather(order.AsSpan(start, count), stagingLabels, stagingTargets, labelsBuffer, Backend, this, count);

                var batchLoss = TrainStep(plan, tb, loss, optimizer, outActivation, ref correct);

                lossSum += batchLoss * count;
                seen += count;
                batchLogs.Batch = b;
                batchLogs.BatchLoss = batchLoss;
                batchLogs.Loss = lossSum / seen;
                batchLogs.Accuracy = TracksAccuracy ? (double)correct / seen : double.NaN;
                batchLogs.SamplesSeen = seen;
                batchLogs.ElapsedSeconds = clock.Elapsed.TotalSeconds;
                foreach (var c in callbacks)
                {
                    c.OnBatchEnd(batchLogs);
                }
            }
            var seconds = clock.Elapsed.TotalSeconds;
            var logs = new EpochLogs { Seconds = seconds };
            logs.Values["loss"] = lossSum / seen;
            if (TracksAccuracy)
            {
                logs.Values["accuracy"] = (double)correct / seen;
            }
            if (valX is not null)
            {
                var (vl, va) = EvaluateCore(valX, valT, Math.Max(batch, 256));
                logs.Values["val_loss"] = vl;
                if (TracksAccuracy)
                {
                    logs.Values["val_accuracy"] = va;
                }
            }
            foreach (var (k, v) in logs.Values)
            {
                history.Add(k, v);
            }
            history.EpochSeconds.Add(seconds);
            history.SamplesPerSecond.Add(seen / seconds);
            foreach (var c in callbacks)
            {
                c.OnEpochEnd(epoch, logs);
            }
        }
        foreach (var c in callbacks)
        {
            c.OnTrainEnd();
        }
        return history;
    }

    /// <summary>One training step (forward, loss, backward, optimiser update) on the plan's loaded batch; returns the batch loss.</summary>
    private double TrainStep(ExecutionPlan plan, TargetBatch targets, Loss loss, Optimizer optimizer, ActivationKind outActivation, ref long correct)
    {
        var outIndex = OutputNodeIndex;
        _step++;
        var shardCount = ShardCount(plan.Batch);
        var shards = shardCount > 1 ? ShardsOf(plan, shardCount) : null;
        if (shards is not null)
        {
            RunShardsForward(plan, shards);
        }
        else
        {
            RunForward(plan, training: true);
        }
        var output = plan.Outputs[outIndex];
        var batchLoss = loss.Compute(Backend, output, outActivation, targets, plan.Gradients[outIndex], out _outputPreActivation[0]);
        ScaleGradient(plan.Gradients[outIndex], _lossWeights[0]);
        batchLoss *= _lossWeights[0];
        for (var o = 1; o < _outputNodes.Length; o++)
        {
            var node = _outputNodes[o];
            var w = _lossWeights[o];
            batchLoss += w * loss.Compute(Backend, plan.Outputs[node], _nodes[node].Layer.FusedActivation, targets, plan.Gradients[node], out _outputPreActivation[o]);
            ScaleGradient(plan.Gradients[node], w);
        }
        if (TracksAccuracy)
        {
            correct += targets.Labels is not null ? Backend.CountCorrect(output, targets.Labels) : Backend.CountCorrectOneHot(output, targets.Values!);
        }
        if (shards is not null)
        {
            RunShardsBackward(plan, shards);
        }
        else
        {
            foreach (var p in _trainable)
            {
                Backend.Fill(p.Gradient!, 0f);
            }
            RunBackward(plan, _outputNodes, _outputPreActivation, BackpropMode.Vanilla, parameterGradients: true, needInputGradient: false, training: true);
        }
        optimizer.Step(_trainable);
        return batchLoss;
    }

    private void ScaleGradient(Tensor gradient, float weight)
    {
        if (weight != 1f)
        {
            Backend.AddScaled(gradient, weight - 1f, gradient);
        }
    }

    /// <summary>
    /// One training step on one batch with integer labels (Keras' <c>train_on_batch</c>): forward, loss, backward,
    /// optimiser update. Returns the batch loss; the parameter gradients stay readable until the next step.
    /// </summary>
    public double TrainOnBatch(Tensor x, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        RequireSingleInput();
        var (loss, optimizer) = RequireCompiled();
        CheckInput(x, 0);
        var source = new TargetSource(labels, null);
        source.Check(x.Shape[0], OutputShapes[0], loss);
        var n = x.Shape[0];
        var plan = Plan(n);
        Backend.Copy(x, plan.Outputs[InputNodeIndex]);
        var buffer = Backend.AllocateIndices(n);
        var indices = Enumerable.Range(0, n).ToArray();
        var tb = source.Gather(indices, new int[n], [], buffer, Backend, this, n);
        long correct = 0;
        return TrainStep(plan, tb, loss, optimizer, _nodes[OutputNodeIndex].Layer.FusedActivation, ref correct);
    }

    /// <summary>Loss and accuracy (NaN when not tracked) on labelled data, in inference mode.</summary>
    public (double Loss, double Accuracy) Evaluate(Tensor x, int[] labels, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        RequireSingleInput();
        CheckInput(x, 0);
        var t = new TargetSource(labels, null);
        t.Check(x.Shape[0], OutputShapes[0], RequireCompiled().Loss);
        return EvaluateCore(new InputSamples(x), t, batchSize);
    }

    /// <summary>Loss and accuracy (NaN when not tracked) on the images and labels of <paramref name="set"/>, in inference mode.</summary>
    public (double Loss, double Accuracy) Evaluate(Data.ImageSet set, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(set);
        RequireSingleInput();
        var x = new InputSamples(set);
        CheckInput(x.Shape, 0);
        var t = new TargetSource(set.Labels, null);
        t.Check(x.Count, OutputShapes[0], RequireCompiled().Loss);
        return EvaluateCore(x, t, batchSize);
    }

    /// <summary>Loss and accuracy on data with target values.</summary>
    public (double Loss, double Accuracy) Evaluate(Tensor x, Tensor targets, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireSingleInput();
        CheckInput(x, 0);
        var t = new TargetSource(null, targets);
        t.Check(x.Shape[0], OutputShapes[0], RequireCompiled().Loss);
        return EvaluateCore(new InputSamples(x), t, batchSize);
    }

    private (double Loss, double Accuracy) EvaluateCore(InputSamples x, TargetSource targets, int batchSize)
    {
        var loss = RequireCompiled().Loss;
        var n = x.Count;
        var batch = InferencePass(batchSize, n);
        var labelsBuffer = Backend.AllocateIndices(batch);
        var stagingLabels = new int[batch];
        var stagingTargets = targets.Values is null ? [] : new float[batch * (targets.Values.Length / targets.Values.Shape[0])];
        var indices = new int[batch];
        double lossSum = 0;
        long correct = 0;
        var outIndex = OutputNodeIndex;
        var outActivation = _nodes[outIndex].Layer.FusedActivation;
        for (var start = 0; start < n; start += batch)
        {
            var count = Math.Min(batch, n - start);
            var plan = Plan(count);
            x.Load(Backend, start, count, plan.Outputs[InputNodeIndex]);
            RunForward(plan, training: false);
            for (var i = 0; i < count; i++)
            {
                indices[i] = start + i;
            }
            var tb = targets.Gather(indices.AsSpan(0, count), stagingLabels, stagingTargets, labelsBuffer, Backend, this, count);
            var output = plan.Outputs[outIndex];
            lossSum += loss.Compute(Backend, output, outActivation, tb, null, out _) * count;
            if (TracksAccuracy)
            {
                correct += tb.Labels is not null ? Backend.CountCorrect(output, tb.Labels) : Backend.CountCorrectOneHot(output, tb.Values!);
            }
        }
        return (lossSum / n, TracksAccuracy ? (double)correct / n : double.NaN);
    }

    /// <summary>The model's output for every sample of <paramref name="x"/>, computed in batches, in inference mode.</summary>
    public Tensor Predict(Tensor x, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(x);
        return PredictCore(new InputSamples(x), batchSize);
    }

    /// <summary>The model's output for every image of <paramref name="set"/>, computed in batches, in inference mode.</summary>
    public Tensor Predict(Data.ImageSet set, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(set);
        return PredictCore(new InputSamples(set), batchSize);
    }

    private Tensor PredictCore(InputSamples x, int batchSize)
    {
        RequireSingleInput();
        CheckInput(x.Shape, 0);
        var n = x.Count;
        var result = Backend.Allocate(OutputShapes[0].WithBatch(n));
        var batch = InferencePass(batchSize, n);
        for (var start = 0; start < n; start += batch)
        {
            var count = Math.Min(batch, n - start);
            var plan = Plan(count);
            x.Load(Backend, start, count, plan.Outputs[InputNodeIndex]);
            RunForward(plan, training: false);
            Backend.Copy(plan.Outputs[OutputNodeIndex], result.Slice(start, count));
        }
        return result;
    }

    /// <summary>
    /// The most samples <c>Predict</c> and <c>Evaluate</c> run through the network in one pass (default 128). A
    /// larger <c>batchSize</c> is split into equal passes no larger than this: the results are the same, and the
    /// activations held at once stay those of this many samples. Raise it on a device that gains from larger passes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxInferenceBatch
    {
        get => _maxInferenceBatch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxInferenceBatch = value;
        }
    }

    private int _maxInferenceBatch = 128;

    /// <summary>Samples per inference pass for <paramref name="batchSize"/>: equal passes of at most <see cref="MaxInferenceBatch"/>.</summary>
    private int InferencePass(int batchSize, int n)
    {
        var batch = Math.Max(1, Math.Min(batchSize, n));
        var passes = (batch + MaxInferenceBatch - 1) / MaxInferenceBatch;
        return (batch + passes - 1) / passes;
    }

    private (Loss Loss, Optimizer Optimizer) RequireCompiled() =>
        Loss is not null && Optimizer is not null
            ? (Loss, Optimizer)
            : throw new ConvKitException($"Model '{Name}' is not compiled; call Compile(optimizer, loss, metrics) first.");

    /// <summary>Where targets come from: labels or values, with a reusable per-batch target tensor.</summary>
    private sealed class TargetSource(int[]? labels, Tensor? values)
    {
        private Tensor? _batchValues;
        private readonly TargetBatch _batch = new(null, null, 0);

        public int[]? Labels { get; } = labels;

        public Tensor? Values { get; } = values;

        public void Check(int samples, Shape outputShape, Loss loss)
        {
            if (Labels is null && Values is null)
            {
                throw new ConvKitException("Targets are missing: give labels or target values.");
            }
            if (loss.SparseTargets && Labels is null)
            {
                throw new ConvKitException($"The loss {loss.Name} needs integer class labels; use categorical_crossentropy for one-hot targets.");
            }
            if (Labels is not null)
            {
                if (Labels.Length != samples)
                {
                    throw new ConvKitException($"Got {samples} samples but {Labels.Length} labels.");
                }
                var classes = outputShape[outputShape.Rank - 1];
                for (var i = 0; i < Labels.Length; i++)
                {
                    if ((uint)Labels[i] >= (uint)classes)
                    {
                        throw new ConvKitException($"Label {Labels[i]} of sample {i} is outside the model's {classes} classes.");
                    }
                }
            }
            if (Values is not null && (Values.Shape[0] != samples || !Values.Shape.Dims[1..].SequenceEqual(outputShape.Dims)))
            {
                throw new ConvKitException($"Targets of shape {Values.Shape} do not match {samples} samples of output shape {outputShape}.");
            }
        }

        public (TargetSource Train, TargetSource Validation) Split(int first)
        {
            if (Labels is not null)
            {
                return (new TargetSource(Labels[..first], null), new TargetSource(Labels[first..], null));
            }
            var n = Values!.Shape[0];
            return (new TargetSource(null, Values.Slice(0, first)), new TargetSource(null, Values.Slice(first, n - first)));
        }

        public TargetBatch Gather(ReadOnlySpan<int> indices, int[] stagingLabels, float[] stagingValues, IndexBuffer labelsBuffer, IBackend backend, Model model, int count)
        {
            if (Labels is not null)
            {
                for (var i = 0; i < count; i++)
                {
                    stagingLabels[i] = Labels[indices[i]];
                }
                backend.UploadIndices(stagingLabels.AsSpan(0, count), labelsBuffer);
                _batch.Labels = labelsBuffer;
                _batch.Count = count;
                return _batch;
            }
            var per = Values!.Length / Values.Shape[0];
            var src = Values.AsSpan();
            for (var i = 0; i < count; i++)
            {
                src.Slice(indices[i] * per, per).CopyTo(stagingValues.AsSpan(i * per, per));
            }
            var shape = model.OutputShapes[0].WithBatch(count);
            if (_batchValues is null || _batchValues.Shape != shape)
            {
                _batchValues = backend.Allocate(shape);
            }
            backend.Upload(stagingValues.AsSpan(0, count * per), _batchValues);
            _batch.Values = _batchValues;
            _batch.Count = count;
            return _batch;
        }
    }
}
