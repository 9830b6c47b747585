namespace ConvKit.Filters;

/// <summary>
/// Maps a coordinate outside an image row or column to the pixel that stands in for it, with OpenCV's rules
/// (<c>cv::borderInterpolate</c>), including coordinates more than one image length away.
/// </summary>
public static class BorderIndex
{
    /// <summary>
    /// The index in [0, <paramref name="length"/>) whose pixel is used at coordinate <paramref name="p"/>, or −1
    /// for <see cref="BorderMode.Constant"/> outside the image (the pixel is the border value).
    /// </summary>
    /// <example><c>Map(-1, 8, BorderMode.Reflect101)</c> is 1; <c>Map(-1, 8, BorderMode.Reflect)</c> is 0; <c>Map(8, 8, BorderMode.Wrap)</c> is 0.</example>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is below 1.</exception>
    public static int Map(int p, int length, BorderMode mode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if ((uint)p < (uint)length)
        {
            return p;
        }
        switch (mode)
        {
            case BorderMode.Constant:
                return -1;
            case BorderMode.Replicate:
                return p < 0 ? 0 : length - 1;
            case BorderMode.Reflect:
            case BorderMode.Reflect101:
                if (length == 1)
                {
                    return 0;
                }
                var delta = mode == BorderMode.Reflect101 ? 1 : 0;
                do
                {
                    p = p < 0 ? -p - 1 + delta : length - 1 - (p - length) - delta;
                }
                while ((uint)p >= (uint)length);
                return p;
            case BorderMode.Wrap:
                p %= length;
                return p < 0 ? p + length : p;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown border mode.");
        }
    }
}
