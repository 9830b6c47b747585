namespace ConvKit.Data;

/// <summary>
/// Images read from an IDX file (magic 0x00000803): <see cref="Count"/> grey images of
/// <see cref="Rows"/> x <see cref="Cols"/> pixels, held as the file's bytes 0..255 (<see cref="Bytes"/>) and
/// read as floats in [0, 1] (<c>pixel / 255f</c>, <see cref="Pixels"/>), laid out as (count, 1, rows, cols),
/// row-major: the pixel at (n, 0, y, x) is <c>Pixels[(n * Rows + y) * Cols + x]</c>.
/// </summary>
public sealed class IdxImages
{
    private float[]? _pixels;

    internal IdxImages(string path, int count, int rows, int cols, byte[] bytes)
    {
        Path = path;
        Count = count;
        Rows = rows;
        Cols = cols;
        Bytes = bytes;
    }

    /// <summary>The file the images were read from.</summary>
    public string Path { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Height of each image in pixels.</summary>
    public int Rows { get; }

    /// <summary>Width of each image in pixels.</summary>
    public int Cols { get; }

    /// <summary>All pixels as stored in the file, 0..255, shape (count, 1, rows, cols); length <c>Count * Rows * Cols</c>.</summary>
    public byte[] Bytes { get; }

    /// <summary>
    /// All pixels in [0, 1], shape (count, 1, rows, cols); length <c>Count * Rows * Cols</c>. Converted from
    /// <see cref="Bytes"/> on first use (four times their memory) and kept.
    /// </summary>
    public float[] Pixels => _pixels ?? ConvertAll();

    private float[] ConvertAll()
    {
        Interlocked.CompareExchange(ref _pixels, PixelScale.ToUnit(Bytes), null);
        return _pixels;
    }
}
