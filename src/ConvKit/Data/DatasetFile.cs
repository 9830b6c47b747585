namespace ConvKit.Data;

/// <summary>
/// One file of a dataset as published: its file name on the mirrors (for example
/// <c>train-images-idx3-ubyte.gz</c>), and the SHA-256 and length of its content after gzip decompression.
/// </summary>
/// <remarks>
/// Checksums are of the decompressed IDX content, not of the <c>.gz</c> wrapper, so a copy that was
/// re-compressed (as Debian's Fashion-MNIST package is) or served already decompressed still verifies, while
/// any change to the images or labels does not.
/// </remarks>
/// <param name="FileName">The name on the mirrors, also the name in the local folder (<c>.gz</c> optional there).</param>
/// <param name="ContentSha256">Lower-case hex SHA-256 of the decompressed content.</param>
/// <param name="ContentLength">Length in bytes of the decompressed content.</param>
public sealed record DatasetFile(string FileName, string ContentSha256, long ContentLength)
{
    /// <summary>The file name without a trailing <c>.gz</c>, the name of an uncompressed local copy.</summary>
    public string UncompressedName =>
        FileName.EndsWith(".gz", StringComparison.Ordinal) ? FileName[..^3] : FileName;
}
