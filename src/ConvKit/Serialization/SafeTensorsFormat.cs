namespace ConvKit.Serialization;

/// <summary>Constants and dtype tables of the safetensors format shared by the reader and the writer.</summary>
internal static class SafeTensorsFormat
{
    /// <summary>The largest JSON header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The reserved header key holding the string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    public static int SizeOf(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.U8 => 1,
        SafeTensorsDType.I32 or SafeTensorsDType.F32 => 4,
        SafeTensorsDType.I64 or SafeTensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static string NameOf(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.U8 => "U8",
        SafeTensorsDType.I32 => "I32",
        SafeTensorsDType.I64 => "I64",
        SafeTensorsDType.F32 => "F32",
        SafeTensorsDType.F64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static bool TryParse(string? name, out SafeTensorsDType dtype)
    {
        switch (name)
        {
            case "U8": dtype = SafeTensorsDType.U8; return true;
            case "I32": dtype = SafeTensorsDType.I32; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F64": dtype = SafeTensorsDType.F64; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>
    /// Position of the dtype in the reference implementation's dtype enumeration, which is ordered by alignment.
    /// The writer lays tensors out by descending rank, then by name, so every tensor starts at a multiple of its
    /// element size (the header is padded to 8 bytes).
    /// </summary>
    public static int AlignmentRank(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.U8 => 1,
        SafeTensorsDType.I32 => 9,
        SafeTensorsDType.F32 => 11,
        SafeTensorsDType.F64 => 12,
        SafeTensorsDType.I64 => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; this host is big-endian.");
        }
    }
}
