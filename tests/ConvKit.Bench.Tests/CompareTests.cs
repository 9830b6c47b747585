using ConvKit.Bench.Compare;

namespace ConvKit.Bench.Tests;

/// <summary>The compare report reads both programs' RESULT lines and judges each target from the figures it was given.</summary>
public class CompareTests
{
    private const string ConvKitOutput = """
        # seed-mnist, batch 64, 60000 fashion-mnist images, 2 threads, AVX-512
        RESULT model=A epoch=1 epoch_s=5.000 train_img_s=12000 test_acc=0.8600 gen0_gcs=0
        RESULT model=A epoch=2 epoch_s=4.000 train_img_s=15000 test_acc=0.8800 gen0_gcs=0
        RESULT model=A infer_b1000_img_s=40000 latency_b1_ms=0.070 peak_rss_mb=250
        """;

    private const string PeerOutput = """
        torchsharp libtorch=2.10.0.0 threads=2
        RESULT peer=torchsharp model=A epoch=1 epoch_s=10.0 train_sps=6000 last_loss=0.5 test_acc=0.8650
        RESULT peer=torchsharp model=A epoch=2 epoch_s=9.0 train_sps=6500 last_loss=0.4 test_acc=0.8700 infer_sps=2400 lat1_ms=0.350 peak_rss_mb=1000
        """;

