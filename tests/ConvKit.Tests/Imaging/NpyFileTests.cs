using ConvKit.Filters;
using ConvKit.Imaging;

namespace ConvKit.Tests.Imaging;

public sealed class NpyFileTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "opencv");
    private readonly string _dir = Directory.CreateTempSubdirectory("convkit-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WritesTheNumPyFormat()
    {
        var path = Path.Combine(_dir, "a.npy");
        NpyFile.Write(path, [1.5f, -2f, 3f, 0f, 1e-3f, 7f], [2, 3]);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        var headerLength = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + 24, bytes.Length);
        Assert.Equal(1.5f, BitConverter.ToSingle(bytes, 10 + headerLength));
        var back = NpyFile.Read(path);
        Assert.Equal([2, 3], back.Shape);
        Assert.Equal([1.5f, -2f, 3f, 0f, 1e-3f, 7f], back.Data);
    }

    [Fact]
    public void ReadsArraysWrittenByNumPy()
    {
        var k = NpyFile.Read(Path.Combine(Fixtures, "kernels", "random-5x3.npy"));
        Assert.Equal([5, 3], k.Shape);
        Assert.Equal("<f4", k.DType);
        Assert.All(k.Data, v => Assert.InRange(v, -1f, 1f));
        var decoded = NpyFile.Read(Path.Combine(Fixtures, "inputs", "photo-colour.jpg.decoded.npy"));
        Assert.Equal("|u1", decoded.DType);
        Assert.Equal(3, decoded.Shape[2]);
    }

    [Fact]
    public void ImagesAreWrittenChannelsLastAndReadBack()
    {
        var image = new ImagePlanes([1, 2, 3, 4, 10, 20, 30, 40], 2, 2, 2);
        var path = Path.Combine(_dir, "img.npy");
        NpyFile.WriteImage(path, image);
        var raw = NpyFile.Read(path);
        Assert.Equal([2, 2, 2], raw.Shape);
        Assert.Equal([1, 10, 2, 20, 3, 30, 4, 40], raw.Data);
        var back = NpyFile.ReadImage(path);
        Assert.Equal(image.Data, back.Data);
        NpyFile.WriteImage(path, new ImagePlanes([5, 6, 7], 1, 1, 3));
        Assert.Equal([1, 3], NpyFile.Read(path).Shape);
    }

    [Fact]
    public void OneDimensionalShapeUsesTheTupleComma()
    {
        var path = Path.Combine(_dir, "v.npy");
        NpyFile.Write(path, [1f, 2f], [2]);
        Assert.Contains("'shape': (2,)", File.ReadAllText(path));
        Assert.Equal([2], NpyFile.Read(path).Shape);
    }

    [Fact]
    public void BadFilesAreClearErrors()
    {
        var text = Path.Combine(_dir, "t.npy");
        File.WriteAllText(text, "hello, this is text");
        Assert.Contains("not a NumPy .npy file", Assert.Throws<ConvKitException>(() => NpyFile.Read(text)).Message);
        var good = Path.Combine(_dir, "g.npy");
        NpyFile.Write(good, new float[100], [10, 10]);
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(good, bytes[..(bytes.Length - 8)]);
        Assert.Contains("truncated", Assert.Throws<ConvKitException>(() => NpyFile.Read(good)).Message);
        Assert.Throws<ConvKitException>(() => NpyFile.Write(good, new float[5], [2, 3]));
        Assert.Contains("does not exist", Assert.Throws<ConvKitException>(() => NpyFile.Read(Path.Combine(_dir, "none.npy"))).Message);
    }
}
