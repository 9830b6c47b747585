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
            ConvKit.Explain.ImageOps.Bilinear(src.Plane(c), src.Height, src.Width, dst.Plane(c), height, width);
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
