using ConvKit.Backends;

namespace ConvKit.Tensors;

/// <summary>
/// A dense float32 tensor owned by a <see cref="IBackend"/>. Image batches are NCHW: (batch, channels, height, width).
/// On the CPU backend the elements live in a managed array and <see cref="AsSpan"/> exposes them; other backends
/// keep them in device memory and copy through <see cref="CopyFrom"/> and <see cref="ToArray"/>.
/// </summary>
/// <example>
/// <code>
/// var x = Tensor.FromArray(new Shape(1, 1, 2, 2), [1f, 2f, 3f, 4f]);
/// float first = x[0, 0, 0, 0];
/// </code>
/// </example>
public sealed class Tensor
{
    internal Tensor(IBackend backend, Shape shape, TensorStorage storage, int offset)
    {
        if (offset < 0 || offset + shape.Size > storage.Length)
        {
            throw new ArgumentException($"A tensor of shape {shape} at offset {offset} does not fit its storage of {storage.Length} elements.");
        }
        Backend = backend;
        Shape = shape;
        Storage = storage;
        Offset = offset;
    }

    /// <summary>The backend that owns the storage and runs operations on this tensor.</summary>
    public IBackend Backend { get; }

    public Shape Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Size;

    internal TensorStorage Storage { get; }

    internal int Offset { get; }

    /// <summary>Creates a zero-filled tensor on the CPU.</summary>
    public static Tensor Zeros(Shape shape) => Backends.Cpu.CpuBackend.Instance.Allocate(shape);

    /// <summary>Creates a CPU tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(Shape shape, ReadOnlySpan<float> data)
    {
        if (data.Length != shape.Size)
        {
            throw new ArgumentException($"Shape {shape} needs {shape.Size} values, got {data.Length}.", nameof(data));
        }
        var t = Backends.Cpu.CpuBackend.Instance.Allocate(shape);
        t.CopyFrom(data);
        return t;
    }

    /// <summary>
    /// A CPU tensor over <paramref name="data"/> without copying it (the tensor and the array share memory), e.g. a
    /// whole dataset of images.
    /// </summary>
    public static Tensor FromBuffer(float[] data, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != shape.Size)
        {
            throw new ArgumentException($"Shape {shape} needs {shape.Size} values, the buffer has {data.Length}.", nameof(data));
        }
        return new Tensor(Backends.Cpu.CpuBackend.Instance, shape, new CpuStorage(data), 0);
    }

    /// <summary>The elements as a span (CPU backend only).</summary>
    public Span<float> AsSpan() => Storage is CpuStorage cpu
        ? cpu.Array.AsSpan(Offset, Length)
        : throw new InvalidOperationException($"Tensor {Shape} lives on backend '{Backend.Name}'; copy it with ToArray() first.");

    /// <summary>Copies host values into this tensor.</summary>
    public void CopyFrom(ReadOnlySpan<float> source)
    {
        if (source.Length != Length)
        {
            throw new ArgumentException($"Cannot copy {source.Length} values into a tensor of shape {Shape} ({Length} values).", nameof(source));
        }
        Backend.Upload(source, this);
    }

    /// <summary>Copies the elements to a new host array.</summary>
    public float[] ToArray()
    {
        var a = new float[Length];
        Backend.Download(this, a);
        return a;
    }

    /// <summary>A view of <paramref name="count"/> samples from <paramref name="start"/> along axis 0, sharing storage.</summary>
    public Tensor Slice(int start, int count)
    {
        var per = Shape.Rank == 0 ? 1 : Shape.Size / Math.Max(1, Shape[0]);
        var dims = Shape.ToArray();
        if (start < 0 || count < 0 || start + count > dims[0])
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Samples [{start}, {start + count}) are outside a tensor of shape {Shape}.");
        }
        dims[0] = count;
        return new Tensor(Backend, new Shape(dims), Storage, Offset + start * per);
    }

    /// <summary>A view of the same elements with another shape of the same size.</summary>
    public Tensor Reshape(Shape shape)
    {
        if (shape.Size != Length)
        {
            throw new ArgumentException($"Cannot reshape {Shape} ({Length} values) to {shape} ({shape.Size} values).", nameof(shape));
        }
        return new Tensor(Backend, shape, Storage, Offset);
    }

    /// <summary>Whether this tensor and <paramref name="other"/> are views of the very same elements (same storage, offset and length).</summary>
    public bool SharesElementsWith(Tensor other) =>
        ReferenceEquals(Storage, other.Storage) && Offset == other.Offset && Length == other.Length;

    /// <summary>Element access by NCHW (or any-rank) index; slow, for tests and small inspections.</summary>
    public float this[params int[] index]
    {
        get => AsSpan()[FlatIndex(index)];
        set => AsSpan()[FlatIndex(index)] = value;
    }

    private int FlatIndex(int[] index)
    {
        if (index.Length != Shape.Rank)
        {
            throw new ArgumentException($"Index of rank {index.Length} for a tensor of shape {Shape}.", nameof(index));
        }
        var flat = 0;
        for (var i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
            {
                throw new IndexOutOfRangeException($"Index {index[i]} is out of range for axis {i} of shape {Shape}.");
            }
            flat = flat * Shape[i] + index[i];
        }
        return flat;
    }

    public override string ToString() => $"Tensor{Shape} on {Backend.Name}";
}
