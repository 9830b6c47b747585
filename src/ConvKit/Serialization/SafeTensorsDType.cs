namespace ConvKit.Serialization;

/// <summary>
/// Element types ConvKit reads and writes in safetensors files. The names match the <c>dtype</c> strings of the
/// format (<c>"F32"</c>, ...). All values are stored little-endian.
/// </summary>
public enum SafeTensorsDType
{
    /// <summary>Unsigned 8-bit integer (<c>"U8"</c>), 1 byte.</summary>
    U8,

    /// <summary>Signed 32-bit integer (<c>"I32"</c>), 4 bytes.</summary>
    I32,

    /// <summary>Signed 64-bit integer (<c>"I64"</c>), 8 bytes.</summary>
    I64,

    /// <summary>IEEE 754 single precision (<c>"F32"</c>), 4 bytes.</summary>
    F32,

    /// <summary>IEEE 754 double precision (<c>"F64"</c>), 8 bytes.</summary>
    F64,
}
