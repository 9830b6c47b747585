namespace ConvKit.Tests.Data;

/// <summary>
/// Locates the real datasets shared next to the repository: walk up from the test binaries to the directory
/// holding <c>ConvKit.slnx</c>, then <c>../shared/datasets</c>. Null when that folder is not there (for example
/// on a machine with only the repository), in which case <see cref="SharedDataFactAttribute"/> skips.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> RootValue = new(Find);

    /// <summary>The shared datasets folder (holding <c>mnist/</c> and <c>fashion-mnist/</c>), or null.</summary>
    public static string? Root => RootValue.Value;

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "ConvKit.slnx")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException($"No ConvKit.slnx above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Path of a file of a shared dataset, e.g. <c>File("mnist", "t10k-labels-idx1-ubyte.gz")</c>.</summary>
    public static string DataFile(string dataset, string name) =>
        Path.Combine(Root ?? throw new InvalidOperationException("The shared datasets are absent."), dataset, name);

    private static string? Find()
    {
        var root = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "datasets"));
        return System.IO.File.Exists(Path.Combine(root, "mnist", "t10k-labels-idx1-ubyte.gz")) ? root : null;
    }
}

/// <summary>A fact that needs the shared datasets and is skipped, with the reason, when they are absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.Root is null)
        {
            Skip = "The shared datasets (../shared/datasets next to the folder holding ConvKit.slnx) are not on this machine.";
        }
    }
}