    // A different ceiling from the report's own, so the targets must take the rounds' ceiling.
    private const string ScalingLine =
        "RESULT model=A scaling_threads=2 scaling_rounds=4 scaling_1t_img_s=10000 scaling_nt_img_s=15000 scaling_ceiling_1t=180 scaling_ceiling_nt=320";

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries);

    [Fact]
    public void ConvKitAndPeerSpellingsGiveTheSameFigures()
    {
        var convkit = RunResult.Parse(Lines(ConvKitOutput), "ConvKit");
        var peer = RunResult.Parse(Lines(PeerOutput), "peer");

        Assert.Equal(new RunResult(15000, 40000, 0.070, 250, 0.88, 2), convkit);
        Assert.Equal(new RunResult(6500, 2400, 0.350, 1000, 0.87, 2), peer);
    }

    [Fact]
    public void OutputWithoutTheInferenceLineIsRejectedByName()
    {
        var ex = Assert.Throws<FormatException>(() => RunResult.Parse(Lines(ConvKitOutput)[..3], "ConvKit seed-mnist"));
        Assert.Contains("ConvKit seed-mnist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("peak_rss_mb", ex.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => RunResult.Parse(["no results here"], "x"));
    }

    [Fact]
    public void TargetsAreJudgedFromTheRatios()
    {
        var convkit = RunResult.Parse([.. Lines(ConvKitOutput), ScalingLine], "ConvKit");
        var peer = RunResult.Parse(Lines(PeerOutput), "peer");
        var report = Report(new ModelComparison("seed-mnist", 64, convkit, peer, 2.5));

        var targets = report.Targets().ToDictionary(t => t.Target, t => (t.Measured, t.Met));

        Assert.Equal(("2.31x", false), targets["seed-mnist training >= 2.5x TorchSharp"]);
        Assert.Equal(("5.00x faster", true), targets["seed-mnist batch-1 latency <= 1/2 of TorchSharp's"]);
        Assert.Equal(("16.67x", true), targets["seed-mnist batch-1000 inference >= 2x TorchSharp"]);
        Assert.Equal(("4.00x less", true), targets["seed-mnist peak memory <= 1/4 of TorchSharp's"]);
        // ConvKit 1.5x against the rounds' ceiling of 320/180 = 1.78x: 84% of it.
        Assert.Equal(("1.50x vs 1.78x (84%)", false), targets["seed-mnist 2/1-thread speed-up >= 90% of the FMA ceiling's"]);
        Assert.Equal(("80%", true), targets["SGEMM 1024x1024x1024 on 1 thread >= 75% of the FMA ceiling"]);
        Assert.Equal(("70%", false), targets["SGEMM 1024x1024x1024 on 2 threads >= 75% of the FMA ceiling"]);
        Assert.Equal(("1.75x vs 2.00x (88%)", false), targets["SGEMM 1024x1024x1024 2/1-thread speed-up >= 90% of the FMA ceiling's"]);

        var table = report.Render();
        Assert.Contains("| seed-mnist (batch 64) | 15,000 | 6,500 | 2.31x | 0.070 / 0.350 | 40,000 / 2,400 | 250 / 1,000 | 1.50x (1.78x) | 88.0% / 87.0% |", table, StringComparison.Ordinal);
        Assert.Contains("the best of 4 rounds per model, alternating 1 and 2 threads", table, StringComparison.Ordinal);
        Assert.Contains("| seed-mnist training >= 2.5x TorchSharp | 2.31x | no |", table, StringComparison.Ordinal);
    }

    [Fact]
    public void AScalingLineRoundTripsAndAnIncompleteOneIsRejectedByKey()
    {
        var scaling = RunResult.Parse([.. Lines(ConvKitOutput), ScalingLine], "ConvKit").Scaling;

        Assert.Equal(new ThreadScaling(2, 4, 10000, 15000, 180, 320), scaling);
        Assert.Equal(scaling, ThreadScaling.FromPairs(RunResult.ParseLine(scaling!.ToResultLine("A"))!, "again"));
        var ex = Assert.Throws<FormatException>(() =>
            RunResult.Parse([.. Lines(ConvKitOutput), "RESULT model=A scaling_threads=2 scaling_1t_img_s=100"], "ConvKit seed-mnist"));
        Assert.Contains("ConvKit seed-mnist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("scaling_rounds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsCombineIntoTheBestOfEachFigureAndAreListedInOrder()
    {
        var first = new RunResult(15000, 40000, 0.070, 250, 0.88, 2, new ThreadScaling(2, 4, 10000, 19000, 176, 350));
        var second = new RunResult(17000, 38000, 0.060, 260, 0.89, 2, new ThreadScaling(2, 4, 10200, 18500, 177, 349));

        var combined = RunResult.Combine([first, second]);

        Assert.Equal(new RunResult(17000, 40000, 0.060, 260, 0.89, 4, new ThreadScaling(2, 8, 10200, 19000, 177, 350)), combined);
        Assert.Equal(first, RunResult.Combine([first]));
        Assert.Throws<ArgumentException>(() => ThreadScaling.Combine([first.Scaling!, first.Scaling! with { Threads = 4 }]));
        var peer = RunResult.Parse(Lines(PeerOutput), "peer");
        var model = new ModelComparison("seed-mnist", 64, combined, peer, 2.5) { ConvKitTrainRuns = [15000, 17000], PeerTrainRuns = [6500, 6400] };
        var table = Report(model).Render();
        Assert.Contains("Each program ran 2 times per model", table, StringComparison.Ordinal);
        Assert.Contains("- seed-mnist: ConvKit 15,000 / 17,000, TorchSharp 6,500 / 6,400", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Each program ran", Report(model with { ConvKitTrainRuns = [17000], PeerTrainRuns = [6500] }).Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAPeerThePeerTargetsAreNotMeasured()
    {
        var convkit = RunResult.Parse(Lines(ConvKitOutput), "ConvKit");
        var report = Report(new ModelComparison("seed-mnist", 64, convkit, null, 2.5));

        var targets = report.Targets();

        Assert.All(targets.Where(t => t.Target.StartsWith("seed-mnist", StringComparison.Ordinal)), t => Assert.Null(t.Met));
        Assert.Contains("| seed-mnist (batch 64) | 15,000 | - | - | 0.070 / - | 40,000 / - | 250 / - | - | 88.0% / - |", report.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void APeerProgramIsRunAndItsOutputCollected() => WithScript(
        "echo \"RESULT peer=fake model=$2 epoch=1 train_sps=100 test_acc=0.5 infer_sps=50 lat1_ms=2.0 peak_rss_mb=10\"",
        script =>
        {
            var echo = new StringWriter();
            var lines = ChildRun.Run(script, ["--model", "B"], "fake", echo);

            Assert.Equal(new RunResult(100, 50, 2.0, 10, 0.5, 1), RunResult.Parse(lines, "fake"));
            Assert.Contains("[fake] RESULT peer=fake model=B", echo.ToString(), StringComparison.Ordinal);
        });

    [Fact]
    public void AFailingPeerIsReportedWithItsExitCodeAndErrors() => WithScript(
        "echo 'cannot load libtorch' >&2\nexit 3",
        script =>
        {
            var ex = Assert.Throws<InvalidOperationException>(() => ChildRun.Run(script, [], "fake peer", TextWriter.Null));
            Assert.Contains("exited with code 3", ex.Message, StringComparison.Ordinal);
            Assert.Contains("cannot load libtorch", ex.Message, StringComparison.Ordinal);
        });

    /// <summary>Writes <paramref name="body"/> as an executable shell script standing in for the peer, runs <paramref name="test"/> on its path, then deletes it.</summary>
    private static void WithScript(string body, Action<string> test)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var script = Path.Combine(Path.GetTempPath(), $"convkit-fake-peer-{Environment.ProcessId}-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            test(script);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static CompareReport Report(ModelComparison model) => new()
    {
        Machine = "test machine",
        PeerName = "TorchSharp",
        Threads = 2,
        CeilingOneThread = 200,
        CeilingAllThreads = 400,
        Models = [model],
        Gemm =
        [
            new GemmRow("1024x1024x1024", 1, 160, 200, Square: true),
            new GemmRow("1024x1024x1024", 2, 280, 400, Square: true),
            new GemmRow("conv forward", 2, 100, 400, Square: false),
        ],
    };
}
