using ConvKit.IO;

namespace ConvKit.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void CreatesNewFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(["a.bin"], dir.Entries());
    }

    [Fact]
    public void ReplacesExistingFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.bin");
        File.WriteAllBytes(path, [9, 9, 9, 9, 9]);
        AtomicFile.Write(path, s => s.Write([4, 5]));
        Assert.Equal(new byte[] { 4, 5 }, File.ReadAllBytes(path));
        Assert.Equal(["a.bin"], dir.Entries());
    }

    [Fact]
    public void WriterThatThrowsMidwayLeavesOldFileAndNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        File.WriteAllBytes(path, [7, 7, 7]);
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("disk on fire");
        }));
        Assert.Equal("disk on fire", e.Message);
        Assert.Equal(new byte[] { 7, 7, 7 }, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    [Fact]
    public void WriterThatThrowsLeavesNoFileWhenThereWasNone()
    {
        using var dir = new TempDirectory();
        var path = dir.File("new.bin");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.WriteByte(1);
            throw new IOException("boom");
        }));
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void FailedVerificationKeepsOldFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("data.gz");
        File.WriteAllBytes(path, [1]);
        string? seen = null;
        Assert.Throws<ConvKitException>(() => AtomicFile.Write(path, s => s.Write([2, 2]), temp =>
        {
            seen = temp;
            // The temporary file is complete and next to the target when verification runs.
            Assert.Equal(new byte[] { 2, 2 }, File.ReadAllBytes(temp));
            Assert.Equal(dir.Path, Path.GetDirectoryName(temp));
            throw new ConvKitException("checksum mismatch");
        }));
        Assert.NotNull(seen);
        Assert.False(File.Exists(seen));
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(path));
        Assert.Equal(["data.gz"], dir.Entries());
    }

    [Fact]
    public void TemporaryNamesAreUnique()
    {
        var a = AtomicFile.TempPath("/tmp", "x");
        var b = AtomicFile.TempPath("/tmp", "x");
        Assert.NotEqual(a, b);
        Assert.StartsWith("/tmp/.x.", a);
    }

    [Fact]
    public void MissingDirectoryThrows()
    {
        using var dir = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(Path.Combine(dir.Path, "nope", "a.bin"), s => s.WriteByte(1)));
    }
}
