using System.Buffers.Binary;
using System.Text;
using ConvKit.Serialization;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Serialization;

public class SafeTensorsTests
{
    private static byte[] LittleEndianFloats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return bytes;
    }

    /// <summary>8-byte little-endian header length, the header text, then the data: the format by hand.</summary>
    private static byte[] Build(string header, byte[] data, ulong? declaredLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    private static byte[] Serialize(IReadOnlyDictionary<string, TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var ms = new MemoryStream();
        SafeTensorsWriter.Write(ms, tensors, metadata);
        return ms.ToArray();
    }

    [Fact]
    public void ReadsAFileBuiltByteByByte()
    {
        // What Python's safetensors.torch.save_file({"weight": ..., "bias": ...}, metadata={"format": "pt"}) writes:
        // metadata first, compact JSON, padded with spaces to 8 bytes.
        var json = "{\"__metadata__\":{\"format\":\"pt\"},\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                 + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}";
        json += new string(' ', (8 - json.Length % 8) % 8);
        var data = LittleEndianFloats(0.5f, -1.5f, 1f, 2f, 3f, 4f);
        using var dir = new TempDirectory();
        var path = dir.File("hand.safetensors");
        File.WriteAllBytes(path, Build(json, data));

        var file = SafeTensorsFile.Load(path);
        Assert.Equal(["bias", "weight"], file.Names);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([2, 2], file.GetShape("weight"));
        Assert.Equal(SafeTensorsDType.F32, file.GetDType("bias"));
        Assert.Equal([0.5f, -1.5f], file.GetFloat32("bias"));
        Assert.Equal([1f, 2f, 3f, 4f], file.GetFloat32("weight"));
        var into = new float[4];
        file.CopyFloat32("weight", into);
        Assert.Equal([1f, 2f, 3f, 4f], into);
    }

    [Fact]
    public void WriterMatchesReferenceImplementationBytes()
    {
        // Byte layouts from the reference implementation's own serialization tests (safetensors/src/tensor.rs).
        var data = new float[] { 0, 1, 2, 3, 4, 5 };

        var exact = Serialize(new Dictionary<string, TensorData> { ["attn.0"] = TensorData.Float32(data, 1, 2, 3) });
        var header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"; // 64 bytes, no padding
        Assert.Equal(Build(header, LittleEndianFloats(data)), exact);
        Assert.Equal(64, (int)BinaryPrimitives.ReadUInt64LittleEndian(exact));

        var padded = Serialize(new Dictionary<string, TensorData> { ["attn0"] = TensorData.Float32(data, 1, 1, 2, 3) });
        header = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       "; // 65 + 7 spaces
        Assert.Equal(Build(header, LittleEndianFloats(data)), padded);
        Assert.Equal(72, (int)BinaryPrimitives.ReadUInt64LittleEndian(padded));

        Assert.Equal(Build("{}      ", []), Serialize(new Dictionary<string, TensorData>()));
        Assert.Equal(
            Build("{\"__metadata__\":{\"framework\":\"pt\"}}     ", []),
            Serialize(new Dictionary<string, TensorData>(), new Dictionary<string, string> { ["framework"] = "pt" }));
    }

    [Fact]
    public void RoundTripsEveryDTypeShapeAndMetadata()
    {
        var big = Enumerable.Range(0, 1000).Select(i => i * 0.25f - 7f).ToArray();
        var tensors = new Dictionary<string, TensorData>
        {
            ["dense.weight"] = TensorData.Float32(big.AsMemory(100, 12), 3, 4), // a slice of a larger buffer
            ["dense.bias"] = TensorData.Float32(new[] { float.MinValue, float.Epsilon, float.NaN }, 3),
            ["f64"] = TensorData.Float64(new[] { Math.PI, -0.0, 1e300 }, 3),
            ["i32"] = TensorData.Int32(new[] { int.MinValue, 0, int.MaxValue, 5 }, 2, 2),
            ["i64.step"] = TensorData.Int64(new[] { long.MaxValue }), // scalar, shape ()
            ["u8"] = TensorData.UInt8(new byte[] { 0, 255, 7 }, 3, 1),
            ["empty"] = TensorData.Float32(Array.Empty<float>(), 0, 5),
            ["κόκκος/名前"] = TensorData.Float32(new[] { 1f }, 1, 1),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "convkit", ["note"] = "ünïcode \"quoted\"\n" };
        using var dir = new TempDirectory();
        var path = dir.File("m.safetensors");
        SafeTensorsWriter.Write(path, tensors, metadata);
        Assert.Equal(["m.safetensors"], dir.Entries());

        var file = SafeTensorsFile.Load(path);
        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), file.Names.Order(StringComparer.Ordinal));
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(big.AsSpan(100, 12).ToArray(), file.GetFloat32("dense.weight"));
        Assert.Equal([3, 4], file.GetShape("dense.weight"));
        var bias = file.GetFloat32("dense.bias");
        Assert.Equal(float.MinValue, bias[0]);
        Assert.Equal(float.Epsilon, bias[1]);
        Assert.True(float.IsNaN(bias[2]));
        Assert.Equal([Math.PI, -0.0, 1e300], file.GetFloat64("f64"));
        Assert.True(double.IsNegative(file.GetFloat64("f64")[1]));
        Assert.Equal([int.MinValue, 0, int.MaxValue, 5], file.GetInt32("i32"));
        Assert.Equal([long.MaxValue], file.GetInt64("i64.step"));
        Assert.Empty(file.GetShape("i64.step"));
        Assert.Equal([0, 255, 7], file.GetUInt8("u8"));
        Assert.Empty(file.GetFloat32("empty"));
        Assert.Equal([0, 5], file.GetShape("empty"));
        Assert.Equal([1f], file.GetFloat32("κόκκος/名前"));

        // GetTensor gives data that writes back to the same bytes.
        var again = file.Names.ToDictionary(n => n, file.GetTensor);
        var path2 = dir.File("m2.safetensors");
        SafeTensorsWriter.Write(path2, again, file.Metadata);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(path2));
    }

    [Fact]
    public void LaysOutByDescendingAlignmentThenNameSoEveryTensorIsAligned()
    {
        var tensors = new Dictionary<string, TensorData>
        {
            ["a"] = TensorData.UInt8(new byte[] { 1, 2, 3 }, 3),
            ["b"] = TensorData.Float32(new float[] { 1 }, 1),
            ["c"] = TensorData.Int32(new[] { 1, 2, 3 }, 3),
            ["d"] = TensorData.Float64(new double[] { 1 }, 1),
            ["e"] = TensorData.Int64(new long[] { 1, 2 }, 2),
            ["f"] = TensorData.Float32(new float[] { 1, 2, 3 }, 3),
        };
        using var dir = new TempDirectory();
        var path = dir.File("order.safetensors");
        SafeTensorsWriter.Write(path, tensors);
        var file = SafeTensorsFile.Load(path);
        Assert.Equal(["e", "d", "b", "f", "c", "a"], file.Names);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path));
        Assert.Equal(0UL, headerLength % 8);
        foreach (var e in file.Entries)
        {
            var size = e.DType switch { SafeTensorsDType.U8 => 1, SafeTensorsDType.I32 or SafeTensorsDType.F32 => 4, _ => 8 };
            Assert.Equal(0, e.Begin % size);
        }
    }

    [Fact]
    public void ConvertsOnlyWhenAsked()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData>
        {
            ["d"] = TensorData.Float64(new[] { 1.5, -2.0 }, 2),
            ["whole"] = TensorData.Float32(new[] { 3f, -4f }, 2),
            ["l"] = TensorData.Int64(new[] { 5L, 1L << 40 }, 2),
            ["i"] = TensorData.Int32(new[] { -1, 300 }, 2),
        });
        var file = SafeTensorsFile.Load(path);

        var e = Assert.Throws<ConvKitException>(() => file.GetFloat32("d"));
        Assert.Contains(path, e.Message);
        Assert.Contains("'d' is F64, not F32", e.Message);
        Assert.Equal([1.5f, -2f], file.GetFloat32("d", convert: true));
        Assert.Equal([3.0, -4.0], file.GetFloat64("whole", convert: true));
        Assert.Equal([3L, -4L], file.GetInt64("whole", convert: true));
        Assert.Equal([3, -4], file.GetInt32("whole", convert: true));
        Assert.Equal([-1L, 300L], file.GetInt64("i", convert: true));
        Assert.Throws<ConvKitException>(() => file.GetInt64("i"));

        e = Assert.Throws<ConvKitException>(() => file.GetInt32("d", convert: true));
        Assert.Contains("element 0 is 1.5", e.Message);
        e = Assert.Throws<ConvKitException>(() => file.GetInt32("l", convert: true));
        Assert.Contains("element 1 is 1099511627776", e.Message);
        e = Assert.Throws<ConvKitException>(() => file.GetUInt8("i", convert: true));
        Assert.Contains("element 0 is -1", e.Message);

        e = Assert.Throws<ConvKitException>(() => file.CopyFloat32("whole", new float[3]));
        Assert.Contains("expected 3", e.Message);
        e = Assert.Throws<ConvKitException>(() => file.GetFloat32("missing"));
        Assert.Contains("no tensor named 'missing'", e.Message);
        Assert.Contains("whole", e.Message);
    }

    [Fact]
    public void WriterRejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => TensorData.Float32(new float[5], 2, 3));
        Assert.Throws<ArgumentException>(() => TensorData.Float32(new float[0], -1, 0));
        Assert.Throws<ArgumentException>(() => Serialize(new Dictionary<string, TensorData> { ["__metadata__"] = TensorData.Float32(new float[1], 1) }));
        Assert.Throws<ArgumentException>(() => Serialize(new Dictionary<string, TensorData> { [""] = TensorData.Float32(new float[1], 1) }));
    }

    public static TheoryData<string, string> CorruptFiles() => new()
    {
        { "short", "shorter than the 8-byte header length field" },
        { "header-beyond-file", "header length field says 1000 bytes but only" },
        { "header-absurd", "more than the 100000000 allowed" },
        { "not-json", "header is not valid JSON" },
        { "not-object", "header is a JSON array, expected an object" },
        { "unknown-dtype", "dtype 'F16', which ConvKit does not support" },
        { "negative-dim", "negative dimension -2" },
        { "fractional-dim", "expected a whole number" },
        { "offsets-vs-shape", "= 12 bytes, but F32 shape (2, 2) needs 16 bytes" },
        { "truncated", "needs data bytes [8, 24) but the file holds only 20 data bytes (truncated file)" },
        { "overlap", "overlaps tensor 'a'" },
        { "gap", "bytes [8, 12) before tensor 'b' belong to no tensor" },
        { "not-from-zero", "bytes [0, 4) before tensor 'a' belong to no tensor" },
        { "trailing", "3 trailing bytes after the last tensor" },
        { "duplicate", "lists 'a' twice" },
        { "metadata-not-string", "metadata 'epoch' is a JSON number, expected a string" },
        { "missing-offsets", "no data_offsets pair" },
        { "reversed-offsets", "end before they begin" },
    };

    private static byte[] CorruptBytes(string kind)
    {
        static string T(string name, string dtype, string shape, long b, long e) =>
            $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{b},{e}]}}";
        var eight = new byte[8];
        return kind switch
        {
            "short" => [1, 0, 0, 0, 0],
            "header-beyond-file" => Build("{}      ", [], declaredLength: 1000),
            "header-absurd" => Build("{}      ", [], declaredLength: 200_000_000),
            "not-json" => Build("{\"a\": [1, 2", []),
            "not-object" => Build("[1, 2, 3]", []),
            "unknown-dtype" => Build("{" + T("a", "F16", "[4]", 0, 8) + "}", eight),
            "negative-dim" => Build("{" + T("a", "F32", "[-2, 1]", 0, 8) + "}", eight),
            "fractional-dim" => Build("{" + T("a", "F32", "[2.5]", 0, 8) + "}", eight),
            "offsets-vs-shape" => Build("{" + T("a", "F32", "[2, 2]", 0, 12) + "}", new byte[12]),
            "truncated" => Build("{" + T("a", "F32", "[2]", 0, 8) + "," + T("b", "F32", "[4]", 8, 24) + "}", new byte[20]),
            "overlap" => Build("{" + T("a", "F32", "[2]", 0, 8) + "," + T("b", "F32", "[2]", 4, 12) + "}", new byte[12]),
            "gap" => Build("{" + T("a", "F32", "[2]", 0, 8) + "," + T("b", "F32", "[2]", 12, 20) + "}", new byte[20]),
            "not-from-zero" => Build("{" + T("a", "F32", "[2]", 4, 12) + "}", new byte[12]),
            "trailing" => Build("{" + T("a", "F32", "[2]", 0, 8) + "}", new byte[11]),
            "duplicate" => Build("{" + T("a", "F32", "[2]", 0, 8) + "," + T("a", "F32", "[2]", 0, 8) + "}", eight),
            "metadata-not-string" => Build("{\"__metadata__\":{\"epoch\":3}}", []),
            "missing-offsets" => Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", eight),
            "reversed-offsets" => Build("{" + T("a", "F32", "[0]", 8, 0) + "}", eight),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void RejectsCorruptFileWithMessageNamingFileAndProblem(string kind, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File(kind + ".safetensors");
        File.WriteAllBytes(path, CorruptBytes(kind));
        var e = Assert.Throws<ConvKitException>(() => SafeTensorsFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EveryTruncationOfAValidFileIsRejected()
    {
        var bytes = Serialize(new Dictionary<string, TensorData>
        {
            ["w"] = TensorData.Float32(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3),
            ["b"] = TensorData.Float32(new float[] { 7, 8 }, 2),
        });
        using var dir = new TempDirectory();
        var path = dir.File("t.safetensors");
        for (var n = 0; n < bytes.Length; n++)
        {
            File.WriteAllBytes(path, bytes[..n]);
            var e = Assert.Throws<ConvKitException>(() => SafeTensorsFile.Load(path));
            Assert.Contains(path, e.Message);
        }
        File.WriteAllBytes(path, bytes);
        Assert.Equal(2, SafeTensorsFile.Load(path).Names.Count);
    }
}
