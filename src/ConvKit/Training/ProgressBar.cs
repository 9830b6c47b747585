using System.Globalization;

namespace ConvKit.Training;

/// <summary>
/// Keras' progress bar: <c>Epoch 1/5</c>, then <c>750/750 ━━━━━━━━━━━━━━━━━━━━ 6s 8ms/step - accuracy: 0.9512 - loss: 0.1620 - 9,100 samples/s</c>,
/// redrawn in place on a terminal and printed once per epoch (with validation figures) otherwise.
/// </summary>
public sealed class ProgressBar : Callback
{
    private const int Width = 20;
    private readonly TextWriter _out;
    private readonly int _epochs;
    private readonly bool _live;
    private double _lastDraw = -1;
    private int _samples;
    private int _steps;

    public ProgressBar(TextWriter output, int epochs, bool? live = null)
    {
        _out = output ?? throw new ArgumentNullException(nameof(output));
        _epochs = epochs;
        _live = live ?? (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
    }

    public override void OnEpochBegin(int epoch)
    {
        _out.WriteLine($"Epoch {epoch + 1}/{_epochs}");
        _lastDraw = -1;
    }

    public override void OnBatchEnd(BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        _samples = logs.SamplesSeen;
        _steps = logs.BatchesPerEpoch;
        if (!_live)
        {
            return;
        }
        var last = logs.Batch + 1 == logs.BatchesPerEpoch;
        if (!last && logs.ElapsedSeconds - _lastDraw < 0.1)
        {
            return;
        }
        _lastDraw = logs.ElapsedSeconds;
        _out.Write('\r' + Line(logs, null) + "\u001b[K");
    }

    public override void OnEpochEnd(int epoch, EpochLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var extra = string.Join(string.Empty, logs.Names.Where(n => n.StartsWith("val_", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => string.Create(CultureInfo.InvariantCulture, $" - {n}: {logs[n]:0.0000}")));
        if (_live)
        {
            _out.WriteLine(extra);
        }
        else
        {
            _out.WriteLine(Final(logs) + extra);
        }
        _out.Flush();
    }

    private string Final(EpochLogs logs)
    {
        var acc = logs.TryGet("accuracy", out var a) ? string.Create(CultureInfo.InvariantCulture, $" - accuracy: {a:0.0000}") : string.Empty;
        var samples = _samples;
        var steps = Math.Max(1, _steps);
        return string.Create(CultureInfo.InvariantCulture,
            $"{steps}/{steps} {new string('━', Width)} {logs.Seconds:0}s {1000 * logs.Seconds / steps:0}ms/step{acc} - loss: {logs["loss"]:0.0000} - {samples / Math.Max(1e-9, logs.Seconds):N0} samples/s");
    }

    private static string Line(BatchLogs logs, string? suffix)
    {
        var done = logs.Batch + 1;
        var filled = (int)Math.Round(Width * (double)done / logs.BatchesPerEpoch);
        var bar = new string('━', filled) + new string('─', Width - filled);
        var perStep = logs.ElapsedSeconds / done;
        var eta = perStep * (logs.BatchesPerEpoch - done);
        var time = done == logs.BatchesPerEpoch
            ? string.Create(CultureInfo.InvariantCulture, $"{logs.ElapsedSeconds:0}s {1000 * perStep:0}ms/step")
            : string.Create(CultureInfo.InvariantCulture, $"ETA {eta:0}s");
        var acc = double.IsNaN(logs.Accuracy) ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" - accuracy: {logs.Accuracy:0.0000}");
        var rate = logs.SamplesSeen / Math.Max(1e-9, logs.ElapsedSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"{done}/{logs.BatchesPerEpoch} {bar} {time}{acc} - loss: {logs.Loss:0.0000} - {rate:N0} samples/s{suffix}");
    }
}
