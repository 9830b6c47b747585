using System.Security.Cryptography;
using ConvKit.Data;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Data;

public class DatasetDownloaderTests
{
    private static readonly DatasetFile Labels = DatasetCatalog.Mnist.TestLabels;
    private static readonly DatasetFile Images = DatasetCatalog.Mnist.TestImages;

    private static byte[] Real(DatasetFile f) => File.ReadAllBytes(SharedData.DataFile("mnist", f.FileName));

    /// <summary>Serves the real MNIST test files under /good/, and whatever <paramref name="other"/> says elsewhere.</summary>
    private static LocalHttpServer Serve(Func<string, (int, byte[])?>? other = null) => new(path =>
    {
        if (other?.Invoke(path) is { } answer)
        {
            return answer;
        }
        foreach (var f in new[] { Labels, Images })
        {
            if (path == "/good/" + f.FileName)
            {
                return (200, Real(f));
            }
        }
        return (404, []);
    });

    [SharedDataFact]
    public void DownloadsAndVerifiesTheRealTestFiles()
    {
        using var server = Serve();
        using var dir = new TempDirectory();
        var progress = new List<DownloadProgress>();
        var downloader = new DatasetDownloader(LocalHttpServer.DirectClient()) { Progress = progress.Add };

        var labels = downloader.Download(Labels, [server.Url + "good/"], dir.Path);
        var images = downloader.Download(Images, [server.Url + "good"], dir.Path); // base without a trailing slash

        Assert.Equal(Path.Combine(dir.Path, Labels.FileName), labels);
        Assert.Equal(Real(Labels), File.ReadAllBytes(labels));
        Assert.Equal(Real(Images), File.ReadAllBytes(images));
        Assert.Equal([Images.FileName, Labels.FileName], dir.Entries()); // no temporary files left
        Assert.Equal(["/good/" + Labels.FileName, "/good/" + Images.FileName], server.Requests);
        var last = progress.Last(p => p.FileName == Images.FileName);
        Assert.Equal(Real(Images).Length, last.BytesReceived);
        Assert.Equal(Real(Images).Length, last.TotalBytes);
        Assert.StartsWith("http://127.0.0.1:", last.Url);
        DatasetDownloader.Verify(images, Images);
    }

    [SharedDataFact]
    public void CorruptFileOnFirstMirrorFallsBackToTheNext()
    {
        var corrupt = Real(Labels);
        corrupt[corrupt.Length / 2] ^= 0xFF; // breaks the deflate stream or its CRC
        using var server = Serve(p => p.StartsWith("/bad/", StringComparison.Ordinal) ? (200, corrupt) : null);
        using var dir = new TempDirectory();
        var downloader = new DatasetDownloader(LocalHttpServer.DirectClient());

        var path = downloader.Download(Labels, [server.Url + "bad/", server.Url + "good/"], dir.Path);

        Assert.Equal(Real(Labels), File.ReadAllBytes(path));
        Assert.Equal(["/bad/" + Labels.FileName, "/good/" + Labels.FileName], server.Requests);
        Assert.Equal([Labels.FileName], dir.Entries());
    }

