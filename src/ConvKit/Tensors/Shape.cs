namespace ConvKit.Tensors;

/// <summary>
/// An immutable tensor shape. Image tensors are NCHW: (batch, channels, height, width).
/// Per-sample shapes (as shown by <c>Summary()</c>) leave out the batch dimension.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? _dims;

    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape dimensions must be non-negative, got ({string.Join(", ", dims)}).", nameof(dims));
            }
        }
        _dims = (int[])dims.Clone();
    }

    public int Rank => _dims?.Length ?? 0;

    public int this[int axis] => _dims![axis < 0 ? axis + Rank : axis];

    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                n *= d;
            }
            return checked((int)n);
        }
    }

    /// <summary>This shape with a leading batch dimension.</summary>
    public Shape WithBatch(int batch)
    {
        var dims = new int[Rank + 1];
        dims[0] = batch;
        Dims.CopyTo(dims.AsSpan(1));
        return new Shape(dims);
    }

    /// <summary>This shape without its leading dimension.</summary>
    public Shape DropFirst() => new(Dims[1..].ToArray());

    public int[] ToArray() => Dims.ToArray();

    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims)
        {
            h.Add(d);
        }
        return h.ToHashCode();
    }

    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Formats as Keras does, e.g. <c>(16, 28, 28)</c>.</summary>
    public override string ToString() => Rank == 1 ? $"({Dims[0]},)" : "(" + string.Join(", ", _dims ?? []) + ")";
}
