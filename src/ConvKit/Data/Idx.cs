using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace ConvKit.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), raw or
/// gzip-compressed. Compression is detected from the gzip magic bytes <c>1f 8b</c>, not from the file name.
/// </summary>
/// <remarks>
/// <para>Layout: a big-endian 32-bit magic number <c>0x0000TTNN</c> (TT = element type, 0x08 for unsigned bytes;
/// NN = number of dimensions), one big-endian 32-bit size per dimension, then the elements, row-major.
/// Images are <c>0x00000803</c> with dimensions (count, rows, cols); labels are <c>0x00000801</c> with (count).</para>
/// <para>Files are streamed: the compressed file is never held in memory, only the decompressed bytes. Image
/// pixels stay bytes until <see cref="IdxImages.Pixels"/> asks for floats.</para>
/// <para>Every defect the user can act on throws a <see cref="ConvKitException"/> naming the file: a wrong magic
/// number (with the one found), a truncated file (bytes expected and found), extra bytes after the data
/// ("oversized"), absurd sizes (more than <see cref="MaxCount"/> items, a side above <see cref="MaxSide"/>),
/// corrupt gzip data, and image and label files of different lengths in <see cref="ReadPair"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// var (images, labels) = Idx.ReadPair("mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz");
/// float first = images.Pixels[0];   // image 0, row 0, col 0, in [0, 1]
/// int label = labels.Labels[0];     // 7
/// </code>
/// </example>
public static class Idx
{
    /// <summary>Magic number of an image file: unsigned bytes, 3 dimensions (count, rows, cols).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The largest item count (first dimension) accepted; more is taken as a corrupt header.</summary>
    public const int MaxCount = 100_000_000;

    /// <summary>The largest size of any other dimension (rows, cols) accepted; more is taken as a corrupt header.</summary>
    public const int MaxSide = 65535;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads an image file (magic 0x00000803): its bytes, and floats in [0, 1] on demand, shape (count, 1, rows, cols).</summary>
    /// <exception cref="ConvKitException">The file is not a valid IDX image file; the message says why.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxImages ReadImages(string path) => ReadImages(path, expectedCount: null, labelsPath: null);

    /// <summary>Reads a label file (magic 0x00000801).</summary>
    /// <exception cref="ConvKitException">The file is not a valid IDX label file; the message says why.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxLabels ReadLabels(string path)
    {
        var raw = Read(path, LabelsMagic, (stream, dims) => ReadBytes(path, stream, dims));
        var labels = new int[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            labels[i] = raw[i];
        }
        return new IdxLabels(path, labels);
    }

    /// <summary>
    /// Reads an image file and its label file and checks that they hold the same number of items. The label
    /// file is read first and its count checked against the image header before the image data is read.
    /// </summary>
    /// <exception cref="ConvKitException">Either file is invalid, or the counts differ.</exception>
    public static (IdxImages Images, IdxLabels Labels) ReadPair(string imagesPath, string labelsPath)
    {
        var labels = ReadLabels(labelsPath);
        var images = ReadImages(imagesPath, labels.Count, labelsPath);
        return (images, labels);
    }

