using ConvKit.Data;

namespace ConvKit.Tests.Data;

public class StratifiedSplitTests
{
    /// <summary>Images whose single pixel is their index; <paramref name="counts"/>[c] images of class c, interleaved.</summary>
    private static ImageSet Classes(params int[] counts)
    {
        var labels = new List<int>();
        for (var round = 0; labels.Count < counts.Sum(); round++)
        {
            for (var c = 0; c < counts.Length; c++)
            {
                if (round < counts[c])
                {
                    labels.Add(c);
                }
            }
        }
        var images = Enumerable.Range(0, labels.Count).Select(i => (float)i).ToArray();
        return new ImageSet(images, labels.ToArray(), 1, 1, 1, counts.Select((_, c) => "class" + c).ToArray());
    }

    [Fact]
    public void HoldsOutTheSameShareOfEveryClass()
    {
        var set = Classes(50, 30, 20);
        var (train, holdout) = set.StratifiedSplit(0.2, seed: 7);
        Assert.Equal([40, 24, 16], train.ClassBalance().Classes.Select(c => c.Count));
        Assert.Equal([10, 6, 4], holdout.ClassBalance().Classes.Select(c => c.Count));
        // A partition of the images, each part in the original order.
        var ids = train.Images.Concat(holdout.Images).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), ids);
        Assert.Equal(train.Images.Order(), train.Images);
        // Labels travel with their images.
        Assert.All(Enumerable.Range(0, holdout.Count), k => Assert.Equal(set.Labels[(int)holdout.Images[k]], holdout.Labels[k]));
    }

    [Fact]
    public void IsSeededAndDeterministic()
    {
        var set = Classes(40, 40);
        var a = set.StratifiedSplitIndices(0.25, seed: 1);
        var b = set.StratifiedSplitIndices(0.25, seed: 1);
        var c = set.StratifiedSplitIndices(0.25, seed: 2);
        Assert.Equal(a.Holdout, b.Holdout);
        Assert.NotEqual(a.Holdout, c.Holdout);
        Assert.Equal(20, a.Holdout.Length);
    }

    [Fact]
    public void SmallClassesKeepOneImageOnEachSide()
    {
        var (train, holdout) = Classes(2, 3, 1).StratifiedSplit(0.1, seed: 0);
        Assert.Equal([1, 2, 1], train.ClassBalance().Classes.Select(c => c.Count));
        Assert.Equal([1, 1, 0], holdout.ClassBalance().Classes.Select(c => c.Count));
        Assert.Throws<ConvKitException>(() => Classes(1, 1).StratifiedSplit(0.5, seed: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Classes(5, 5).StratifiedSplit(1.0, seed: 0));
    }

    [Fact]
    public void BalanceReportCountsSharesAndWarns()
    {
        var balance = Classes(80, 40).ClassBalance();
        Assert.Equal(120, balance.Total);
        Assert.Equal(2.0, balance.ImbalanceRatio);
        Assert.True(balance.IsImbalanced);
        Assert.Equal(2.0 / 3, balance.Classes[0].Share, 12);
        var text = balance.ToText();
        Assert.Contains("Class balance: 120 images, 2 classes", text);
        Assert.Contains("  class0  80   66.7%", text);
        Assert.Contains("  class1  40   33.3%", text);
        Assert.Contains("Imbalance ratio (largest / smallest class): 2.00", text);
        Assert.Contains("Warning: the classes are imbalanced (ratio 2.00 > 1.50)", text);

        var even = Classes(30, 25).ClassBalance();
        Assert.False(even.IsImbalanced);
        Assert.DoesNotContain("Warning", even.ToText());

        var withEmpty = ClassBalance.FromCounts(["a", "b"], [3, 0]);
        Assert.True(double.IsPositiveInfinity(withEmpty.ImbalanceRatio));
        Assert.Contains("infinite", withEmpty.ToText());
    }
}
