using System.Text.Json.Nodes;
using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Optimizers;

/// <summary>
/// Updates trainable parameters from their gradients. State (momenta) is kept per parameter, allocated on the
/// first step, so later steps allocate nothing. <see cref="Iterations"/> counts steps; a schedule may set the
/// learning rate per step.
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<Parameter, Tensor[]> _state = [];

    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || float.IsInfinity(learningRate))
        {
            throw new ConvKitException($"The learning rate must be a positive number, got {learningRate}.");
        }
        LearningRate = learningRate;
    }

    /// <summary>The Keras name, e.g. <c>adam</c>.</summary>
    public abstract string Name { get; }

    public float LearningRate { get; set; }

    /// <summary>Optional per-step schedule: (step, base learning rate) -> learning rate.</summary>
    public Func<int, float, float>? Schedule { get; set; }

    /// <summary>Steps taken so far.</summary>
    public int Iterations { get; internal set; }

    /// <summary>Names of the state tensors kept per parameter, e.g. m and v for Adam.</summary>
    public abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>Applies one update to every trainable parameter.</summary>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Iterations++;
        var lr = Schedule?.Invoke(Iterations, LearningRate) ?? LearningRate;
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p.Trainable)
            {
                Update(p, Slots(p), lr, Iterations);
            }
        }
    }

    /// <summary>Updates one parameter.</summary>
    protected abstract void Update(Parameter parameter, Tensor[] slots, float learningRate, int step);

    /// <summary>The state tensors of a parameter (created zero-filled on first use).</summary>
    public Tensor[] Slots(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_state.TryGetValue(parameter, out var slots))
        {
            slots = new Tensor[SlotNames.Count];
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = parameter.Value.Backend.Allocate(parameter.Shape);
            }
            _state[parameter] = slots;
        }
        return slots;
    }

    /// <summary>The hyper-parameters, for saving.</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["learning_rate"] = LearningRate };

    /// <summary>Rebuilds an optimiser from <see cref="GetConfig"/>.</summary>
    public static Optimizer FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = config["name"]?.GetValue<string>();
        var lr = LayerConfig.Float(config, "learning_rate", 1e-3f);
        return name switch
        {
            "adam" => new Adam(lr, LayerConfig.Float(config, "beta_1", 0.9f), LayerConfig.Float(config, "beta_2", 0.999f), LayerConfig.Float(config, "epsilon", 1e-7f), LayerConfig.Float(config, "weight_decay", 0f)),
            "adamw" => new AdamW(lr, LayerConfig.Float(config, "weight_decay", 0.004f), LayerConfig.Float(config, "beta_1", 0.9f), LayerConfig.Float(config, "beta_2", 0.999f), LayerConfig.Float(config, "epsilon", 1e-7f)),
            "sgd" => new Sgd(lr, LayerConfig.Float(config, "momentum", 0f), LayerConfig.Bool(config, "nesterov", false), LayerConfig.Float(config, "weight_decay", 0f)),
            _ => throw new ConvKitException($"Unknown optimizer '{name}'. Known: adam, adamw, sgd."),
        };
    }

    /// <summary>Looks an optimiser up by name with its default hyper-parameters (Keras defaults).</summary>
    public static Optimizer FromName(string name, float? learningRate = null) => name.ToLowerInvariant() switch
    {
        "adam" => new Adam(learningRate ?? 1e-3f),
        "adamw" => new AdamW(learningRate ?? 1e-3f),
        "sgd" => new Sgd(learningRate ?? 0.01f),
        _ => throw new ConvKitException($"Unknown optimizer '{name}'. Known: adam, adamw, sgd."),
    };
}
