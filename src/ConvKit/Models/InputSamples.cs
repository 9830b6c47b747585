using ConvKit.Backends;
using ConvKit.Data;
using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>
/// The samples <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> read: rows <c>[offset, offset + count)</c> of a
/// tensor, or of an image set whose 8-bit pixels are converted to floats batch by batch, never all at once.
/// </summary>
internal sealed class InputSamples
{
    private readonly Tensor? _tensor;
    private readonly ImageSet? _set;
    private readonly int _offset;
    private float[]? _staging;

    public InputSamples(Tensor tensor)
        : this(tensor, null, 0, tensor.Shape[0], tensor.Shape)
    {
    }

    public InputSamples(ImageSet set)
        : this(null, set, 0, set.Count, new Shape(set.Count, set.Channels, set.Height, set.Width))
    {
    }

    private InputSamples(Tensor? tensor, ImageSet? set, int offset, int count, Shape shape)
    {
        _tensor = tensor;
        _set = set;
        _offset = offset;
        Count = count;
        Shape = shape;
        SampleSize = shape.DropFirst().Size;
    }

    /// <summary>Shape of the samples, count first.</summary>
    public Shape Shape { get; }

    public int Count { get; }

    public int SampleSize { get; }

    public InputSamples Slice(int start, int count) => _tensor is not null
        ? new InputSamples(_tensor.Slice(start, count))
        : new InputSamples(null, _set, _offset + start, count, Shape.DropFirst().WithBatch(count));

    /// <summary>Copies the samples at <paramref name="indices"/> (0..Count-1), in order, into <paramref name="destination"/>.</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> destination)
    {
        var s = SampleSize;
        if (_tensor is not null)
        {
            var all = _tensor.AsSpan();
            for (var i = 0; i < indices.Length; i++)
            {
                all.Slice(indices[i] * s, s).CopyTo(destination.Slice(i * s, s));
            }
            return;
        }
        for (var i = 0; i < indices.Length; i++)
        {
            _set!.CopyImages(_offset + indices[i], 1, destination.Slice(i * s, s));
        }
    }

    /// <summary>Loads samples <c>[start, start + count)</c> into <paramref name="destination"/>, a backend tensor.</summary>
    public void Load(IBackend backend, int start, int count, Tensor destination)
    {
        if (_tensor is not null)
        {
            backend.Copy(_tensor.Slice(start, count), destination);
            return;
        }
        var need = count * SampleSize;
        if (_staging is null || _staging.Length < need)
        {
            _staging = new float[need];
        }
        _set!.CopyImages(_offset + start, count, _staging);
        backend.Upload(_staging.AsSpan(0, need), destination);
    }

    /// <summary>Every sample as floats, for augmentation steps that study the whole set (an image set converts all its pixels once).</summary>
    public ReadOnlySpan<float> All() => _tensor is not null
        ? _tensor.AsSpan()
        : _set!.Images.AsSpan(_offset * SampleSize, Count * SampleSize);
}
