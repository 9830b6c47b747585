using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using ConvKit.IO;

namespace ConvKit.Data;

/// <summary>
/// Downloads dataset files from their mirrors and verifies them before they become visible: each file is streamed
/// to a temporary file next to its destination, its decompressed content is checked against the SHA-256 and
/// length in <see cref="DatasetFile"/>, and only then is it renamed into place (<see cref="AtomicFile"/>). A
/// mirror that fails (HTTP error, connection failure, stall, corrupt gzip, checksum mismatch) is reported and
/// the next one is tried; when all fail, a <see cref="ConvKitException"/> lists each mirror and what went wrong.
/// </summary>
/// <example>
/// <code>
/// var downloader = new DatasetDownloader { Progress = p => Console.Write($"\r{p.FileName} {p.BytesReceived / 1024} KiB") };
/// downloader.Download(DatasetCatalog.Mnist, "/home/me/.cache/convkit/datasets/mnist");
/// </code>
/// </example>
public sealed class DatasetDownloader
{
    private const int ChunkBytes = 1 << 16;
    private readonly HttpClient? _client;

    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    });

    /// <summary>
    /// A downloader using a process-wide HTTP client (system proxy settings, 30 s connect timeout, 60 s to the
    /// response headers, no transparent decompression: the bytes are stored as served and verified by content).
    /// </summary>
    public DatasetDownloader()
    {
        _client = null;
    }

    /// <summary>A downloader using <paramref name="client"/> (for proxies, tests, or a shared client).</summary>
    public DatasetDownloader(HttpClient client)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
    }

    /// <summary>Called after each chunk received; null for no reports.</summary>
    public Action<DownloadProgress>? Progress { get; set; }

    /// <summary>Longest wait for the next chunk of a response body before the mirror is given up. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Downloads every file of <paramref name="dataset"/> that <paramref name="directory"/> does not hold yet
    /// (under its name, with or without <c>.gz</c>), creating the directory if needed.
    /// </summary>
    /// <exception cref="ConvKitException">A file could not be downloaded from any mirror.</exception>
    public void Download(DatasetInfo dataset, string directory)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Directory.CreateDirectory(directory);
        foreach (var file in dataset.Files)
        {
            if (DatasetResolver.FindFile(directory, file) is null)
            {
                Download(file, dataset.Mirrors, directory);
            }
        }
    }

    /// <summary>
    /// Downloads <paramref name="file"/> into <paramref name="directory"/>, trying each of
    /// <paramref name="mirrors"/> in turn (URL = mirror base + file name), and returns the path of the verified file.
    /// An existing file of that name is replaced only by a verified download.
    /// </summary>
    /// <exception cref="ConvKitException">Every mirror failed; the message lists each one and why.</exception>
    public string Download(DatasetFile file, IReadOnlyList<string> mirrors, string directory)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(mirrors);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var target = Path.Combine(directory, file.FileName);
        var failures = new List<string>();
        foreach (var mirror in mirrors)
        {
            var url = mirror.EndsWith('/') ? mirror + file.FileName : mirror + "/" + file.FileName;
            try
            {
                AtomicFile.Write(target, stream => Fetch(url, file.FileName, stream), temp =>
                {
                    if (Check(temp, file) is { } problem)
                    {
                        throw new InvalidDataException(problem);
                    }
                });
                return target;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or ConvKitException or OperationCanceledException or InvalidDataException)
            {
                failures.Add($"{url}: {Reason(e)}");
            }
        }
        var tried = failures.Count == 0 ? "no mirrors are known" : string.Join("; ", failures);
        throw new ConvKitException($"Could not download {file.FileName} into {directory}: {tried}.");
    }

    /// <summary>
    /// Checks that the content of <paramref name="path"/> (decompressed when it is gzip) has the length and
    /// SHA-256 of <paramref name="file"/>.
    /// </summary>
    /// <exception cref="ConvKitException">The content differs, or the gzip data is corrupt.</exception>
    public static void Verify(string path, DatasetFile file)
    {
        if (Check(path, file) is { } problem)
        {
            throw new ConvKitException($"{path}: {problem}.");
        }
    }

    /// <summary>
    /// The lower-case hex SHA-256 and the length of the content of <paramref name="path"/>, decompressed first when
    /// the file starts with the gzip magic bytes.
    /// </summary>
    /// <exception cref="ConvKitException">The gzip data is corrupt.</exception>
    public static (string Sha256, long Length) ContentSha256(string path)
    {
        try
        {
            return HashContent(path);
        }
        catch (InvalidDataException e)
        {
            throw new ConvKitException($"{path}: corrupt gzip data ({e.Message}).", e);
        }
    }

    /// <summary>Null when the content of <paramref name="path"/> matches <paramref name="file"/>, else what is wrong.</summary>
    internal static string? Check(string path, DatasetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string sha;
        long length;
        try
        {
            (sha, length) = HashContent(path);
        }
        catch (InvalidDataException e)
        {
            return $"corrupt gzip data ({e.Message.TrimEnd('.')})";
        }
        if (length != file.ContentLength || !string.Equals(sha, file.ContentSha256, StringComparison.OrdinalIgnoreCase))
        {
            return $"checksum mismatch for {file.FileName}: content is {length} bytes with SHA-256 {sha}, "
                + $"expected {file.ContentLength} bytes with SHA-256 {file.ContentSha256}";
        }
        return null;
    }

    private static (string Sha256, long Length) HashContent(string path)
    {
        using var stream = Idx.OpenContent(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long length = 0;
            int n;
            while ((n = stream.Read(buffer, 0, ChunkBytes)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                length += n;
            }
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Fetch(string url, string fileName, Stream destination)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = (_client ?? SharedClient.Value).Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
        var total = response.Content.Headers.ContentLength;
        using var body = response.Content.ReadAsStream();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long received = 0;
            while (true)
            {
                int n;
                using (var stall = new CancellationTokenSource(StallTimeout))
                {
                    // The synchronous Read of a response body has no timeout; a stalled mirror must not hang the caller.
                    n = body.ReadAsync(buffer.AsMemory(0, ChunkBytes), stall.Token).AsTask().GetAwaiter().GetResult();
                }
                if (n == 0)
                {
                    break;
                }
                destination.Write(buffer, 0, n);
                received += n;
                Progress?.Invoke(new DownloadProgress(url, fileName, received, total));
            }
            if (total is { } expected && received != expected)
            {
                throw new IOException($"connection closed after {received} of {expected} bytes");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        OperationCanceledException => "timed out",
        HttpRequestException { StatusCode: null, InnerException: { } inner } h when !h.Message.Contains(inner.Message, StringComparison.Ordinal) =>
            $"{h.Message.TrimEnd('.')} ({inner.Message.TrimEnd('.')})",
        _ => e.Message.TrimEnd('.'),
    };
}
