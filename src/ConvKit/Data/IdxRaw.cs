namespace ConvKit.Data;

/// <summary>
/// The undecoded content of an unsigned-byte IDX file: its dimensions (from the header) and its data bytes in
/// row-major order. <see cref="Data"/> has exactly the product of <see cref="Dimensions"/> bytes.
/// </summary>
public sealed class IdxRaw
{
    internal IdxRaw(string path, int magic, int[] dimensions, byte[] data)
    {
        Path = path;
        Magic = magic;
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The file the data was read from.</summary>
    public string Path { get; }

    /// <summary>The 32-bit magic number: 0x00000800 plus the number of dimensions.</summary>
    public int Magic { get; }

    /// <summary>The dimensions, outermost first (for images: count, rows, cols).</summary>
    public int[] Dimensions { get; }

    /// <summary>The data bytes, row-major.</summary>
    public byte[] Data { get; }
}