    /// <summary>
    /// Reads any unsigned-byte IDX file (magic <c>0x000008NN</c>, 1 to 8 dimensions) without interpreting it:
    /// the dimensions and the data bytes.
    /// </summary>
    /// <exception cref="ConvKitException">The file is not a valid unsigned-byte IDX file; the message says why.</exception>
    public static IdxRaw ReadRaw(string path)
    {
        var magic = 0;
        int[] dimensions = [];
        var data = Read(path, expectedMagic: 0, (stream, dims) =>
        {
            dimensions = dims;
            magic = 0x0800 | dims.Length;
            return ReadBytes(path, stream, dims);
        });
        return new IdxRaw(path, magic, dimensions, data);
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading its IDX content: decompressed when the file starts with the gzip
    /// magic bytes <c>1f 8b</c>, as is otherwise. Disposing the stream closes the file.
    /// </summary>
    public static Stream OpenContent(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, FileOptions.SequentialScan);
        try
        {
            Span<byte> head = stackalloc byte[2];
            var n = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (n == 2 && head[0] == 0x1f && head[1] == 0x8b)
            {
                return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
            }
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static IdxImages ReadImages(string path, int? expectedCount, string? labelsPath)
    {
        var count = 0;
        var rows = 0;
        var cols = 0;
        var pixels = Read(path, ImagesMagic, (stream, dims) =>
        {
            if (expectedCount is { } expected && dims[0] != expected)
            {
                throw new ConvKitException(
                    $"{path}: holds {dims[0]} images but the label file {labelsPath} holds {expected} labels; the two files do not belong together.");
            }
            count = dims[0];
            rows = dims[1];
            cols = dims[2];
            return ReadBytes(path, stream, dims);
        });
        return new IdxImages(path, count, rows, cols, pixels);
    }

    /// <summary>Opens the file, checks the header, runs <paramref name="body"/> on the data, and checks nothing follows.</summary>
    private static T Read<T>(string path, int expectedMagic, Func<Stream, int[], T> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenContent(path);
        var gzip = stream is GZipStream;
        try
        {
            var dims = ReadHeader(path, stream, expectedMagic, gzip);
            var result = body(stream, dims);
            EnsureEnd(path, stream, DataBytes(dims), gzip);
            return result;
        }
        catch (InvalidDataException e) when (gzip)
        {
            throw new ConvKitException($"{path}: corrupt gzip data ({e.Message}).", e);
        }
    }

    private static int[] ReadHeader(string path, Stream stream, int expectedMagic, bool gzip)
    {
        Span<byte> magicBytes = stackalloc byte[4];
        var got = stream.ReadAtLeast(magicBytes, 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw new ConvKitException($"{path}: truncated: {got} {Content(gzip)}bytes, shorter than the 4-byte IDX magic number.");
        }
        var magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        if (expectedMagic != 0 && magic != expectedMagic)
        {
            throw new ConvKitException($"{path}: wrong magic number 0x{magic:X8}{Describe(magic)}, expected 0x{expectedMagic:X8}{Describe(expectedMagic)}.");
        }
        var rank = magic & 0xff;
        if (expectedMagic == 0 && ((magic & ~0xff) != 0x0800 || rank is < 1 or > 8))
        {
            throw new ConvKitException(
                $"{path}: wrong magic number 0x{magic:X8}{Describe(magic)}, expected 0x000008NN (IDX unsigned bytes, NN = 1 to 8 dimensions).");
        }
        Span<byte> sizes = stackalloc byte[4 * rank];
        got = stream.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (got < sizes.Length)
        {
            throw new ConvKitException(
                $"{path}: truncated header: magic 0x{magic:X8} promises {rank} dimension sizes ({sizes.Length} bytes) but only {got} bytes follow.");
        }
        var dims = new int[rank];
        long total = 1;
        for (var i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(sizes[(4 * i)..]);
            var limit = i == 0 ? MaxCount : MaxSide;
            if (d > limit)
            {
                var what = i == 0 ? "item count" : $"size of dimension {i}";
                throw new ConvKitException($"{path}: absurd {what} in the header: {d} (at most {limit} accepted); the header is corrupt.");
            }
            dims[i] = (int)d;
            total *= d;
        }
        if (total > Array.MaxLength)
        {
            throw new ConvKitException($"{path}: the header promises {total} bytes of data ({Dims(dims)}), too large to load.");
        }
        return dims;
    }

    private static long DataBytes(int[] dims)
    {
        long total = 1;
        foreach (var d in dims)
        {
            total *= d;
        }
        return total;
    }

    private static byte[] ReadBytes(string path, Stream stream, int[] dims)
    {
        var data = new byte[DataBytes(dims)];
        var got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            throw Truncated(path, dims, got, stream is GZipStream);
        }
        return data;
    }

    private static void EnsureEnd(string path, Stream stream, long expected, bool gzip)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long extra = 0;
            int n;
            while ((n = stream.Read(buffer, 0, ChunkBytes)) > 0)
            {
                extra += n;
            }
            if (extra > 0)
            {
                throw new ConvKitException(
                    $"{path}: oversized: {extra} extra {Content(gzip)}bytes after the {expected} data bytes the header promises.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ConvKitException Truncated(string path, int[] dims, long found, bool gzip) => new(
        $"{path}: truncated: the header promises {DataBytes(dims)} data bytes ({Dims(dims)}), found {found} {Content(gzip)}bytes.");

    private static string Content(bool gzip) => gzip ? "decompressed " : "";

    private static string Dims(int[] dims) => string.Join(" x ", dims);

    private static string Describe(int magic) => magic switch
    {
        ImagesMagic => " (IDX images: unsigned bytes, 3 dimensions)",
        LabelsMagic => " (IDX labels: unsigned bytes, 1 dimension)",
        _ when (magic & ~0xff) == 0x0800 => $" (IDX unsigned bytes, {magic & 0xff} dimensions)",
        _ when (magic >>> 16) == 0 && (magic >> 8 & 0xff) is 0x09 or 0x0B or 0x0C or 0x0D or 0x0E =>
            " (an IDX file of a type other than unsigned bytes, which ConvKit does not read)",
        _ => " (not an IDX file)",
    };
}
