namespace ConvKit.Plotting;

/// <summary>Argument validation shared by the plotting entry points; every message names the argument and the expected and actual values.</summary>
internal static class ArgumentChecks
{
    /// <summary>The largest picture the grids will draw, in pixels (about 200 megapixels, 800 MB of RGBA).</summary>
    public const long MaxPixels = 200_000_000;

    public static void FilePath(string path, string paramName)
    {
        ArgumentNullException.ThrowIfNull(path, paramName);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"Argument '{paramName}' must be a file path; got an empty string.", paramName);
        }
    }

    public static void AtLeast(int value, int minimum, string paramName)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"Argument '{paramName}' must be at least {minimum}; got {value}.", paramName);
        }
    }

    /// <summary>Checks a requested picture width: 0 means automatic, otherwise <paramref name="minimum"/>..16384.</summary>
    public static void Width(int width, int minimum, string paramName)
    {
        if (width != 0 && (width < minimum || width > 16384))
        {
            throw new ArgumentException($"Argument '{paramName}' must be 0 (automatic) or between {minimum} and 16384 pixels; got {width}.", paramName);
        }
    }

    public static void Channels(int channels, string paramName)
    {
        if (channels != 1 && channels != 3)
        {
            throw new ArgumentException($"Argument '{paramName}' must be 1 (grey) or 3 (RGB); got {channels}.", paramName);
        }
    }

    public static void Finite(float value, string paramName)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentException($"Argument '{paramName}' must be a finite number; got {value}.", paramName);
        }
    }

    /// <summary>Checks that an array holds exactly the product of its dimensions.</summary>
    /// <param name="actual">The array's length.</param>
    /// <param name="dims">The dimensions, in order.</param>
    /// <param name="dimNames">Their names, e.g. <c>"C*H*W"</c>.</param>
    /// <param name="paramName">The array's argument name (may include an index, e.g. <c>images[3].Pixels</c>).</param>
    /// <param name="argumentName">The argument reported to <see cref="ArgumentException.ParamName"/>.</param>
    public static void Length(int actual, ReadOnlySpan<int> dims, string dimNames, string paramName, string? argumentName = null)
    {
        long expected = 1;
        foreach (var d in dims)
        {
            expected *= d;
        }
        if (actual != expected)
        {
            var values = string.Join("*", dims.ToArray());
            throw new ArgumentException(
                $"Argument '{paramName}' has {actual} values; expected {dimNames} = {values} = {expected}.",
                argumentName ?? paramName);
        }
    }
}
