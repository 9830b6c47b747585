using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConvKit.IO;

namespace ConvKit.Serialization;

/// <summary>
/// Writes safetensors files (https://github.com/huggingface/safetensors), readable by the Python
/// <c>safetensors</c> package, PyTorch, JAX and Candle.
/// </summary>
/// <remarks>
/// Layout: an 8-byte little-endian unsigned header length <c>N</c>; <c>N</c> bytes of UTF-8 JSON
/// <c>{"__metadata__":{"key":"value"},"name":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},...}</c>
/// padded with spaces to a multiple of 8 bytes; then the tensors' bytes, little-endian and row-major, back to
/// back. Offsets count from the start of that data buffer. As the reference implementation does, tensors are laid
/// out by descending element size and then by name (ordinal), so each one starts at a multiple of its element
/// size; for a file of F32 weights that is plain name order. The metadata keys are written in ordinal order, so
/// the same tensors always give the same bytes.
/// </remarks>
/// <example>
/// <code>
/// SafeTensorsWriter.Write("model.safetensors",
///     new Dictionary&lt;string, TensorData&gt; { ["conv1.weight"] = TensorData.Float32(w, 16, 1, 3, 3) },
///     new Dictionary&lt;string, string&gt; { ["format"] = "convkit" });
/// </code>
/// </example>
public static class SafeTensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="path"/> atomically
    /// (<see cref="AtomicFile"/>): an existing file is replaced only once the new one is complete on disk.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is named <c>__metadata__</c> or with an empty name.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var (header, order) = BuildHeader(tensors, metadata);
        AtomicFile.Write(path, stream => WriteBody(stream, header, order));
    }

    /// <summary>Writes the safetensors bytes of <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">A tensor is named <c>__metadata__</c> or with an empty name.</exception>
    public static void Write(Stream stream, IReadOnlyDictionary<string, TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var (header, order) = BuildHeader(tensors, metadata);
        WriteBody(stream, header, order);
    }

    private static void WriteBody(Stream stream, byte[] header, List<KeyValuePair<string, TensorData>> order)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor) in order)
        {
            stream.Write(tensor.AsBytes());
        }
    }

    /// <summary>The padded JSON header and the tensors in data order.</summary>
    internal static (byte[] Header, List<KeyValuePair<string, TensorData>> Order) BuildHeader(
        IReadOnlyDictionary<string, TensorData> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        SafeTensorsFormat.RequireLittleEndian();
        var order = new List<KeyValuePair<string, TensorData>>(tensors.Count);
        foreach (var pair in tensors)
        {
            if (string.IsNullOrEmpty(pair.Key))
            {
                throw new ArgumentException("A tensor name is empty.", nameof(tensors));
            }
            if (pair.Key == SafeTensorsFormat.MetadataKey)
            {
                throw new ArgumentException($"'{SafeTensorsFormat.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            }
            ArgumentNullException.ThrowIfNull(pair.Value, $"tensors[\"{pair.Key}\"]");
            order.Add(pair);
        }
        order.Sort((a, b) =>
        {
            var byAlignment = SafeTensorsFormat.AlignmentRank(b.Value.DType).CompareTo(SafeTensorsFormat.AlignmentRank(a.Value.DType));
            return byAlignment != 0 ? byAlignment : string.CompareOrdinal(a.Key, b.Key);
        });

        var buffer = new ArrayBufferWriter<byte>(256 + 96 * order.Count);
        // Relaxed escaping writes non-ASCII names as UTF-8, as serde_json does, instead of \uXXXX escapes.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsFormat.MetadataKey);
                foreach (var key in metadata.Keys.Order(StringComparer.Ordinal))
                {
                    json.WriteString(key, metadata[key]);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in order)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsFormat.NameOf(tensor.DType));
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return (header, order);
    }
}
