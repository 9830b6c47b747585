namespace ConvKit.IO;

/// <summary>
/// Writes files so that readers see either the old content or the complete new content, never a half-written
/// file: the data goes to a uniquely named temporary file in the target's directory, is flushed to disk, and then
/// replaces the target with one rename (<see cref="File.Move(string, string, bool)"/>, which is atomic on the same
/// file system). A crash or an exception while writing leaves the previous file untouched.
/// </summary>
/// <example>
/// <code>
/// AtomicFile.Write("model.safetensors", stream => stream.Write(bytes));
/// </code>
/// </example>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a temporary file next to it, which
    /// is flushed to disk and then renamed over <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The file to create or replace. Its directory must exist.</param>
    /// <param name="write">Writes the new content. An exception from it aborts the write and is rethrown.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The temporary file could not be written or renamed.</exception>
    public static void Write(string path, Action<Stream> write) => Write(path, write, verify: null);

    /// <summary>
    /// Like <see cref="Write(string, Action{Stream})"/>, and calls <paramref name="verify"/> with the path of the
    /// complete, flushed temporary file before it replaces the target. If <paramref name="verify"/> throws, the
    /// temporary file is deleted, the target is left as it was, and the exception is rethrown. Downloads use this
    /// to check a checksum before the file becomes visible.
    /// </summary>
    /// <param name="path">The file to create or replace. Its directory must exist.</param>
    /// <param name="write">Writes the new content.</param>
    /// <param name="verify">Checks the temporary file (by reading it) and throws when it is not acceptable; may be null.</param>
    public static void Write(string path, Action<Stream> write, Action<string>? verify)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        var name = Path.GetFileName(full);
        if (directory is null || name.Length == 0)
        {
            throw new ArgumentException($"'{path}' does not name a file.", nameof(path));
        }
        var temp = TempPath(directory, name);
        try
        {
            // CreateNew: never clobber another writer's temporary file (names are random, so this is paranoia).
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            verify?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A fresh temporary name next to the target: <c>.name.1a2b3c4d.tmp</c>. Hidden (leading dot) so that
    /// directory listings and globs such as <c>*.safetensors</c> do not pick up a half-written file.
    /// </summary>
    internal static string TempPath(string directory, string name)
    {
        Span<byte> random = stackalloc byte[6];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        return Path.Combine(directory, $".{name}.{Convert.ToHexStringLower(random)}.tmp");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
