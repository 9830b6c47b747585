using ConvKit.Data;

namespace ConvKit.Tests.Data;

public class ImageSetTests
{
    /// <summary>n images of (1, 2, 2) whose pixels all equal the image index, labels i % 3.</summary>
    internal static ImageSet Numbered(int n)
    {
        var images = new float[n * 4];
        for (var i = 0; i < images.Length; i++)
        {
            images[i] = i / 4;
        }
        return new ImageSet(images, Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 1, 2, 2, ["a", "b", "c"]);
    }

    private static int[] Ids(ImageSet s) => Enumerable.Range(0, s.Count).Select(i => (int)s.Image(i)[0]).ToArray();

    [Fact]
    public void SubsetCopiesTheRange()
    {
        var set = Numbered(10);
        var sub = set.Subset(3, 4);
        Assert.Equal([3, 4, 5, 6], Ids(sub));
        Assert.Equal([0, 1, 2, 0], sub.Labels);
        Assert.Equal(16, sub.Images.Length);
        Assert.Equal(4, sub.SampleSize);
        Assert.Equal(set.ClassNames, sub.ClassNames);
        Assert.Empty(set.Subset(10, 0).Labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Subset(8, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Subset(-1, 3));
    }

    [Theory]
    // Expected train sizes are Python's math.floor(n * (1.0 - fraction)), which Keras uses.
    [InlineData(10, 0.15, 8)]
    [InlineData(10, 0.3, 7)]
    [InlineData(60000, 0.1, 54000)]
    [InlineData(50000, 0.2, 40000)]
    public void SplitTakesTheLastFractionLikeKeras(int n, double fraction, int trainCount)
    {
        var set = Numbered(n);
        var (train, validation) = set.Split(fraction);
        Assert.Equal(trainCount, train.Count);
        Assert.Equal(n - trainCount, validation.Count);
        Assert.Equal(Enumerable.Range(0, trainCount), Ids(train));
        Assert.Equal(Enumerable.Range(trainCount, n - trainCount), Ids(validation));
    }

    [Fact]
    public void SplitRefusesFractionsThatLeaveAPartEmpty()
    {
        Assert.Throws<ConvKitException>(() => Numbered(1).Split(0.5));
        Assert.Throws<ConvKitException>(() => Numbered(10).Split(1e-17)); // 1 - 1e-17 rounds to 1: nothing left to validate on
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(double.NaN));
    }

    [Fact]
    public void SeededSplitIsAReproduciblePartition()
    {
        var set = Numbered(100);
        var (train, validation) = set.Split(0.2, seed: 7);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, validation.Count);
        Assert.Equal(Enumerable.Range(0, 100), Ids(train).Concat(Ids(validation)).Order());
        Assert.NotEqual(Enumerable.Range(80, 20), Ids(validation)); // shuffled, not the tail
        for (var i = 0; i < train.Count; i++)
        {
            Assert.Equal(Ids(train)[i] % 3, train.Labels[i]); // labels travel with their images
        }
        var (_, again) = set.Split(0.2, seed: 7);
        Assert.Equal(Ids(validation), Ids(again));
        var (_, other) = set.Split(0.2, seed: 8);
        Assert.NotEqual(Ids(validation), Ids(other));
    }

    [Fact]
    public void ConstructorChecksShapesAndLabels()
    {
        Assert.Throws<ArgumentException>(() => new ImageSet(new float[7], [0, 1], 1, 2, 2, ["a", "b"]));
        Assert.Throws<ArgumentException>(() => new ImageSet(new float[8], [0, 2], 1, 2, 2, ["a", "b"]));
        Assert.Throws<ArgumentException>(() => new ImageSet(new float[8], [0, -1], 1, 2, 2, ["a", "b"]));
        var ok = new ImageSet(new float[24], [0, 1], 3, 2, 2, ["a", "b"]);
        Assert.Equal(12, ok.SampleSize);
        Assert.Equal(2, ok.ClassCount);
    }
}
