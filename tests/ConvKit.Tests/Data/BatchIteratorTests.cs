using ConvKit.Data;

namespace ConvKit.Tests.Data;

public class BatchIteratorTests
{
    [Fact]
    public void InOrderBatchesWithAPartialLastOne()
    {
        var set = ImageSetTests.Numbered(10);
        var it = new BatchIterator(set, batchSize: 4, shuffle: false, seed: 0);
        Assert.Equal(3, it.BatchCount);
        var x = new float[4 * 4];
        var y = new int[4];
        Assert.Equal(4, it.Fill(0, x, y));
        Assert.Equal(4, it.Fill(1, x, y));
        Assert.Equal([4, 5, 6, 7], new[] { x[0], x[4], x[8], x[12] });
        Assert.Equal([1, 2, 0, 1], y);
        Assert.Equal(2, it.Fill(2, x, y));
        Assert.Equal([8, 9], new[] { x[0], x[4] });
        Assert.Equal((8, 2), it.BatchRange(2));
        Assert.Equal([8, 9], it.BatchIndices(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => it.Fill(3, x, y));

        var dropping = new BatchIterator(set, 4, shuffle: false, seed: 0, dropLast: true);
        Assert.Equal(2, dropping.BatchCount);
    }

    [Fact]
    public void ShuffledEpochsArePermutationsDependingOnlyOnSeedAndEpoch()
    {
        var set = ImageSetTests.Numbered(50);
        var a = new BatchIterator(set, 8, shuffle: true, seed: 42);
        var b = new BatchIterator(set, 8, shuffle: true, seed: 42);
        var c = new BatchIterator(set, 8, shuffle: true, seed: 43);

        a.StartEpoch(3);
        var epoch3 = a.Order.ToArray();
        Assert.Equal(Enumerable.Range(0, 50), epoch3.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), epoch3);

        b.StartEpoch(1);
        b.StartEpoch(2);
        b.StartEpoch(3); // history does not matter
        Assert.Equal(epoch3, b.Order.ToArray());
        Assert.Equal(3, b.Epoch);

        a.StartEpoch(4);
        Assert.NotEqual(epoch3, a.Order.ToArray());
        c.StartEpoch(3);
        Assert.NotEqual(epoch3, c.Order.ToArray());
    }

    [Fact]
    public void FillCopiesTheImagesAndLabelsOfTheBatchIndices()
    {
        var set = ImageSetTests.Numbered(23);
        var it = new BatchIterator(set, 5, shuffle: true, seed: 1);
        it.StartEpoch(9);
        var x = new float[5 * 4];
        var y = new int[5];
        var seen = new List<int>();
        for (var b = 0; b < it.BatchCount; b++)
        {
            var n = it.Fill(b, x, y);
            var indices = it.BatchIndices(b);
            Assert.Equal(indices.Length, n);
            for (var k = 0; k < n; k++)
            {
                Assert.Equal(set.Image(indices[k]).ToArray(), x.AsSpan(4 * k, 4).ToArray());
                Assert.Equal(set.Labels[indices[k]], y[k]);
                seen.Add(indices[k]);
            }
        }
        Assert.Equal(Enumerable.Range(0, 23), seen.Order());
    }

    [Fact]
    public void AllocatesNothingPerEpochOrBatch()
    {
        var set = ImageSetTests.Numbered(1000);
        var it = new BatchIterator(set, 64, shuffle: true, seed: 5);
        var x = new float[64 * 4];
        var y = new int[64];
        it.StartEpoch(1);
        it.Fill(0, x, y);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var epoch = 2; epoch < 5; epoch++)
        {
            it.StartEpoch(epoch);
            for (var b = 0; b < it.BatchCount; b++)
            {
                it.Fill(b, x, y);
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RejectsSmallBuffers()
    {
        var it = new BatchIterator(ImageSetTests.Numbered(10), 4, shuffle: false, seed: 0);
        Assert.Throws<ArgumentException>(() => it.Fill(0, new float[15], new int[4]));
        Assert.Throws<ArgumentException>(() => it.Fill(0, new float[16], new int[3]));
        Assert.Equal(2, it.Fill(2, new float[8], new int[2])); // a partial batch fits a smaller buffer
    }

    [Fact]
    public void ShuffleIsUniformOverPermutations()
    {
        // 6000 epochs of 3 items: each of the 6 orders should come up about 1000 times.
        var it = new BatchIterator(ImageSetTests.Numbered(3), 3, shuffle: true, seed: 11);
        var counts = new Dictionary<string, int>();
        for (var epoch = 0; epoch < 6000; epoch++)
        {
            it.StartEpoch(epoch);
            var key = string.Join(",", it.Order.ToArray());
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 880, 1120)); // about 4 standard deviations
    }

    [Fact]
    public void GeneratorMatchesPublishedSplitMix64Outputs()
    {
        // First outputs of SplitMix64 from state 0, as in the reference C code (Vigna, prng.di.unimi.it).
        var g = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, g.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, g.Next());
        Assert.Equal(0x06C45D188009454FUL, g.Next());
    }
}
