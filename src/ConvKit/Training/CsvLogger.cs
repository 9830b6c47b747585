using System.Globalization;

namespace ConvKit.Training;

/// <summary>Writes one CSV row per epoch: epoch, then every metric in name order (Keras' CSVLogger).</summary>
public sealed class CsvLogger(string path, bool append = false) : Callback
{
    private string[]? _columns;

    public string Path { get; } = path;

    public override void OnTrainBegin()
    {
        _columns = null;
        if (!append && File.Exists(Path))
        {
            File.Delete(Path);
        }
    }

    public override void OnEpochEnd(int epoch, EpochLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var write = _columns is null && !(append && File.Exists(Path));
        _columns ??= logs.Names.Order(StringComparer.Ordinal).ToArray();
        using var w = new StreamWriter(Path, append: true);
        if (write)
        {
            w.WriteLine("epoch," + string.Join(',', _columns));
        }
        w.WriteLine(epoch.ToString(CultureInfo.InvariantCulture) + "," + string.Join(',',
            _columns.Select(c => logs.TryGet(c, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty)));
    }
}
