using System.Security.Cryptography;
using ConvKit.Data;

namespace ConvKit.Tests.Data;

/// <summary>
/// A synthetic dataset of four small IDX files (5 training and 3 test images of 4x3 pixels, 3 classes) with its
/// <see cref="DatasetInfo"/>; the checksums are computed here from the bytes with SHA-256, independently of the
/// code under test.
/// </summary>
public static class TinyDataset
{
    public static readonly byte[] TrainImages = IdxTests.IdxBytes(0x803, [5, 4, 3], Enumerable.Range(0, 60).Select(i => (byte)(i * 4)).ToArray());
    public static readonly byte[] TrainLabels = IdxTests.IdxBytes(0x801, [5], [2, 0, 1, 1, 2]);
    public static readonly byte[] TestImages = IdxTests.IdxBytes(0x803, [3, 4, 3], Enumerable.Range(0, 36).Select(i => (byte)(255 - i)).ToArray());
    public static readonly byte[] TestLabels = IdxTests.IdxBytes(0x801, [3], [0, 2, 1]);

    public static (string Name, byte[] Content)[] Files =>
    [
        ("train-images-idx3-ubyte.gz", TrainImages),
        ("train-labels-idx1-ubyte.gz", TrainLabels),
        ("t10k-images-idx3-ubyte.gz", TestImages),
        ("t10k-labels-idx1-ubyte.gz", TestLabels),
    ];

    public static DatasetInfo Info(string name = "tiny", params string[] mirrors) => new(
        name,
        ["zero", "one", "two"],
        mirrors,
        File("train-images-idx3-ubyte.gz", TrainImages),
        File("train-labels-idx1-ubyte.gz", TrainLabels),
        File("t10k-images-idx3-ubyte.gz", TestImages),
        File("t10k-labels-idx1-ubyte.gz", TestLabels),
        height: 4,
        width: 3);

    /// <summary>Writes the four files into <paramref name="directory"/>, gzip-compressed or raw (then without .gz).</summary>
    public static string WriteTo(string directory, bool gzip = true)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, content) in Files)
        {
            System.IO.File.WriteAllBytes(Path.Combine(directory, gzip ? name : name[..^3]), gzip ? IdxTests.Gzip(content) : content);
        }
        return directory;
    }

    /// <summary>Files of the same names with different labels: another dataset that happens to share the names.</summary>
    public static string WriteImpostorTo(string directory)
    {
        WriteTo(directory);
        System.IO.File.WriteAllBytes(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"), IdxTests.Gzip(IdxTests.IdxBytes(0x801, [3], [1, 1, 1])));
        return directory;
    }

    private static DatasetFile File(string name, byte[] content) =>
        new(name, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length);
}
