using SkiaSharp;

namespace ConvKit.Plotting;

/// <summary>PNG encoding and atomic file writes.</summary>
internal static class PngFile
{
    /// <summary>Encodes the surface's current pixels as a lossless PNG.</summary>
    public static byte[] Encode(SKSurface surface)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the picture as PNG.");
        return data.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="png"/> to <paramref name="path"/> atomically: the bytes go to a temporary file in the
    /// same folder, which then replaces the target, so a reader never sees a half-written picture. The folder is
    /// created when missing.
    /// </summary>
    public static void WriteAtomic(string path, byte[] png)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"Argument 'path' has no folder: '{path}'.", nameof(path));
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, png);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
