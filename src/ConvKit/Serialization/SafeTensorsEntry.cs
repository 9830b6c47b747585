namespace ConvKit.Serialization;

/// <summary>
/// One tensor listed in a safetensors header: its name, element type, row-major shape and the half-open byte
/// range <c>[Begin, End)</c> of its data, relative to the start of the data buffer.
/// </summary>
public sealed class SafeTensorsEntry
{
    private readonly int[] _shape;

    internal SafeTensorsEntry(string name, SafeTensorsDType dtype, int[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        Begin = begin;
        End = end;
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }
        ElementCount = count;
    }

    /// <summary>The tensor's name (the header key).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The row-major shape (a copy).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>Number of elements, the product of the shape.</summary>
    public long ElementCount { get; }

    /// <summary>First byte of the data, relative to the data buffer.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte of the data, relative to the data buffer.</summary>
    public long End { get; }

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    /// <summary>For example <c>conv1.weight: F32 (16, 1, 3, 3)</c>.</summary>
    public override string ToString() => $"{Name}: {SafeTensorsFormat.NameOf(DType)} ({string.Join(", ", _shape)})";
}
