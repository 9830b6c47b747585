using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ConvKit.Models;

/// <summary>Accumulated forward and backward time per layer, filled while set as <see cref="Model.Profile"/>.</summary>
public sealed class LayerProfile
{
    private readonly Dictionary<string, long[]> _ticks = [];
    private readonly List<string> _order = [];

    internal void Add(string layer, bool backward, long ticks)
    {
        if (!_ticks.TryGetValue(layer, out var t))
        {
            t = new long[2];
            _ticks[layer] = t;
            _order.Add(layer);
        }
        t[backward ? 1 : 0] += ticks;
    }

    /// <summary>Milliseconds spent in a layer's forward and backward passes.</summary>
    public (double Forward, double Backward) this[string layer] =>
        _ticks.TryGetValue(layer, out var t) ? (Ms(t[0]), Ms(t[1])) : (0, 0);

    public void Clear()
    {
        _ticks.Clear();
        _order.Clear();
    }

    /// <summary>A table of per-layer times with each layer's share of the total.</summary>
    public override string ToString()
    {
        var total = _ticks.Values.Sum(t => t[0] + t[1]);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"layer",-22} {"forward ms",12} {"backward ms",12} {"share",7}");
        foreach (var name in _order)
        {
            var t = _ticks[name];
            sb.AppendLine(CultureInfo.InvariantCulture, $"{name,-22} {Ms(t[0]),12:0.0} {Ms(t[1]),12:0.0} {100.0 * (t[0] + t[1]) / Math.Max(1, total),6:0.0}%");
        }
        return sb.ToString();
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
