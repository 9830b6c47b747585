using ConvKit.Data;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Models;
using ConvKit.Tensors;
using ConvKit.Tests.Data;
using ConvKit.Tests.Kernels.Elementwise;
using ConvKit.Zoo;

namespace ConvKit.Tests.Models;

/// <summary>
/// Small inference batches time their first passes on every thread and on one and keep the faster; the choice
/// changes only the time, never the numbers.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ThreadChoiceTests
{
    private static readonly Lazy<Dataset> Mnist = new(() => Dataset.Load("mnist", SharedData.Root, allowDownload: false));

    /// <summary>Runs every trial, each pass taking <paramref name="ticks"/>(trial, limit).</summary>
    private static ThreadChoice Decide(Func<int, int, long> ticks)
    {
        var choice = new ThreadChoice();
        for (var i = 0; i < ThreadChoice.Trials; i++)
        {
            var limit = choice.Next();
            choice.Record(limit, ticks(i, limit));
        }
        return choice;
    }

    [Fact]
    public void TrialsAlternateThenKeepTheFasterWay()
    {
        var oneWins = new ThreadChoice();
        var limits = new List<int>();
        for (var i = 0; i < ThreadChoice.Trials; i++)
        {
            Assert.False(oneWins.Decided);
            var limit = oneWins.Next();
            limits.Add(limit);
            oneWins.Record(limit, limit == 1 ? 100 + i : 150 - i);
        }
        Assert.Equal(Enumerable.Range(0, ThreadChoice.Trials).Select(i => i / ThreadChoice.Block % 2), limits);
        Assert.True(oneWins.Decided);
        Assert.Equal(1, oneWins.Chosen);
        Assert.Equal(1, oneWins.Next());
        oneWins.Record(1, 1_000_000);
        Assert.Equal(1, oneWins.Next());

        // Slow passes on every thread (the first, with the JIT, another later) do not decide: the typical pass does.
        var allWin = Decide((i, limit) => limit == 1 ? 120 : i is 0 or 9 ? 10_000 : 80);
        Assert.Equal(0, allWin.Chosen);
        Assert.Equal(0, allWin.Next());

        // Every thread is now and then fastest but usually slower: one thread wins.
        var rarelyFast = Decide((i, limit) => limit == 1 ? 100 : i is 1 or 2 ? 60 : 160);
        Assert.Equal(1, rarelyFast.Chosen);
    }

    [Fact]
    public void TheTrialsAreRunAgainLaterAndTheLatestDecisionHolds()
    {
        // Every-thread passes are slow during the first trials (the JIT busy on the other core), fast afterwards.
        var choice = new ThreadChoice();
        var passes = 0;
        var rounds = 0;
        var decisions = new List<int>();
        while (passes < 20 * ThreadChoice.LastRetrial)
        {
            var wasDecided = choice.Decided;
            var limit = choice.Next();
            choice.Record(limit, limit == 1 ? 100 : rounds == 0 ? 300 : 60);
            passes++;
            if (!wasDecided && choice.Decided)
            {
                rounds++;
                decisions.Add(choice.Chosen);
            }
        }
        Assert.Equal([1, 0, 0, 0], decisions);
        Assert.Equal(0, choice.Next());

        // Between rounds the chosen setting runs every pass; the second round starts FirstRetrial passes after the first.
        var again = Decide((i, limit) => limit == 1 ? 100 : 300);
        for (var i = 0; i < ThreadChoice.FirstRetrial - 1; i++)
        {
            Assert.Equal(1, again.Next());
            again.Record(1, 100);
        }
        Assert.True(again.Decided);
        again.Record(1, 100);
        Assert.False(again.Decided);
        Assert.Equal(0, again.Next());
    }

    [SharedDataFact]
    public void BatchOneForwardGivesTheSameBitsWhicheverWayEachPassRuns()
    {
        var saved = CpuThreads.Count;
        try
        {
            var images = Mnist.Value.Test.Subset(0, 1);
            var x = Tensor.FromArray(new Shape(1, 1, 28, 28), images.Images);
            CpuThreads.Count = 1;
            var alone = ModelZoo.Create("keras-mnist-cnn", seed: 5);
            var expected = alone.Forward(x).ToArray();

            CpuThreads.Count = 2;
            var model = ModelZoo.Create("keras-mnist-cnn", seed: 5);
            for (var i = 0; i < ThreadChoice.Trials + 3; i++)
            {
                Assert.Equal(expected, model.Forward(x).ToArray());
            }
            Assert.True(model.Plan(1).Threads.Decided);
            Assert.Equal(2, CpuThreads.Count);
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    [SharedDataFact]
    public void TrainingAndLargeBatchesAreNotTimed()
    {
        var model = ModelZoo.Create("seed-mnist", seed: 5);
        var x = Tensor.FromArray(new Shape(ThreadChoice.MaxBatch + 1, 1, 28, 28),
            Mnist.Value.Test.Subset(0, ThreadChoice.MaxBatch + 1).Images);
        for (var i = 0; i < ThreadChoice.Trials; i++)
        {
            model.Forward(x);
            model.Forward(x.Slice(0, 2), training: true);
        }
        Assert.False(model.Plan(ThreadChoice.MaxBatch + 1).Threads.Decided);
        Assert.False(model.Plan(2).Threads.Decided);
    }
}
