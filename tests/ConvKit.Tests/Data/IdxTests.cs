using System.Buffers.Binary;
using System.IO.Compression;
using ConvKit.Data;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Data;

public class IdxTests
{
    /// <summary>An IDX file by hand: big-endian magic, big-endian sizes, then the bytes.</summary>
    internal static byte[] IdxBytes(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        }
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    internal static byte[] Gzip(byte[] content)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal))
        {
            gz.Write(content);
        }
        return ms.ToArray();
    }

    internal static byte[] Gunzip(byte[] compressed)
    {
        using var gz = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static readonly byte[] SixPixelsTwice = [0, 255, 1, 128, 254, 3, 9, 8, 7, 6, 5, 4];

    [Theory]
    [InlineData(false, "images.idx")]
    [InlineData(true, "images.gz")]
    [InlineData(true, "images-no-gz-suffix")]
    public void ReadsImagesRawOrGzipWhateverTheName(bool gzip, string name)
    {
        using var dir = new TempDirectory();
        var path = dir.File(name);
        var content = IdxBytes(0x803, [2, 3, 2], SixPixelsTwice);
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);

        var images = Idx.ReadImages(path);
        Assert.Equal(2, images.Count);
        Assert.Equal(3, images.Rows);
        Assert.Equal(2, images.Cols);
        Assert.Equal(path, images.Path);
        Assert.Equal(SixPixelsTwice.Select(b => b / 255f), images.Pixels);
        Assert.Equal(0f, images.Pixels[0]);
        Assert.Equal(1f, images.Pixels[1]);
    }

    [Fact]
    public void ReadsLabelsAndRawBytes()
    {
        using var dir = new TempDirectory();
        var labels = dir.File("labels");
        File.WriteAllBytes(labels, Gzip(IdxBytes(0x801, [4], [7, 2, 255, 0])));
        Assert.Equal([7, 2, 255, 0], Idx.ReadLabels(labels).Labels);

        var raw = Idx.ReadRaw(labels);
        Assert.Equal(0x801, raw.Magic);
        Assert.Equal([4], raw.Dimensions);
        Assert.Equal(new byte[] { 7, 2, 255, 0 }, raw.Data);

        var fourD = dir.File("4d.idx");
        File.WriteAllBytes(fourD, IdxBytes(0x804, [1, 2, 1, 3], [1, 2, 3, 4, 5, 6]));
        raw = Idx.ReadRaw(fourD);
        Assert.Equal(0x804, raw.Magic);
        Assert.Equal([1, 2, 1, 3], raw.Dimensions);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, raw.Data);
    }

    [Fact]
    public void StreamsAcrossChunkBoundaries()
    {
        // 101 images of 29 x 31 = 90,799 bytes, more than one 64 KiB chunk and not a multiple of it.
        var rng = new Random(12345);
        var data = new byte[101 * 29 * 31];
        rng.NextBytes(data);
        using var dir = new TempDirectory();
        var path = dir.File("big.gz");
        File.WriteAllBytes(path, Gzip(IdxBytes(0x803, [101, 29, 31], data)));
        var images = Idx.ReadImages(path);
        Assert.Equal(data.Length, images.Pixels.Length);
        for (var i = 0; i < data.Length; i++)
        {
            Assert.Equal(data[i] / 255f, images.Pixels[i]);
        }
    }

    [Fact]
    public void EmptyFilesWithZeroCountAreValid()
    {
        using var dir = new TempDirectory();
        var path = dir.File("none");
        File.WriteAllBytes(path, IdxBytes(0x803, [0, 28, 28], []));
        var images = Idx.ReadImages(path);
        Assert.Equal(0, images.Count);
        Assert.Equal(28, images.Rows);
        Assert.Empty(images.Pixels);
    }

    public static TheoryData<string, bool, string> Defects() => new()
    {
        { "labels-as-images", false, "wrong magic number 0x00000801 (IDX labels: unsigned bytes, 1 dimension), expected 0x00000803 (IDX images" },
        { "not-idx", false, "wrong magic number 0x89504E47 (not an IDX file), expected 0x00000803" },
        { "float-idx", false, "wrong magic number 0x00000D03 (an IDX file of a type other than unsigned bytes" },
        { "tiny", false, "truncated: 3 bytes, shorter than the 4-byte IDX magic number" },
        { "short-header", false, "truncated header: magic 0x00000803 promises 3 dimension sizes (12 bytes) but only 5 bytes follow" },
        { "truncated", false, "truncated: the header promises 12 data bytes (2 x 3 x 2), found 10 bytes" },
        { "truncated", true, "truncated: the header promises 12 data bytes (2 x 3 x 2), found 10 decompressed bytes" },
        { "oversized", false, "oversized: 3 extra bytes after the 12 data bytes the header promises" },
        { "oversized", true, "oversized: 3 extra decompressed bytes after the 12 data bytes" },
        { "absurd-count", false, "absurd item count in the header: 200000000 (at most 100000000 accepted)" },
        { "absurd-rows", false, "absurd size of dimension 1 in the header: 70000 (at most 65535 accepted)" },
        { "negative-count", false, "absurd item count in the header: 4294967295" },
        { "too-large", false, "the header promises 6553500000000000 bytes of data (100000000 x 65535 x 1000), too large to load" },
    };

    private static byte[] Defective(string kind) => kind switch
    {
        "labels-as-images" => IdxBytes(0x801, [12], SixPixelsTwice),
        "not-idx" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0],
        "float-idx" => IdxBytes(0xD03, [1, 1, 1], [0, 0, 0, 0]),
        "tiny" => [0, 0, 8],
        "short-header" => IdxBytes(0x803, [2, 3, 2], [])[..9],
        "truncated" => IdxBytes(0x803, [2, 3, 2], SixPixelsTwice[..10]),
        "oversized" => IdxBytes(0x803, [2, 3, 2], [.. SixPixelsTwice, 1, 2, 3]),
        "absurd-count" => IdxBytes(0x803, [200_000_000, 28, 28], []),
        "absurd-rows" => IdxBytes(0x803, [1, 70000, 28], []),
        "negative-count" => IdxBytes(0x803, [-1, 28, 28], []),
        "too-large" => IdxBytes(0x803, [100_000_000, 65535, 1000], []),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void RejectsDefectiveImageFilesNamingTheFile(string kind, bool gzip, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File(kind + (gzip ? ".gz" : ""));
        var content = Defective(kind);
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        var e = Assert.Throws<ConvKitException>(() => Idx.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void RejectsImagesAsLabels()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x");
        File.WriteAllBytes(path, IdxBytes(0x803, [2, 3, 2], SixPixelsTwice));
        var e = Assert.Throws<ConvKitException>(() => Idx.ReadLabels(path));
        Assert.Contains("wrong magic number 0x00000803 (IDX images: unsigned bytes, 3 dimensions), expected 0x00000801", e.Message);
    }

    [Fact]
    public void RejectsCorruptGzip()
    {
        // Compressible content, so the deflate stream uses Huffman-coded blocks that garbage breaks.
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i % 7 * 30)).ToArray();
        var gz = Gzip(IdxBytes(0x803, [5, 10, 100], data));
        using var dir = new TempDirectory();

        // Garbage in the middle of the deflate stream.
        var mangled = (byte[])gz.Clone();
        for (var i = 20; i < 60; i++)
        {
            mangled[i] ^= 0x5A;
        }
        var path = dir.File("mangled.gz");
        File.WriteAllBytes(path, mangled);
        var e = Assert.Throws<ConvKitException>(() => Idx.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("corrupt gzip data", e.Message);

        // A wrong CRC-32 in the gzip trailer: the data decompresses but fails its check.
        var badCrc = (byte[])gz.Clone();
        badCrc[^8] ^= 0xFF;
        path = dir.File("crc.gz");
        File.WriteAllBytes(path, badCrc);
        e = Assert.Throws<ConvKitException>(() => Idx.ReadImages(path));
        Assert.Contains("corrupt gzip data", e.Message);

        // A gzip file cut in half is refused either as corrupt gzip or as truncated content.
        path = dir.File("half.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);
        e = Assert.Throws<ConvKitException>(() => Idx.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.True(e.Message.Contains("corrupt gzip data") || e.Message.Contains("truncated"), e.Message);
    }

    [Fact]
    public void PairWithDifferentCountsIsRefused()
    {
        using var dir = new TempDirectory();
        var images = dir.File("images");
        var labels = dir.File("labels");
        File.WriteAllBytes(images, IdxBytes(0x803, [2, 3, 2], SixPixelsTwice));
        File.WriteAllBytes(labels, IdxBytes(0x801, [3], [1, 2, 3]));
        var e = Assert.Throws<ConvKitException>(() => Idx.ReadPair(images, labels));
        Assert.Contains($"{images}: holds 2 images but the label file {labels} holds 3 labels", e.Message);

        File.WriteAllBytes(labels, IdxBytes(0x801, [2], [1, 2]));
        var (i, l) = Idx.ReadPair(images, labels);
        Assert.Equal(2, i.Count);
        Assert.Equal([1, 2], l.Labels);
    }

    [SharedDataFact]
    public void ReadsRealMnistTestSet()
    {
        var (images, labels) = Idx.ReadPair(
            SharedData.DataFile("mnist", "t10k-images-idx3-ubyte.gz"), SharedData.DataFile("mnist", "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(10000, images.Count);
        Assert.Equal(28, images.Rows);
        Assert.Equal(28, images.Cols);
        Assert.Equal(10000 * 28 * 28, images.Pixels.Length);
        Assert.Equal(10000, labels.Count);
        // The first MNIST test digits are 7, 2, 1, 0, 4 (as every MNIST tutorial shows).
        Assert.Equal([7, 2, 1, 0, 4], labels.Labels[..5]);
        Assert.All(labels.Labels, l => Assert.InRange(l, 0, 9));
        Assert.Equal(0f, images.Pixels.Min());
        Assert.Equal(1f, images.Pixels.Max());
        // The corner pixels of MNIST digits are background.
        Assert.Equal(0f, images.Pixels[0]);
    }
}
