using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ConvKit.Serialization;

/// <summary>
/// A safetensors file read into memory and validated: tensor names, dtypes, shapes, the string metadata, and
/// typed accessors for the data. See <see cref="SafeTensorsWriter"/> for the layout.
/// </summary>
/// <remarks>
/// <see cref="Load"/> checks everything a corrupt or hostile file could get wrong before any data is used, and
/// throws a <see cref="ConvKitException"/> naming the file and the problem: a file shorter than 8 bytes, a header
/// length beyond the file or above 100 MB, a header that is not a JSON object, an unsupported dtype, a negative or
/// non-integer dimension, <c>data_offsets</c> that disagree with shape times element size, tensors that overlap,
/// leave gaps or run past the end of the file (truncation), and bytes after the last tensor.
/// </remarks>
/// <example>
/// <code>
/// var file = SafeTensorsFile.Load("model.safetensors");
/// float[] w = file.GetFloat32("conv1.weight");
/// int[] shape = file.GetEntry("conv1.weight").Shape;   // e.g. (16, 1, 3, 3)
/// </code>
/// </example>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, SafeTensorsEntry> _byName;
    private readonly byte[] _data;

    private SafeTensorsFile(string path, List<SafeTensorsEntry> entries, Dictionary<string, string> metadata, byte[] data)
    {
        FilePath = path;
        Entries = entries;
        Names = entries.ConvertAll(e => e.Name);
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Metadata = metadata;
        _data = data;
    }

    /// <summary>The path the file was loaded from.</summary>
    public string FilePath { get; }

    /// <summary>The tensors in the order of their data in the file.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The tensor names in the order of their data in the file.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The header entry of tensor <paramref name="name"/>.</summary>
    /// <exception cref="ConvKitException">The file has no tensor of that name.</exception>
    public SafeTensorsEntry GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.TryGetValue(name, out var entry))
        {
            return entry;
        }
        var known = Names.Count <= 20 ? string.Join(", ", Names) : string.Join(", ", Names.Take(20)) + ", ...";
        throw new ConvKitException($"{FilePath}: no tensor named '{name}' (the file holds {Names.Count}: {known}).");
    }

    /// <summary>The shape of tensor <paramref name="name"/>.</summary>
    /// <exception cref="ConvKitException">The file has no tensor of that name.</exception>
    public int[] GetShape(string name) => GetEntry(name).Shape;

    /// <summary>The dtype of tensor <paramref name="name"/>.</summary>
    /// <exception cref="ConvKitException">The file has no tensor of that name.</exception>
    public SafeTensorsDType GetDType(string name) => GetEntry(name).DType;

    /// <summary>
    /// The elements of tensor <paramref name="name"/> as <see cref="float"/>. The tensor must be F32, unless
    /// <paramref name="convert"/> is true: then F64 is rounded to nearest and integers are converted (exactly up
    /// to 2^24 in magnitude).
    /// </summary>
    /// <exception cref="ConvKitException">No such tensor, or it is not F32 and <paramref name="convert"/> is false.</exception>
    public float[] GetFloat32(string name, bool convert = false)
    {
        var e = GetEntry(name);
        return e.DType switch
        {
            SafeTensorsDType.F32 => Raw<float>(e),
            _ when !convert => throw WrongDType(e, SafeTensorsDType.F32),
            SafeTensorsDType.F64 => Array.ConvertAll(Raw<double>(e), v => (float)v),
            SafeTensorsDType.I32 => Array.ConvertAll(Raw<int>(e), v => (float)v),
            SafeTensorsDType.I64 => Array.ConvertAll(Raw<long>(e), v => (float)v),
            _ => Array.ConvertAll(Raw<byte>(e), v => (float)v),
        };
    }

    /// <summary>
    /// The elements of tensor <paramref name="name"/> as <see cref="double"/>. The tensor must be F64, unless
    /// <paramref name="convert"/> is true: then F32, I32 and U8 convert exactly and I64 exactly up to 2^53.
    /// </summary>
    /// <exception cref="ConvKitException">No such tensor, or it is not F64 and <paramref name="convert"/> is false.</exception>
    public double[] GetFloat64(string name, bool convert = false)
    {
        var e = GetEntry(name);
        return e.DType switch
        {
            SafeTensorsDType.F64 => Raw<double>(e),
            _ when !convert => throw WrongDType(e, SafeTensorsDType.F64),
            SafeTensorsDType.F32 => Array.ConvertAll(Raw<float>(e), v => (double)v),
            SafeTensorsDType.I32 => Array.ConvertAll(Raw<int>(e), v => (double)v),
            SafeTensorsDType.I64 => Array.ConvertAll(Raw<long>(e), v => (double)v),
            _ => Array.ConvertAll(Raw<byte>(e), v => (double)v),
        };
    }

    /// <summary>
    /// The elements of tensor <paramref name="name"/> as <see cref="int"/>. The tensor must be I32, unless
    /// <paramref name="convert"/> is true: then every value must be a whole number within the int range.
    /// </summary>
    /// <exception cref="ConvKitException">No such tensor, it is not I32 and <paramref name="convert"/> is false, or a value does not fit.</exception>
    public int[] GetInt32(string name, bool convert = false)
    {
        var e = GetEntry(name);
        if (e.DType == SafeTensorsDType.I32)
        {
            return Raw<int>(e);
        }
        if (!convert)
        {
            throw WrongDType(e, SafeTensorsDType.I32);
        }
        var wide = ToInt64Checked(e);
        var result = new int[wide.Length];
        for (var i = 0; i < wide.Length; i++)
        {
            result[i] = wide[i] is >= int.MinValue and <= int.MaxValue ? (int)wide[i] : throw DoesNotFit(e, i, wide[i].ToString(System.Globalization.CultureInfo.InvariantCulture), "I32");
        }
        return result;
    }

    /// <summary>
    /// The elements of tensor <paramref name="name"/> as <see cref="long"/>. The tensor must be I64, unless
    /// <paramref name="convert"/> is true: then I32 and U8 convert exactly, and floating-point values must be whole
    /// numbers within the long range.
    /// </summary>
    /// <exception cref="ConvKitException">No such tensor, it is not I64 and <paramref name="convert"/> is false, or a value does not fit.</exception>
    public long[] GetInt64(string name, bool convert = false)
    {
        var e = GetEntry(name);
        if (e.DType == SafeTensorsDType.I64)
        {
            return Raw<long>(e);
        }
        return convert ? ToInt64Checked(e) : throw WrongDType(e, SafeTensorsDType.I64);
    }

    /// <summary>
    /// The elements of tensor <paramref name="name"/> as bytes. The tensor must be U8, unless
    /// <paramref name="convert"/> is true: then every value must be a whole number in 0..255.
    /// </summary>
    /// <exception cref="ConvKitException">No such tensor, it is not U8 and <paramref name="convert"/> is false, or a value does not fit.</exception>
    public byte[] GetUInt8(string name, bool convert = false)
    {
        var e = GetEntry(name);
        if (e.DType == SafeTensorsDType.U8)
        {
            return Raw<byte>(e);
        }
        if (!convert)
        {
            throw WrongDType(e, SafeTensorsDType.U8);
        }
        var wide = ToInt64Checked(e);
        var result = new byte[wide.Length];
        for (var i = 0; i < wide.Length; i++)
        {
            result[i] = wide[i] is >= 0 and <= 255 ? (byte)wide[i] : throw DoesNotFit(e, i, wide[i].ToString(System.Globalization.CultureInfo.InvariantCulture), "U8");
        }
        return result;
    }

    /// <summary>
    /// Copies the F32 tensor <paramref name="name"/> into <paramref name="destination"/> without allocating, for
    /// loading weights straight into a model's parameter buffer.
    /// </summary>
    /// <exception cref="ConvKitException">No such tensor, it is not F32, or its element count differs from <c>destination.Length</c>.</exception>
    public void CopyFloat32(string name, Span<float> destination)
    {
        var e = GetEntry(name);
        if (e.DType != SafeTensorsDType.F32)
        {
            throw WrongDType(e, SafeTensorsDType.F32);
        }
        if (e.ElementCount != destination.Length)
        {
            throw new ConvKitException(
                $"{FilePath}: tensor '{name}' has shape ({string.Join(", ", e.ShapeSpan.ToArray())}) = {e.ElementCount} elements, expected {destination.Length}.");
        }
        Bytes(e).CopyTo(MemoryMarshal.AsBytes(destination));
    }

    /// <summary>A copy of tensor <paramref name="name"/> with its dtype and shape, ready to be written again.</summary>
    /// <exception cref="ConvKitException">The file has no tensor of that name.</exception>
    public TensorData GetTensor(string name)
    {
        var e = GetEntry(name);
        var shape = e.Shape;
        return e.DType switch
        {
            SafeTensorsDType.F32 => TensorData.Float32(Raw<float>(e), shape),
            SafeTensorsDType.F64 => TensorData.Float64(Raw<double>(e), shape),
            SafeTensorsDType.I32 => TensorData.Int32(Raw<int>(e), shape),
            SafeTensorsDType.I64 => TensorData.Int64(Raw<long>(e), shape),
            _ => TensorData.UInt8(Raw<byte>(e), shape),
        };
    }

    /// <summary>
    /// Reads and validates the safetensors file at <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ConvKitException">The file is not a valid safetensors file; the message says what is wrong.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsFormat.RequireLittleEndian();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var length = stream.Length;
        if (length < 8)
        {
            throw Invalid(path, $"the file is {length} bytes long, shorter than the 8-byte header length field");
        }
        Span<byte> field = stackalloc byte[8];
        stream.ReadExactly(field);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(field);
        if (headerLength > (ulong)SafeTensorsFormat.MaxHeaderBytes)
        {
            throw Invalid(path, $"the header length field says {headerLength} bytes, more than the {SafeTensorsFormat.MaxHeaderBytes} allowed (not a safetensors file?)");
        }
        if ((long)headerLength > length - 8)
        {
            throw Invalid(path, $"the header length field says {headerLength} bytes but only {length - 8} bytes follow it (truncated, or not a safetensors file)");
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataLength = length - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(path, header);
        ValidateLayout(path, entries, dataLength);
        if (dataLength > Array.MaxLength)
        {
            throw Invalid(path, $"the data section is {dataLength} bytes, more than ConvKit can load into memory ({Array.MaxLength})");
        }
        var data = new byte[dataLength];
        stream.ReadExactly(data);
        return new SafeTensorsFile(path, entries, metadata, data);
    }

    private static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"the header is a JSON {Kind(root)}, expected an object");
            }
            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Invalid(path, $"the header lists '{property.Name}' twice");
                }
                if (property.Name == SafeTensorsFormat.MetadataKey)
                {
                    ParseMetadata(path, property.Value, metadata);
                }
                else
                {
                    entries.Add(ParseEntry(path, property.Name, property.Value));
                }
            }
            return (entries, metadata);
        }
    }

    private static void ParseMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"'{SafeTensorsFormat.MetadataKey}' is a JSON {Kind(value)}, expected an object of strings");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, $"metadata '{item.Name}' is a JSON {Kind(item.Value)}, expected a string");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorsEntry ParseEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"tensor '{name}' is a JSON {Kind(value)}, expected an object with dtype, shape and data_offsets");
        }
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(path, $"tensor '{name}' has no dtype string");
        }
        var dtypeName = dtypeElement.GetString();
        if (!SafeTensorsFormat.TryParse(dtypeName, out var dtype))
        {
            throw Invalid(path, $"tensor '{name}' has dtype '{dtypeName}', which ConvKit does not support (supported: F32, F64, I32, I64, U8)");
        }
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, $"tensor '{name}' has no shape array");
        }
        var shape = new int[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d))
            {
                throw Invalid(path, $"tensor '{name}' has a shape entry {dim.GetRawText()}, expected a whole number");
            }
            if (d < 0)
            {
                throw Invalid(path, $"tensor '{name}' has a negative dimension {d} in its shape {shapeElement.GetRawText()}");
            }
            if (d > int.MaxValue)
            {
                throw Invalid(path, $"tensor '{name}' has dimension {d}, larger than {int.MaxValue}");
            }
            shape[i++] = (int)d;
        }
        if (!value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
        {
            throw Invalid(path, $"tensor '{name}' has no data_offsets pair [begin, end]");
        }
        var begin = Offset(path, name, offsetsElement[0]);
        var end = Offset(path, name, offsetsElement[1]);
        if (end < begin)
        {
            throw Invalid(path, $"tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin");
        }
        long bytes = SafeTensorsFormat.SizeOf(dtype);
        try
        {
            foreach (var d in shape)
            {
                bytes = checked(bytes * d);
            }
        }
        catch (OverflowException)
        {
            throw Invalid(path, $"tensor '{name}' has shape {shapeElement.GetRawText()}, too large to address");
        }
        if (end - begin != bytes)
        {
            throw Invalid(path,
                $"tensor '{name}' has data_offsets [{begin}, {end}] = {end - begin} bytes, but {dtypeName} shape ({string.Join(", ", shape)}) needs {bytes} bytes");
        }
        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static long Offset(string path, string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var v) || v < 0)
        {
            throw Invalid(path, $"tensor '{name}' has data offset {element.GetRawText()}, expected a non-negative whole number");
        }
        return v;
    }

    /// <summary>Checks that the tensors tile the data buffer exactly: no gap, no overlap, nothing past the end, nothing after.</summary>
    private static void ValidateLayout(string path, List<SafeTensorsEntry> entries, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in entries)
        {
            if (e.Begin < expected)
            {
                throw Invalid(path, $"tensor '{e.Name}' (bytes [{e.Begin}, {e.End})) overlaps tensor '{previous!.Name}' (bytes [{previous.Begin}, {previous.End}))");
            }
            if (e.Begin > expected)
            {
                throw Invalid(path, $"the tensors are not contiguous: bytes [{expected}, {e.Begin}) before tensor '{e.Name}' belong to no tensor");
            }
            if (e.End > dataLength)
            {
                throw Invalid(path, $"tensor '{e.Name}' needs data bytes [{e.Begin}, {e.End}) but the file holds only {dataLength} data bytes (truncated file)");
            }
            expected = e.End;
            previous = e;
        }
        if (expected != dataLength)
        {
            throw Invalid(path, $"{dataLength - expected} trailing bytes after the last tensor (the tensors cover {expected} of {dataLength} data bytes)");
        }
    }

    private ReadOnlySpan<byte> Bytes(SafeTensorsEntry e) => _data.AsSpan((int)e.Begin, (int)(e.End - e.Begin));

    private T[] Raw<T>(SafeTensorsEntry e)
        where T : unmanaged
    {
        var result = new T[e.ElementCount];
        Bytes(e).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    private long[] ToInt64Checked(SafeTensorsEntry e)
    {
        switch (e.DType)
        {
            case SafeTensorsDType.I64:
                return Raw<long>(e);
            case SafeTensorsDType.I32:
                return Array.ConvertAll(Raw<int>(e), v => (long)v);
            case SafeTensorsDType.U8:
                return Array.ConvertAll(Raw<byte>(e), v => (long)v);
        }
        var values = e.DType == SafeTensorsDType.F32 ? Array.ConvertAll(Raw<float>(e), v => (double)v) : Raw<double>(e);
        var result = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            // 2^63 is exactly representable; every double below it in magnitude that is whole fits in a long.
            if (!double.IsInteger(v) || v < -9.2233720368547758E18 || v >= 9.2233720368547758E18)
            {
                throw DoesNotFit(e, i, v.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "an integer");
            }
            result[i] = (long)v;
        }
        return result;
    }

    private ConvKitException WrongDType(SafeTensorsEntry e, SafeTensorsDType wanted) => new(
        $"{FilePath}: tensor '{e.Name}' is {SafeTensorsFormat.NameOf(e.DType)}, not {SafeTensorsFormat.NameOf(wanted)} (pass convert: true to convert it).");

    private ConvKitException DoesNotFit(SafeTensorsEntry e, int index, string value, string target) => new(
        $"{FilePath}: tensor '{e.Name}' element {index} is {value}, which does not convert to {target}.");

    private static ConvKitException Invalid(string path, string detail) => new($"{path}: not a valid safetensors file: {detail}.");

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();
}
