using ConvKit.Explain;

namespace ConvKit.Filters;

/// <summary>
/// Channel conversion, bilinear resizing and cropping of (C, H, W) image planes: what an image needs to become a
/// model's input. Resizing is <c>ImageOps.Bilinear</c> per plane (pixel centres aligned, as OpenCV's INTER_LINEAR
/// and PyTorch's <c>align_corners=False</c>), the same resampler the explainers use.
/// </summary>
/// <example>
/// <code>
/// var photo = ImageFile.Load("cat.jpg");                     // (3, 300, 451)
/// var input = ImageResize.To(photo, channels: 1, 64, 64);   // luma grey, stretched to 64x64
/// var square = ImageResize.CenterCrop(photo, 64, 64);       // shorter side to 64, then the centre 64x64
/// </code>
/// </example>
public static class ImageResize
{
    /// <summary>ITU-R BT.601 luma weights of red, green and blue (what PIL's <c>convert("L")</c> and OpenCV use).</summary>
    public static readonly (float Red, float Green, float Blue) Luma = (0.299f, 0.587f, 0.114f);

    /// <summary>Converts <paramref name="image"/> to <paramref name="channels"/> channels and stretches it to <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static ImagePlanes To(ImagePlanes image, int channels, int height, int width) =>
        Resize(ToChannels(image, channels), height, width);

    /// <summary>
    /// Converts to 1 or 3 channels: colour to grey is the luma <c>0.299 R + 0.587 G + 0.114 B</c>; grey to colour
    /// repeats the plane. Returns <paramref name="image"/> itself when it already has that many channels.
    /// </summary>
    /// <exception cref="ConvKitException"><paramref name="channels"/> is not 1 or 3, or the image has neither 1 nor 3 channels.</exception>
    public static ImagePlanes ToChannels(ImagePlanes image, int channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (channels is not (1 or 3) || image.Channels is not (1 or 3))
        {
            throw new ConvKitException($"Can only convert between 1 (grey) and 3 (RGB) channels, asked {image.Channels} -> {channels}.");
        }
        if (image.Channels == channels)
        {
            return image;
        }
        var plane = image.Height * image.Width;
        var dst = new ImagePlanes(channels, image.Height, image.Width);
        if (channels == 1)
        {
            Span<float> r = image.Plane(0), g = image.Plane(1), b = image.Plane(2);
            var grey = dst.Plane(0);
            for (var i = 0; i < plane; i++)
            {
                grey[i] = Luma.Red * r[i] + Luma.Green * g[i] + Luma.Blue * b[i];
            }
        }
        else
        {
            for (var c = 0; c < 3; c++)
            {
                image.Plane(0).CopyTo(dst.Plane(c));
            }
        }
        return dst;
    }

    /// <summary>Bilinear resize of every plane to <paramref name="height"/> x <paramref name="width"/>; the image itself when it has that size.</summary>
    public static ImagePlanes Resize(ImagePlanes image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (image.Height == height && image.Width == width)
        {
            return image;
        }
        var dst = new ImagePlanes(image.Channels, height, width);
        for (var c = 0; c < image.Channels; c++)
        {
            ImageOps.Bilinear(image.Plane(c), image.Height, image.Width, dst.Plane(c), height, width);
        }
        return dst;
    }

    /// <summary>The window of <paramref name="height"/> x <paramref name="width"/> whose top-left pixel is (<paramref name="top"/>, <paramref name="left"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window is not inside the image.</exception>
    public static ImagePlanes Crop(ImagePlanes image, int top, int left, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (top < 0 || left < 0 || height < 1 || width < 1 || top + height > image.Height || left + width > image.Width)
        {
            throw new ArgumentOutOfRangeException(nameof(top), $"The window ({top}, {left}) + {height}x{width} is not inside an image of {image.Height}x{image.Width}.");
        }
        var dst = new ImagePlanes(image.Channels, height, width);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.Plane(c);
            var d = dst.Plane(c);
            for (var y = 0; y < height; y++)
            {
                src.Slice((top + y) * image.Width + left, width).CopyTo(d.Slice(y * width, width));
            }
        }
        return dst;
    }

    /// <summary>
    /// The size to which an image of <paramref name="height"/> x <paramref name="width"/> is scaled so that it just
    /// covers <paramref name="targetHeight"/> x <paramref name="targetWidth"/> with its aspect ratio kept (for a
    /// square target: the shorter side becomes the target side).
    /// </summary>
    public static (int Height, int Width) CoverSize(int height, int width, int targetHeight, int targetWidth)
    {
        var scale = Math.Max((double)targetHeight / height, (double)targetWidth / width);
        return (Math.Max(targetHeight, (int)Math.Round(height * scale)), Math.Max(targetWidth, (int)Math.Round(width * scale)));
    }

    /// <summary>Scales the image to cover the target size (<see cref="CoverSize"/>), then cuts out the centre window: torchvision's Resize + CenterCrop.</summary>
    public static ImagePlanes CenterCrop(ImagePlanes image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (h, w) = CoverSize(image.Height, image.Width, height, width);
        var scaled = Resize(image, h, w);
        return Crop(scaled, (h - height) / 2, (w - width) / 2, height, width);
    }
}
