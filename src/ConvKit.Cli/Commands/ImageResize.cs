using ConvKit.Filters;

namespace ConvKit.Cli.Commands;

/// <summary>Converts an image to a given channel count (grey = mean of RGB; grey to RGB by repetition) and size (bilinear).</summary>
internal static class ImageResize
{
    public static ImagePlanes To(ImagePlanes image, int channels, int height, int width)
    {
        var src = image;
        if (image.Channels != channels)
        {
            src = ConvertChannels(image, channels);
        }
        if (src.Height == height && src.Width == width)
        {
            return src;
        }
        var dst = new ImagePlanes(channels, height, width);
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                var sy = Math.Clamp((y + 0.5) * src.Height / height - 0.5, 0, src.Height - 1);
                var y0 = (int)sy;
                var y1 = Math.Min(y0 + 1, src.Height - 1);
                var fy = sy - y0;
                for (var x = 0; x < width; x++)
                {
                    var sx = Math.Clamp((x + 0.5) * src.Width / width - 0.5, 0, src.Width - 1);
                    var x0 = (int)sx;
                    var x1 = Math.Min(x0 + 1, src.Width - 1);
                    var fx = sx - x0;
                    var top = src[c, y0, x0] * (1 - fx) + src[c, y0, x1] * fx;
                    var bottom = src[c, y1, x0] * (1 - fx) + src[c, y1, x1] * fx;
                    dst[c, y, x] = (float)(top * (1 - fy) + bottom * fy);
                }
            }
        }
        return dst;
    }

    private static ImagePlanes ConvertChannels(ImagePlanes image, int channels)
    {
        var dst = new ImagePlanes(channels, image.Height, image.Width);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                float grey = 0;
                for (var c = 0; c < image.Channels; c++)
                {
                    grey += image[c, y, x];
                }
                grey /= image.Channels;
                for (var c = 0; c < channels; c++)
                {
                    dst[c, y, x] = channels == 1 || image.Channels == 1 ? grey : image[Math.Min(c, image.Channels - 1), y, x];
                }
            }
        }
        return dst;
    }
}
