using ConvKit.Data;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Data;

public class DatasetResolverTests
{
    private static readonly DatasetInfo Tiny = TinyDataset.Info();

    /// <summary>A resolver that looks only where the test says: never the real environment, cache or network.</summary>
    private static DatasetResolver Isolated(string? env = null, string[]? system = null, string? cache = null, DatasetDownloader? downloader = null) => new()
    {
        EnvironmentDirectory = env,
        SystemDirectories = system ?? [],
        CacheDirectory = cache,
        Downloader = downloader,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ExplicitDirectoryMayBeTheDatasetFolderOrItsParent(bool gzip)
    {
        using var dir = new TempDirectory();
        var folder = TinyDataset.WriteTo(Path.Combine(dir.Path, "tiny"), gzip);
        var resolver = Isolated();
        Assert.Equal(folder, resolver.Resolve(Tiny, folder, allowDownload: false));
        Assert.Equal(folder, resolver.Resolve(Tiny, dir.Path, allowDownload: false));
    }

    [Fact]
    public void ExplicitDirectoryIsAuthoritative()
    {
        using var dir = new TempDirectory();
        var good = TinyDataset.WriteTo(dir.File("env"));
        var empty = Directory.CreateDirectory(dir.File("empty")).FullName;
        var e = Assert.Throws<ConvKitException>(() => Isolated(env: good).Resolve(Tiny, empty, allowDownload: true));
        Assert.Contains($"Dataset 'tiny' not found: --data {empty} (no tiny/ inside; the folder itself has none of the files)", e.Message);
        Assert.Contains("Pass --data a folder that holds tiny/ or the files train-images-idx3-ubyte.gz", e.Message);

        e = Assert.Throws<ConvKitException>(() => Isolated().Resolve(Tiny, dir.File("typo"), allowDownload: false));
        Assert.Contains($"--data {dir.File("typo")} (does not exist)", e.Message);
    }

    [Fact]
    public void LooksInEnvironmentThenSystemThenCache()
    {
        using var dir = new TempDirectory();
        var env = TinyDataset.WriteTo(dir.File("env/tiny"));
        var system = TinyDataset.WriteTo(dir.File("system/tiny"));
        var cache = TinyDataset.WriteTo(dir.File("cache/tiny"));
        string[] systemRoots = [dir.File("nowhere"), dir.File("system")];

        Assert.Equal(env, Isolated(env: dir.File("env"), system: systemRoots, cache: dir.File("cache")).Resolve(Tiny, null, false));
        Assert.Equal(env, Isolated(env: env, system: systemRoots, cache: dir.File("cache")).Resolve(Tiny, null, false));
        Assert.Equal(system, Isolated(env: dir.File("nowhere"), system: systemRoots, cache: dir.File("cache")).Resolve(Tiny, null, false));
        Assert.Equal(cache, Isolated(system: [dir.File("nowhere")], cache: dir.File("cache")).Resolve(Tiny, null, false));
    }

    [Fact]
    public void AFolderOfAnotherDatasetWithTheSameFileNamesIsNotTaken()
    {
        using var dir = new TempDirectory();
        var impostor = TinyDataset.WriteImpostorTo(dir.File("env"));
        var cache = TinyDataset.WriteTo(dir.File("cache/tiny"));

        // From the environment it is skipped in favour of the next place...
        Assert.Equal(cache, Isolated(env: impostor, cache: dir.File("cache")).Resolve(Tiny, null, false));
        // ...and given explicitly it is refused with the reason.
        var e = Assert.Throws<ConvKitException>(() => Isolated().Resolve(Tiny, impostor, false));
        Assert.Contains("holds other data: t10k-labels-idx1-ubyte.gz is not tiny's (checksum mismatch", e.Message);
    }

    [Fact]
    public void NothingFoundListsEveryPlaceAndTheFix()
    {
        using var dir = new TempDirectory();
        var partial = Directory.CreateDirectory(dir.File("cache/tiny")).FullName;
        File.WriteAllBytes(Path.Combine(partial, "train-images-idx3-ubyte.gz"), IdxTests.Gzip(TinyDataset.TrainImages));
        var resolver = Isolated(system: [dir.File("system")], cache: dir.File("cache"));

        var e = Assert.Throws<ConvKitException>(() => resolver.Resolve(Tiny, null, allowDownload: false));

        Assert.StartsWith("Dataset 'tiny' not found. Looked in: --data (not given); CONVKIT_DATA (not set); ", e.Message);
        Assert.Contains($"{dir.File("system/tiny")} (does not exist)", e.Message);
        Assert.Contains($"{partial} (is missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)", e.Message);
        Assert.Contains("download (not allowed)", e.Message);
        Assert.Contains("Fix: pass --data DIR or set CONVKIT_DATA=DIR, where DIR holds tiny/ or the files", e.Message);
        Assert.EndsWith("or allow the download.", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void DownloadsIntoTheCacheOnlyWhenAllowedAndThenFindsItThere()
    {
        using var server = new LocalHttpServer(path =>
        {
            var match = TinyDataset.Files.FirstOrDefault(f => "/m/" + f.Name == path);
            return match.Content is null ? (404, []) : (200, IdxTests.Gzip(match.Content));
        });
        var info = TinyDataset.Info("tiny", server.Url + "m/");
        using var dir = new TempDirectory();
        var resolver = Isolated(cache: dir.File("cache"), downloader: new DatasetDownloader(LocalHttpServer.DirectClient()));

        Assert.Throws<ConvKitException>(() => resolver.Resolve(info, null, allowDownload: false));
        Assert.Empty(server.Requests);

        var found = resolver.Resolve(info, null, allowDownload: true);
        Assert.Equal(dir.File("cache/tiny"), found);
        Assert.Equal(4, server.Requests.Count);

        Assert.Equal(found, resolver.Resolve(info, null, allowDownload: true));
        Assert.Equal(4, server.Requests.Count); // served from the cache the second time

        var data = Dataset.LoadDirectory(info, found);
        Assert.Equal([2, 0, 1, 1, 2], data.Train.Labels);
    }

    [Fact]
    public void FailedDownloadIsPartOfTheError()
    {
        using var server = new LocalHttpServer(_ => (404, []));
        var info = TinyDataset.Info("tiny", server.Url);
        using var dir = new TempDirectory();
        var resolver = Isolated(cache: dir.File("cache"), downloader: new DatasetDownloader(LocalHttpServer.DirectClient()));
        var e = Assert.Throws<ConvKitException>(() => resolver.Resolve(info, null, allowDownload: true));
        Assert.Contains($"download failed: Could not download train-images-idx3-ubyte.gz into {dir.File("cache/tiny")}: {server.Url}train-images-idx3-ubyte.gz: HTTP 404", e.Message);
        Assert.EndsWith("train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz.", e.Message);
    }

    [Fact]
    public void EnvironmentConfiguration()
    {
        var vars = new Dictionary<string, string?> { ["CONVKIT_DATA"] = "/data", ["XDG_CACHE_HOME"] = "/xdg", ["HOME"] = "/home/u" };
        var r = DatasetResolver.FromEnvironment(k => vars.GetValueOrDefault(k));
        Assert.Equal("/data", r.EnvironmentDirectory);
        Assert.Equal(["/usr/share/datasets"], r.SystemDirectories);
        Assert.Equal("/xdg/convkit/datasets", r.CacheDirectory);
        Assert.NotNull(r.Downloader);

        vars["XDG_CACHE_HOME"] = "relative/not/allowed";
        vars["CONVKIT_DATA"] = "";
        r = DatasetResolver.FromEnvironment(k => vars.GetValueOrDefault(k));
        Assert.Null(r.EnvironmentDirectory);
        Assert.Equal("/home/u/.cache/convkit/datasets", r.CacheDirectory);
    }

    [Fact]
    public void UnknownDatasetNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ConvKitException>(() => Isolated().Resolve("cifar10", null, false));
        Assert.Equal("Unknown dataset 'cifar10'; known datasets: mnist, fashion-mnist.", e.Message);
        Assert.Same(DatasetCatalog.FashionMnist, DatasetCatalog.Get("Fashion_MNIST"));
    }

    [SharedDataFact]
    public void FindsTheSharedDatasetsInEitherFormAndTellsThemApart()
    {
        var root = SharedData.Root!;
        var resolver = Isolated();
        Assert.Equal(Path.Combine(root, "mnist"), resolver.Resolve("mnist", root, false));
        Assert.Equal(Path.Combine(root, "fashion-mnist"), resolver.Resolve("fashion-mnist", root, false));
        Assert.Equal(Path.Combine(root, "fashion-mnist"), resolver.Resolve("fashion-mnist", Path.Combine(root, "fashion-mnist"), false));

        // The Fashion-MNIST folder has MNIST's file names but not its content.
        var e = Assert.Throws<ConvKitException>(() => resolver.Resolve("mnist", Path.Combine(root, "fashion-mnist"), false));
        Assert.Contains("the folder itself holds fashion-mnist, not mnist (t10k-labels-idx1-ubyte.gz has fashion-mnist's content)", e.Message);
    }
}
