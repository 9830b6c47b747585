namespace ConvKit.Data;

/// <summary>
/// Finds the directory that holds a dataset's four IDX files (each under its published name, with or without
/// <c>.gz</c>), looking in this order:
/// <list type="number">
/// <item>the directory the caller gives (the CLI's <c>--data DIR</c>);</item>
/// <item><see cref="EnvironmentDirectory"/> (the <c>CONVKIT_DATA</c> environment variable);</item>
/// <item><see cref="SystemDirectories"/> (<c>/usr/share/datasets</c>, where Debian's
/// <c>dataset-fashion-mnist</c> installs <c>fashion-mnist/</c>);</item>
/// <item><see cref="CacheDirectory"/> (<c>$XDG_CACHE_HOME/convkit/datasets</c> or
/// <c>~/.cache/convkit/datasets</c>);</item>
/// <item>a download from the mirrors into the cache, verified, when downloading is allowed.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>A directory given by the caller or in <c>CONVKIT_DATA</c> may be the dataset folder itself or its parent
/// holding <c>mnist/</c>, <c>fashion-mnist/</c>: <c>DIR/name</c> is tried first, then <c>DIR</c>. Since MNIST and
/// Fashion-MNIST use the same file names, a folder is accepted only when its test labels file has the content
/// checksum of the dataset asked for (a 10 kB check), so <c>--data fashion-mnist/</c> cannot silently
/// stand in for MNIST.</para>
/// <para>A directory given by the caller is authoritative: if it does not hold the dataset, resolution fails at
/// once rather than falling back to other places or a download, because a mistyped <c>--data</c> should be
/// reported, not papered over. Every other location is skipped when it does not hold the dataset; when none
/// does, the <see cref="ConvKitException"/> lists every place looked at, why each was rejected, and how to fix it.</para>
/// <para>All locations are properties, so tests and embedders can point them anywhere;
/// <see cref="FromEnvironment"/> fills them from the process environment.</para>
/// </remarks>
public sealed class DatasetResolver
{
    /// <summary>The environment variable naming a data directory.</summary>
    public const string EnvironmentVariable = "CONVKIT_DATA";

    /// <summary>The data directory from the environment (either form), or null.</summary>
    public string? EnvironmentDirectory { get; init; }

    /// <summary>System-wide roots; the dataset is looked for in <c>root/name</c>.</summary>
    public IReadOnlyList<string> SystemDirectories { get; init; } = [];

    /// <summary>The per-user cache root; the dataset lives in <c>root/name</c>, and downloads go there. Null for none.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Downloads missing datasets into the cache; null means never download.</summary>
    public DatasetDownloader? Downloader { get; init; }

