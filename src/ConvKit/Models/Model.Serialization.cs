using System.Text.Json;
using System.Text.Json.Nodes;
using ConvKit.Layers;
using ConvKit.Losses;
using ConvKit.Optimizers;
using ConvKit.Serialization;
using ConvKit.Tensors;

namespace ConvKit.Models;

public partial class Model
{
    private const string ArchitectureKey = "convkit.architecture";
    private const string FormatKey = "format";
    private const string OptimizerKey = "convkit.optimizer";
    private const string LossKey = "convkit.loss";
    private const string MetricsKey = "convkit.metrics";
    private const string IterationsKey = "convkit.optimizer.iterations";
    private const string OptimizerPrefix = "optimizer/";

    /// <summary>The architecture as JSON: every layer's type and configuration and how the layers are connected.</summary>
    public string ToJson()
    {
        var layers = new JsonArray();
        foreach (var l in _layers)
        {
            layers.Add(new JsonObject { ["class_name"] = l is InputLayer ? "InputLayer" : l.TypeName, ["config"] = l.GetConfig() });
        }
        var nodes = new JsonArray();
        foreach (var (n, i) in _nodes.Select((n, i) => (n, i)))
        {
            nodes.Add(new JsonObject
            {
                ["layer"] = n.Layer.Name,
                ["inbound"] = new JsonArray(_inboundIndex[i].Select(p => (JsonNode)p).ToArray()),
            });
        }
        var root = new JsonObject
        {
            ["class_name"] = this is Sequential ? "Sequential" : "Functional",
            ["name"] = Name,
            ["seed"] = Seed,
            ["layers"] = layers,
            ["nodes"] = nodes,
            ["inputs"] = new JsonArray(_inputs.Select(n => (JsonNode)_index[n]).ToArray()),
            ["outputs"] = new JsonArray(_outputs.Select(n => (JsonNode)_index[n]).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Rebuilds a model (with fresh weights) from <see cref="ToJson"/>.</summary>
    public static Model FromJson(string json, string source = "the architecture")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new ConvKitException($"{source} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ConvKitException($"{source} is not valid JSON: {e.Message}", e);
        }
        try
        {
            var name = root["name"]?.GetValue<string>() ?? "model";
            var seed = root["seed"]?.GetValue<int>() ?? DefaultSeed;
            var layerList = root["layers"] as JsonArray ?? throw new ConvKitException($"{source} has no layer list.");
            var layers = new Dictionary<string, Layer>();
            foreach (var entry in layerList)
            {
                var obj = entry as JsonObject ?? throw new ConvKitException($"{source} has a malformed layer entry.");
                var typeName = obj["class_name"]?.GetValue<string>() ?? throw new ConvKitException($"{source} has a layer without class_name.");
                var config = obj["config"] as JsonObject ?? throw new ConvKitException($"{source} has a layer without config.");
                var layer = LayerRegistry.Create(typeName, (JsonObject)config.DeepClone());
                if (!layers.TryAdd(layer.Name, layer))
                {
                    throw new ConvKitException($"{source} names two layers '{layer.Name}'.");
                }
            }
            var nodeList = root["nodes"] as JsonArray ?? throw new ConvKitException($"{source} has no node list.");
            var built = new SymbolicTensor[nodeList.Count];
            for (var i = 0; i < nodeList.Count; i++)
            {
                var obj = nodeList[i] as JsonObject ?? throw new ConvKitException($"{source} has a malformed node.");
                var layerName = obj["layer"]?.GetValue<string>() ?? throw new ConvKitException($"{source} has a node without a layer.");
                if (!layers.TryGetValue(layerName, out var layer))
                {
                    throw new ConvKitException($"{source} connects a layer '{layerName}' it does not define.");
                }
                var inbound = (obj["inbound"] as JsonArray ?? []).Select(n => n!.GetValue<int>()).ToArray();
                if (inbound.Any(p => p < 0 || p >= i))
                {
                    throw new ConvKitException($"{source} has a node of '{layerName}' whose inputs are not earlier nodes.");
                }
                built[i] = layer is InputLayer input ? input.Output : layer.Call(inbound.Select(p => built[p]).ToArray());
            }
            var inputs = (root["inputs"] as JsonArray ?? []).Select(n => built[n!.GetValue<int>()]).ToArray();
            var outputs = (root["outputs"] as JsonArray ?? []).Select(n => built[n!.GetValue<int>()]).ToArray();
            if (root["class_name"]?.GetValue<string>() == "Sequential")
            {
                var seq = new Sequential(name, seed);
                foreach (var n in built)
                {
                    seq.Add(n.Node.Layer);
                }
                return seq;
            }
            return new Model(inputs, outputs, name, seed);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IndexOutOfRangeException or ArgumentException)
        {
            throw new ConvKitException($"{source} is malformed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Saves the architecture (JSON, in the file's metadata) and the weights as one safetensors file, atomically
    /// (a temporary file renamed over the target, so a crash never leaves a half-written model). With
    /// <paramref name="includeOptimizer"/> the optimiser's configuration and state are saved too, so training resumes.
    /// </summary>
    public void Save(string path, bool includeOptimizer = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var tensors = new Dictionary<string, TensorData>();
        foreach (var p in _parameters)
        {
            tensors[p.FullName] = TensorData.Float32(p.Value.ToArray(), p.Shape.ToArray());
        }
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = "convkit",
            [ArchitectureKey] = ToJson(),
        };
        if (includeOptimizer && Optimizer is not null && Loss is not null)
        {
            metadata[OptimizerKey] = Optimizer.GetConfig().ToJsonString();
            metadata[LossKey] = Loss.Name;
            metadata[MetricsKey] = TracksAccuracy ? "accuracy" : string.Empty;
            metadata[IterationsKey] = Optimizer.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var p in _trainable)
            {
                var slots = Optimizer.Slots(p);
                for (var s = 0; s < slots.Length; s++)
                {
                    tensors[$"{OptimizerPrefix}{p.FullName}/{Optimizer.SlotNames[s]}"] = TensorData.Float32(slots[s].ToArray(), p.Shape.ToArray());
                }
            }
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir))
        {
            throw new ConvKitException($"Cannot save the model to '{path}': the folder '{dir}' does not exist.");
        }
        SafeTensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>Loads a model saved by <see cref="Save"/>: architecture, weights, and the optimiser when it was saved.</summary>
    public static Model Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ConvKitException($"Model file '{path}' does not exist.");
        }
        var file = SafeTensorsFile.Load(path);
        if (!file.Metadata.TryGetValue(ArchitectureKey, out var json))
        {
            throw new ConvKitException($"'{path}' is a safetensors file but not a ConvKit model: its metadata has no '{ArchitectureKey}'.");
        }
        var model = FromJson(json, $"The architecture in '{path}'");
        model.ReadWeights(file, path);
        if (file.Metadata.TryGetValue(OptimizerKey, out var optJson) && file.Metadata.TryGetValue(LossKey, out var lossName))
        {
            var optimizer = Optimizers.Optimizer.FromConfig(JsonNode.Parse(optJson) as JsonObject ?? throw new ConvKitException($"'{path}' has a malformed optimizer configuration."));
            var metrics = file.Metadata.TryGetValue(MetricsKey, out var m) && m.Length > 0 ? new[] { m } : [];
            model.Compile(optimizer, Losses.Loss.FromName(lossName), metrics);
            optimizer.Iterations = int.Parse(file.Metadata.GetValueOrDefault(IterationsKey, "0"), System.Globalization.CultureInfo.InvariantCulture);
            // The step counter keys dropout masks; resuming continues the same sequence.
            model._step = (ulong)optimizer.Iterations;
            foreach (var p in model._trainable)
            {
                var slots = optimizer.Slots(p);
                for (var s = 0; s < slots.Length; s++)
                {
                    var name = $"{OptimizerPrefix}{p.FullName}/{optimizer.SlotNames[s]}";
                    slots[s].CopyFrom(ReadFloat(file, name, p.Shape, path));
                }
            }
        }
        return model;
    }

    /// <summary>Loads weights saved by <see cref="Save"/> into this model; names and shapes must match.</summary>
    public void LoadWeights(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ConvKitException($"Weights file '{path}' does not exist.");
        }
        ReadWeights(SafeTensorsFile.Load(path), path);
    }

    private void ReadWeights(SafeTensorsFile file, string path)
    {
        var expected = _parameters.Select(p => p.FullName).ToHashSet();
        foreach (var name in file.Names)
        {
            if (!name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && !expected.Contains(name))
            {
                throw new ConvKitException($"'{path}' holds a tensor '{name}' that model '{Name}' does not have.");
            }
        }
        foreach (var p in _parameters)
        {
            p.Value.CopyFrom(ReadFloat(file, p.FullName, p.Shape, path));
        }
    }

    private static float[] ReadFloat(SafeTensorsFile file, string name, Shape shape, string path)
    {
        if (!file.Contains(name))
        {
            throw new ConvKitException($"'{path}' lacks the tensor '{name}'.");
        }
        var found = new Shape(file.GetShape(name));
        if (found != shape)
        {
            throw new ConvKitException($"Tensor '{name}' in '{path}' has shape {found}; the model expects {shape}.");
        }
        if (file.GetDType(name) != SafeTensorsDType.F32)
        {
            throw new ConvKitException($"Tensor '{name}' in '{path}' is {file.GetDType(name)}; ConvKit models store F32.");
        }
        return file.GetFloat32(name);
    }
}