    [SharedDataFact]
    public void ChecksumMismatchFallsBackAndRewrappedGzipIsAccepted()
    {
        // Valid gzip of altered content: only the checksum can tell.
        var content = IdxTests.Gunzip(Real(Labels));
        var altered = (byte[])content.Clone();
        altered[100] = (byte)((altered[100] + 1) % 10);
        // The real content re-compressed differently: a different .gz, the same dataset.
        var rewrapped = IdxTests.Gzip(content);
        Assert.NotEqual(Real(Labels), rewrapped);
        using var server = Serve(p => p switch
        {
            _ when p.StartsWith("/altered/", StringComparison.Ordinal) => (200, IdxTests.Gzip(altered)),
            _ when p.StartsWith("/rewrapped/", StringComparison.Ordinal) => (200, rewrapped),
            _ when p.StartsWith("/plain/", StringComparison.Ordinal) => (200, content),
            _ => null,
        });
        using var dir = new TempDirectory();
        var downloader = new DatasetDownloader(LocalHttpServer.DirectClient());

        var path = downloader.Download(Labels, [server.Url + "altered/", server.Url + "rewrapped/"], dir.Path);
        Assert.Equal(rewrapped, File.ReadAllBytes(path));
        Assert.Equal(2, server.Requests.Count);

        // A mirror that serves the content uncompressed also verifies.
        File.Delete(path);
        path = downloader.Download(Labels, [server.Url + "plain/"], dir.Path);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), DatasetDownloader.ContentSha256(path).Sha256);
    }

    [SharedDataFact]
    public void MissingFileAndRefusedConnectionFallBack()
    {
        using var server = Serve();
        using var dir = new TempDirectory();
        var closedPort = FreePort();
        var downloader = new DatasetDownloader(LocalHttpServer.DirectClient());

        var path = downloader.Download(Labels, [$"http://127.0.0.1:{closedPort}/", server.Url + "missing/", server.Url + "good/"], dir.Path);

        Assert.Equal(Real(Labels), File.ReadAllBytes(path));
        Assert.Equal(["/missing/" + Labels.FileName, "/good/" + Labels.FileName], server.Requests);
    }

    [SharedDataFact]
    public void AllMirrorsBadGivesOneClearErrorAndLeavesNothing()
    {
        var content = IdxTests.Gunzip(Real(Labels));
        content[^1] ^= 1;
        using var server = Serve(p => p.StartsWith("/altered/", StringComparison.Ordinal) ? (200, IdxTests.Gzip(content)) : null);
        using var dir = new TempDirectory();
        var old = Path.Combine(dir.Path, Labels.FileName);
        File.WriteAllBytes(old, [1, 2, 3]); // a previous partial file stays untouched
        var downloader = new DatasetDownloader(LocalHttpServer.DirectClient());

        var e = Assert.Throws<ConvKitException>(() =>
            downloader.Download(Labels, [server.Url + "missing/", server.Url + "altered/"], dir.Path));

        Assert.Contains($"Could not download {Labels.FileName} into {dir.Path}", e.Message);
        Assert.Contains($"{server.Url}missing/{Labels.FileName}: HTTP 404", e.Message);
        Assert.Contains($"{server.Url}altered/{Labels.FileName}: checksum mismatch", e.Message);
        Assert.Contains($"expected 10008 bytes with SHA-256 {Labels.ContentSha256}", e.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(old));
        Assert.Equal([Labels.FileName], dir.Entries());
    }

    [Fact]
    public void DownloadsAWholeDatasetSkippingFilesAlreadyThere()
    {
        var info = TinyDataset.Info();
        using var server = new LocalHttpServer(path =>
        {
            var match = TinyDataset.Files.FirstOrDefault(f => "/tiny/" + f.Name == path);
            return match.Content is null ? (404, []) : (200, IdxTests.Gzip(match.Content));
        });
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte"), TinyDataset.TrainLabels); // already there, uncompressed
        var downloader = new DatasetDownloader(LocalHttpServer.DirectClient());

        downloader.Download(new DatasetInfo("tiny", info.ClassNames, [server.Url + "tiny/"], info.TrainImages, info.TrainLabels,
            info.TestImages, info.TestLabels, info.Height, info.Width), dir.Path);

        Assert.Equal(3, server.Requests.Count);
        Assert.DoesNotContain("/tiny/train-labels-idx1-ubyte.gz", server.Requests);
        foreach (var f in info.Files)
        {
            DatasetDownloader.Verify(DatasetResolver.FindFile(dir.Path, f)!, f);
        }
    }

    [Fact]
    public void VerifyNamesTheFileAndBothChecksums()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.gz");
        File.WriteAllBytes(path, IdxTests.Gzip([1, 2, 3]));
        var e = Assert.Throws<ConvKitException>(() => DatasetDownloader.Verify(path, Labels));
        Assert.Contains(path, e.Message);
        Assert.Contains($"content is 3 bytes with SHA-256 {Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 }))}", e.Message);
        Assert.Contains($"expected 10008 bytes with SHA-256 {Labels.ContentSha256}", e.Message);
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
