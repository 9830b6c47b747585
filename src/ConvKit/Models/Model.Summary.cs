using System.Globalization;
using System.Text;
using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Models;

public partial class Model
{
    /// <summary>
    /// The Keras 3 summary table: each layer's name and type, output shape and parameter count, then the total,
    /// trainable and non-trainable parameter counts with their size in float32. Plain stacks print three columns
    /// (as Keras' Sequential); graphs add an input row per input and a "Connected to" column.
    /// </summary>
    public string Summary(ShapeOrder shapeOrder = ShapeOrder.ChannelsFirst)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Model: \"{Name}\"\n");
        var graph = !IsSequential;
        int[] widths = graph ? [29, 26, 12, 27] : [33, 24, 15];
        string[] header = graph ? ["Layer (type)", "Output Shape", "Param #", "Connected to"] : ["Layer (type)", "Output Shape", "Param #"];
        bool[] right = graph ? [false, false, true, false] : [false, false, true];
        var rows = new List<string[]>();
        for (var i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            if (!graph && node.Layer is InputLayer)
            {
                continue;
            }
            var name = $"{node.Layer.Name} ({(node.Layer is InputLayer ? "InputLayer" : node.Layer.TypeName)})";
            var shape = FormatShape(node.OutputShape, shapeOrder);
            var count = node.Layer.Parameters.Sum(p => p.FreeCount);
            var firstUse = Array.FindIndex(_nodes, n => n.Layer == node.Layer) == i;
            var parameters = (firstUse ? count : 0).ToString("N0", CultureInfo.InvariantCulture);
            if (graph)
            {
                var connected = node.Inbound.Count == 0 ? "-" : string.Join(", ", node.Inbound.Select(p => $"{p.Layer.Name}[0][0]"));
                rows.Add([name, shape, parameters, connected]);
            }
            else
            {
                rows.Add([name, shape, parameters]);
            }
        }
        for (var c = 0; c < widths.Length; c++)
        {
            widths[c] = Math.Max(widths[c], rows.Select(r => r[c].Length + 2).DefaultIfEmpty(0).Max());
        }
        sb.Append(Border('┏', '┳', '┓', '━', widths));
        sb.Append(Row('┃', header, widths, right));
        sb.Append(Border('┡', '╇', '┩', '━', widths));
        for (var r = 0; r < rows.Count; r++)
        {
            sb.Append(Row('│', rows[r], widths, right));
            sb.Append(r + 1 < rows.Count ? Border('├', '┼', '┤', '─', widths) : Border('└', '┴', '┘', '─', widths));
        }
        var total = CountParameters();
        var trainable = CountParameters(true);
        sb.Append(CultureInfo.InvariantCulture, $" Total params: {total:N0} ({Bytes(total * 4)})\n");
        sb.Append(CultureInfo.InvariantCulture, $" Trainable params: {trainable:N0} ({Bytes(trainable * 4)})\n");
        sb.Append(CultureInfo.InvariantCulture, $" Non-trainable params: {total - trainable:N0} ({Bytes((total - trainable) * 4)})\n");
        return sb.ToString();
    }

    /// <summary>Formats a per-sample shape Keras-style with a leading None.</summary>
    public static string FormatShape(Shape shape, ShapeOrder order = ShapeOrder.ChannelsFirst)
    {
        var dims = shape.ToArray();
        if (order == ShapeOrder.ChannelsLast && dims.Length == 3)
        {
            dims = [dims[1], dims[2], dims[0]];
        }
        return "(None, " + string.Join(", ", dims) + ")";
    }

    /// <summary>Keras' readable size: B, KB, MB, GB with two decimals (1 KB = 1024 B).</summary>
    private static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{v:0.00} {units[u]}");
    }

    private static string Border(char left, char mid, char rightChar, char fill, int[] widths) =>
        left + string.Join(mid, widths.Select(w => new string(fill, w))) + rightChar + "\n";

    private static string Row(char bar, string[] cells, int[] widths, bool[] rightAlign)
    {
        var sb = new StringBuilder();
        sb.Append(bar);
        for (var c = 0; c < cells.Length; c++)
        {
            var inner = widths[c] - 2;
            var text = rightAlign[c] ? cells[c].PadLeft(inner) : cells[c].PadRight(inner);
            sb.Append(' ').Append(text).Append(' ').Append(bar);
        }
        return sb.Append('\n').ToString();
    }
}
