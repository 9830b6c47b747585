using ConvKit.Data;

namespace ConvKit.Tests.Data;

/// <summary>A set of 8-bit pixels reads as <c>byte / 255f</c> everywhere and stays bytes until its floats are asked for.</summary>
public class ByteImageSetTests
{
    private static ImageSet Bytes(int n)
    {
        var pixels = new byte[n * 4];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 37 % 256);
        }
        return new ImageSet(pixels, Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 1, 2, 2, ["a", "b", "c"]);
    }

    private static float[] Expected(ImageSet set, params int[] indices) =>
        indices.SelectMany(i => Enumerable.Range(0, 4).Select(p => set.Bytes![i * 4 + p] / 255f)).ToArray();

    [Fact]
    public void EveryReaderGivesTheBytesOver255()
    {
        var set = Bytes(10);
        var some = new float[3 * 4];
        set.CopyImages([7, 0, 3], some);
        Assert.Equal(Expected(set, 7, 0, 3), some);
        var range = new float[2 * 4];
        set.CopyImages(4, 2, range);
        Assert.Equal(Expected(set, 4, 5), range);
        Assert.Equal(Expected(set, 9), set.Image(9).ToArray());
        Assert.NotNull(set.Bytes);

        Assert.Equal(Expected(set, Enumerable.Range(0, 10).ToArray()), set.Images);
        Assert.Null(set.Bytes);
    }

    [Fact]
    public void SubsetsAndSelectionsStayBytes()
    {
        var set = Bytes(10);
        var sub = set.Subset(2, 3);
        var picked = set.Select([9, 1]);
        Assert.Equal(set.Bytes.AsSpan(8, 12).ToArray(), sub.Bytes);
        Assert.Equal([2, 0, 1], sub.Labels);
        Assert.Equal(Expected(set, 9, 1), picked.Images);
        Assert.Equal([0, 1], picked.Labels);
    }

    [Fact]
    public void OnceReadAsFloatsTheFloatsAreTheData()
    {
        var set = Bytes(4);
        set.Images[0] = -1f;
        var first = new float[4];
        set.CopyImages(0, 1, first);
        Assert.Equal(-1f, first[0]);
        Assert.Equal(-1f, set.Subset(0, 1).Images[0]);
    }

    [Fact]
    public void BadShapesAndShortBuffersAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageSet(new byte[7], [0, 1], 1, 2, 2, ["a", "b"]));
        Assert.Contains("2 labels need 8 pixels", e.Message, StringComparison.Ordinal);
        var set = Bytes(3);
        var short_ = Assert.Throws<ArgumentException>(() => set.CopyImages(0, 3, new float[11]));
        Assert.Contains("need 12", short_.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyImages([3], new float[4]));
    }

    [SharedDataFact]
    public void LoadedDatasetsKeepTheFilesBytes()
    {
        var data = Dataset.Load("mnist", SharedData.Root, allowDownload: false);
        Assert.Equal(60000 * 784, data.Train.Bytes!.Length);
        var first = new float[784];
        data.Train.CopyImages(0, 1, first);
        Assert.Equal(Idx.ReadImages(SharedData.DataFile("mnist", "train-images-idx3-ubyte.gz")).Pixels.AsSpan(0, 784).ToArray(), first);
    }
}
