using System.Text.Json.Nodes;
using ConvKit.Layers.Convolution;

namespace ConvKit.Layers;

/// <summary>Helpers to read and write layer configurations (the JSON in saved architectures).</summary>
public static class LayerConfig
{
    public static JsonNode PaddingToJson(Padding padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        return padding.Mode == PaddingMode.Explicit
            ? new JsonArray(padding.Top, padding.Bottom, padding.Left, padding.Right)
            : JsonValue.Create(padding.Mode.ToString().ToLowerInvariant());
    }

    public static Padding PaddingFromJson(JsonNode? node)
    {
        if (node is JsonArray a && a.Count == 4)
        {
            return Padding.Explicit((int)a[0]!, (int)a[1]!, (int)a[2]!, (int)a[3]!);
        }
        return Padding.Parse(node?.GetValue<string>() ?? "valid");
    }

    public static int Int(JsonObject config, string key, int? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config[key] is { } n)
        {
            return n.GetValue<int>();
        }
        return fallback ?? throw Missing(config, key);
    }

    public static float Float(JsonObject config, string key, float? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config[key] is { } n)
        {
            return n.GetValue<float>();
        }
        return fallback ?? throw Missing(config, key);
    }

    public static bool Bool(JsonObject config, string key, bool fallback)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config[key]?.GetValue<bool>() ?? fallback;
    }

    public static string? String(JsonObject config, string key)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config[key]?.GetValue<string>();
    }

    public static (int, int) Pair(JsonObject config, string key, (int, int)? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        switch (config[key])
        {
            case JsonArray a when a.Count == 2:
                return ((int)a[0]!, (int)a[1]!);
            case JsonValue v:
                var i = v.GetValue<int>();
                return (i, i);
            case null when fallback is not null:
                return fallback.Value;
            default:
                throw Missing(config, key);
        }
    }

    public static int[] IntArray(JsonObject config, string key)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config[key] is JsonArray a ? a.Select(n => n!.GetValue<int>()).ToArray() : throw Missing(config, key);
    }

    private static ConvKitException Missing(JsonObject config, string key) =>
        new($"Layer configuration '{config["name"]}' lacks the key '{key}'.");
}
