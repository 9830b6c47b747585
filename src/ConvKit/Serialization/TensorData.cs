using System.Runtime.InteropServices;

namespace ConvKit.Serialization;

/// <summary>
/// One tensor to store in a safetensors file: an element type, a row-major shape and the elements. The elements
/// are referenced, not copied, so a tensor can be a slice of a larger parameter buffer
/// (<c>new ReadOnlyMemory&lt;float&gt;(buffer, offset, length)</c>).
/// </summary>
/// <example>
/// <code>
/// var kernel = TensorData.Float32(weights, 16, 1, 3, 3);   // (K, C, R, S)
/// var step = TensorData.Int64(new long[] { 938 });         // shape (1,)
/// </code>
/// </example>
public sealed class TensorData
{
    private readonly ReadOnlyMemory<byte> _uint8;
    private readonly ReadOnlyMemory<int> _int32;
    private readonly ReadOnlyMemory<long> _int64;
    private readonly ReadOnlyMemory<float> _float32;
    private readonly ReadOnlyMemory<double> _float64;
    private readonly int[] _shape;

    private TensorData(SafeTensorsDType dtype, int length, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has a negative dimension.", nameof(shape));
            }
            count *= d;
            if (count > int.MaxValue)
            {
                throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has more than {int.MaxValue} elements.", nameof(shape));
            }
        }
        if (count != length)
        {
            throw new ArgumentException(
                $"Shape ({string.Join(", ", shape)}) holds {count} elements but {length} were given.", nameof(shape));
        }
        DType = dtype;
        _shape = (int[])shape.Clone();
    }

    private TensorData(ReadOnlyMemory<byte> data, int[] shape) : this(SafeTensorsDType.U8, data.Length, shape) => _uint8 = data;

    private TensorData(ReadOnlyMemory<int> data, int[] shape) : this(SafeTensorsDType.I32, data.Length, shape) => _int32 = data;

    private TensorData(ReadOnlyMemory<long> data, int[] shape) : this(SafeTensorsDType.I64, data.Length, shape) => _int64 = data;

    private TensorData(ReadOnlyMemory<float> data, int[] shape) : this(SafeTensorsDType.F32, data.Length, shape) => _float32 = data;

    private TensorData(ReadOnlyMemory<double> data, int[] shape) : this(SafeTensorsDType.F64, data.Length, shape) => _float64 = data;

    /// <summary>The element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The row-major shape (a copy; an empty array is a scalar with one element).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements, the product of <see cref="Shape"/>.</summary>
    public int ElementCount => DType switch
    {
        SafeTensorsDType.U8 => _uint8.Length,
        SafeTensorsDType.I32 => _int32.Length,
        SafeTensorsDType.I64 => _int64.Length,
        SafeTensorsDType.F32 => _float32.Length,
        _ => _float64.Length,
    };

    /// <summary>Size of the data in bytes: <see cref="ElementCount"/> times the element size.</summary>
    public long ByteLength => (long)ElementCount * SafeTensorsFormat.SizeOf(DType);

    /// <summary>An F32 tensor of <paramref name="shape"/> over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not hold <c>data.Length</c> elements.</exception>
    public static TensorData Float32(ReadOnlyMemory<float> data, params int[] shape) => new(data, shape);

    /// <summary>An F64 tensor of <paramref name="shape"/> over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not hold <c>data.Length</c> elements.</exception>
    public static TensorData Float64(ReadOnlyMemory<double> data, params int[] shape) => new(data, shape);

    /// <summary>An I32 tensor of <paramref name="shape"/> over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not hold <c>data.Length</c> elements.</exception>
    public static TensorData Int32(ReadOnlyMemory<int> data, params int[] shape) => new(data, shape);

    /// <summary>An I64 tensor of <paramref name="shape"/> over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not hold <c>data.Length</c> elements.</exception>
    public static TensorData Int64(ReadOnlyMemory<long> data, params int[] shape) => new(data, shape);

    /// <summary>A U8 tensor of <paramref name="shape"/> over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not hold <c>data.Length</c> elements.</exception>
    public static TensorData UInt8(ReadOnlyMemory<byte> data, params int[] shape) => new(data, shape);

    /// <summary>The elements of an F32 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not F32.</exception>
    public ReadOnlyMemory<float> AsFloat32() => DType == SafeTensorsDType.F32 ? _float32 : throw WrongType(SafeTensorsDType.F32);

    /// <summary>The elements of an F64 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not F64.</exception>
    public ReadOnlyMemory<double> AsFloat64() => DType == SafeTensorsDType.F64 ? _float64 : throw WrongType(SafeTensorsDType.F64);

    /// <summary>The elements of an I32 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not I32.</exception>
    public ReadOnlyMemory<int> AsInt32() => DType == SafeTensorsDType.I32 ? _int32 : throw WrongType(SafeTensorsDType.I32);

    /// <summary>The elements of an I64 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not I64.</exception>
    public ReadOnlyMemory<long> AsInt64() => DType == SafeTensorsDType.I64 ? _int64 : throw WrongType(SafeTensorsDType.I64);

    /// <summary>The elements of a U8 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not U8.</exception>
    public ReadOnlyMemory<byte> AsUInt8() => DType == SafeTensorsDType.U8 ? _uint8 : throw WrongType(SafeTensorsDType.U8);

    /// <summary>The elements as raw bytes in host byte order (little-endian on every platform ConvKit supports).</summary>
    public ReadOnlySpan<byte> AsBytes() => DType switch
    {
        SafeTensorsDType.U8 => _uint8.Span,
        SafeTensorsDType.I32 => MemoryMarshal.AsBytes(_int32.Span),
        SafeTensorsDType.I64 => MemoryMarshal.AsBytes(_int64.Span),
        SafeTensorsDType.F32 => MemoryMarshal.AsBytes(_float32.Span),
        _ => MemoryMarshal.AsBytes(_float64.Span),
    };

    /// <summary>The dtype and shape, e.g. <c>F32 (16, 1, 3, 3)</c>.</summary>
    public override string ToString() => $"{SafeTensorsFormat.NameOf(DType)} ({string.Join(", ", _shape)})";

    private InvalidOperationException WrongType(SafeTensorsDType wanted) =>
        new($"The tensor is {SafeTensorsFormat.NameOf(DType)}, not {SafeTensorsFormat.NameOf(wanted)}.");
}