    /// <summary>
    /// A resolver configured from the environment: <c>CONVKIT_DATA</c>, <c>/usr/share/datasets</c>, the XDG cache,
    /// and a default <see cref="DatasetDownloader"/>.
    /// </summary>
    /// <param name="getEnvironmentVariable">Reads a variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when null.</param>
    public static DatasetResolver FromEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var data = getEnvironmentVariable(EnvironmentVariable);
        return new DatasetResolver
        {
            EnvironmentDirectory = string.IsNullOrWhiteSpace(data) ? null : data,
            SystemDirectories = ["/usr/share/datasets"],
            CacheDirectory = DefaultCacheDirectory(getEnvironmentVariable),
            Downloader = new DatasetDownloader(),
        };
    }

    /// <summary>
    /// The user cache for datasets: <c>$XDG_CACHE_HOME/convkit/datasets</c> when that variable holds an absolute
    /// path (as the XDG base directory specification requires), else <c>$HOME/.cache/convkit/datasets</c>; null
    /// when neither is known.
    /// </summary>
    public static string? DefaultCacheDirectory(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var xdg = getEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "convkit", "datasets");
        }
        var home = getEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "convkit", "datasets");
    }

    /// <summary>Resolves a dataset known to <see cref="DatasetCatalog"/>; see the class remarks for the order.</summary>
    /// <param name="name">The dataset name (<c>mnist</c>, <c>fashion-mnist</c>).</param>
    /// <param name="dataDirectory">The caller's directory (<c>--data</c>), or null.</param>
    /// <param name="allowDownload">Whether the last step, downloading into the cache, may run.</param>
    /// <returns>The directory holding the four files.</returns>
    /// <exception cref="ConvKitException">The name is unknown or the dataset was found nowhere.</exception>
    public string Resolve(string name, string? dataDirectory, bool allowDownload) =>
        Resolve(DatasetCatalog.Get(name), dataDirectory, allowDownload);

    /// <summary>Resolves <paramref name="dataset"/>; see the class remarks for the order.</summary>
    /// <exception cref="ConvKitException">The dataset was found nowhere.</exception>
    public string Resolve(DatasetInfo dataset, string? dataDirectory, bool allowDownload)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var looked = new List<string>();

        if (!string.IsNullOrWhiteSpace(dataDirectory))
        {
            if (TryRoot(dataset, dataDirectory, "--data", looked) is { } found)
            {
                return found;
            }
            throw new ConvKitException(
                $"Dataset '{dataset.Name}' not found: {looked[^1]}. "
                + $"Pass --data a folder that holds {dataset.Name}/ or the files {FileList(dataset)}.");
        }
        looked.Add("--data (not given)");

        if (EnvironmentDirectory is { } env)
        {
            if (TryRoot(dataset, env, EnvironmentVariable, looked) is { } found)
            {
                return found;
            }
        }
        else
        {
            looked.Add($"{EnvironmentVariable} (not set)");
        }

        foreach (var root in SystemDirectories)
        {
            if (TryDirectory(dataset, Path.Combine(root, dataset.Name), looked) is { } found)
            {
                return found;
            }
        }

        string? cache = null;
        if (CacheDirectory is { } cacheRoot)
        {
            cache = Path.Combine(cacheRoot, dataset.Name);
            if (TryDirectory(dataset, cache, looked) is { } found)
            {
                return found;
            }
        }
        else
        {
            looked.Add("user cache (no XDG_CACHE_HOME or HOME)");
        }

        if (!allowDownload)
        {
            looked.Add("download (not allowed)");
        }
        else if (Downloader is null)
        {
            looked.Add("download (no downloader configured)");
        }
        else if (cache is null)
        {
            looked.Add("download (no cache directory to download into)");
        }
        else
        {
            try
            {
                Downloader.Download(dataset, cache);
                if (TryDirectory(dataset, cache, looked) is { } found)
                {
                    return found;
                }
            }
            catch (ConvKitException e)
            {
                looked.Add($"download failed: {e.Message.TrimEnd('.')}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                looked.Add($"download into {cache} failed: {e.Message.TrimEnd('.')}");
            }
        }

        throw new ConvKitException(
            $"Dataset '{dataset.Name}' not found. Looked in: {string.Join("; ", looked)}. "
            + $"Fix: pass --data DIR or set {EnvironmentVariable}=DIR, where DIR holds {dataset.Name}/ or the files {FileList(dataset)}"
            + (allowDownload ? "." : ", or allow the download."));
    }

    /// <summary>
    /// The path of <paramref name="file"/> in <paramref name="directory"/>: under its published name, else without
    /// <c>.gz</c>; null when neither exists.
    /// </summary>
    public static string? FindFile(string directory, DatasetFile file)
    {
        var path = Path.Combine(directory, file.FileName);
        if (File.Exists(path))
        {
            return path;
        }
        path = Path.Combine(directory, file.UncompressedName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Tries <c>root/name</c>, then <c>root</c> itself; adds one line to <paramref name="looked"/> on failure.</summary>
    private static string? TryRoot(DatasetInfo dataset, string root, string label, List<string> looked)
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            looked.Add($"{label} {full} (does not exist)");
            return null;
        }
        var sub = Path.Combine(full, dataset.Name);
        string subProblem;
        if (Directory.Exists(sub))
        {
            if (Check(dataset, sub) is not { } problem)
            {
                return sub;
            }
            subProblem = $"{dataset.Name}/ is there but {problem}";
        }
        else
        {
            subProblem = $"no {dataset.Name}/ inside";
        }
        if (Check(dataset, full) is not { } directProblem)
        {
            return full;
        }
        looked.Add($"{label} {full} ({subProblem}; the folder itself {directProblem})");
        return null;
    }

    /// <summary>The directory if it holds all four files of the right dataset; else null and one line in <paramref name="looked"/>.</summary>
    private static string? TryDirectory(DatasetInfo dataset, string directory, List<string> looked)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            looked.Add($"{full} (does not exist)");
            return null;
        }
        if (Check(dataset, full) is { } problem)
        {
            looked.Add($"{full} ({problem})");
            return null;
        }
        return full;
    }

    /// <summary>Null when <paramref name="directory"/> holds the dataset, else what is wrong ("is missing ...").</summary>
    private static string? Check(DatasetInfo dataset, string directory)
    {
        var missing = dataset.Files.Where(f => FindFile(directory, f) is null).Select(f => f.FileName).ToArray();
        if (missing.Length == dataset.Files.Count)
        {
            return "has none of the files";
        }
        if (missing.Length > 0)
        {
            return $"is missing {string.Join(", ", missing)}";
        }
        var labels = FindFile(directory, dataset.TestLabels)!;
        if (DatasetDownloader.Check(labels, dataset.TestLabels) is not { } problem)
        {
            return null;
        }
        var (sha, _) = DatasetDownloader.ContentSha256(labels);
        var other = DatasetCatalog.All.FirstOrDefault(d => d.TestLabels.ContentSha256 == sha);
        return other is not null
            ? $"holds {other.Name}, not {dataset.Name} ({Path.GetFileName(labels)} has {other.Name}'s content)"
            : $"holds other data: {Path.GetFileName(labels)} is not {dataset.Name}'s ({problem})";
    }

    private static string FileList(DatasetInfo dataset) => string.Join(", ", dataset.Files.Select(f => f.FileName));
}
