using ConvKit.Filters;
using StbImageSharp;
using StbImageWriteSharp;
using ReadComponents = StbImageSharp.ColorComponents;
using WriteComponents = StbImageWriteSharp.ColorComponents;

namespace ConvKit.Imaging;

/// <summary>
/// Reads PNG, JPEG and BMP files and writes PNG and JPEG files, 8 bits per channel, with the pure managed
/// StbImageSharp and StbImageWriteSharp ports of stb_image. Images are (C, H, W) planes: a grey file stays one
/// channel, a colour file is three (red, green, blue). An alpha channel is dropped on reading.
/// </summary>
/// <example>
/// <code>
/// var image = ImageFile.Load("cat.png");             // (3, H, W) floats in [0, 1]
/// var blurred = Filter2D.Apply(image, NamedKernels.Gaussian(5, 1.2));
/// ImageFile.Save("cat-blurred.png", blurred);       // rounded and clipped to 0..255
/// </code>
/// </example>
public static class ImageFile
{
    /// <summary>Reads an image as floats in [0, 1] (each byte divided by 255), shape (C, H, W) with C = 1 or 3.</summary>
    /// <exception cref="ConvKitException">The file is missing, unreadable, or not a PNG, JPEG or BMP image; the message names the file.</exception>
    public static ImagePlanes Load(string path) => LoadBytes(path).ToPlanes();

    /// <summary>Reads an image as bytes, shape (C, H, W) with C = 1 (grey) or 3 (RGB).</summary>
    /// <exception cref="ConvKitException">The file is missing, unreadable, or not a PNG, JPEG or BMP image; the message names the file.</exception>
    public static ByteImage LoadBytes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConvKitException($"Cannot read image '{path}': the file does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConvKitException($"Cannot read image '{path}': {e.Message}", e);
        }
        return Decode(bytes, path);
    }

    /// <summary>Decodes the bytes of a PNG, JPEG or BMP file; <paramref name="name"/> is used in error messages.</summary>
    /// <exception cref="ConvKitException">The bytes are not an image this reader understands.</exception>
    public static ByteImage Decode(byte[] encoded, string name)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length == 0)
        {
            throw new ConvKitException($"Cannot read image '{name}': the file is empty.");
        }
        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(encoded, ReadComponents.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConvKitException($"Cannot read image '{name}': not a PNG, JPEG or BMP image, or a damaged one ({e.Message}).", e);
        }
        if (result is null || result.Data is null || result.Width < 1 || result.Height < 1)
        {
            throw new ConvKitException($"Cannot read image '{name}': the decoder returned no pixels.");
        }
        var stored = result.Comp switch
        {
            ReadComponents.Grey => 1,
            ReadComponents.GreyAlpha => 2,
            ReadComponents.RedGreenBlue => 3,
            ReadComponents.RedGreenBlueAlpha => 4,
            _ => throw new ConvKitException($"Cannot read image '{name}': unsupported colour layout {result.Comp}."),
        };
        var channels = stored <= 2 ? 1 : 3;
        int h = result.Height, w = result.Width, plane = h * w;
        if (result.Data.Length < (long)plane * stored)
        {
            throw new ConvKitException($"Cannot read image '{name}': the decoder returned too few pixels.");
        }
        var data = new byte[channels * plane];
        var src = result.Data;
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                data[c * plane + i] = src[i * stored + c];
            }
        }
        return new ByteImage(data, channels, h, w);
    }

    /// <summary>
    /// Writes float planes (values in [0, 1]) as PNG or JPEG, chosen by the extension (<c>.png</c>, <c>.jpg</c>,
    /// <c>.jpeg</c>). Values become bytes with <paramref name="mode"/>: saturate (× 255, rounded, clipped) by
    /// default; normalize stretches the range to 0..255.
    /// </summary>
    /// <exception cref="ConvKitException">The extension is not known, the image has more than 4 channels, or the file cannot be written.</exception>
    public static void Save(string path, ImagePlanes image, ByteConversionMode mode = ByteConversionMode.Saturate)
    {
        ArgumentNullException.ThrowIfNull(image);
        Save(path, ByteImage.FromPlanes(image, mode));
    }

    /// <summary>Writes an 8-bit image as PNG or JPEG (quality 1..100), chosen by the extension.</summary>
    /// <exception cref="ConvKitException">The extension is not known, or the file cannot be written.</exception>
    public static void Save(string path, ByteImage image, int jpegQuality = 95)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(image);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".jpg" or ".jpeg"))
        {
            throw new ConvKitException($"Cannot write image '{path}': unknown format '{extension}'; use .png, .jpg or .jpeg.");
        }
        if (jpegQuality is < 1 or > 100)
        {
            throw new ConvKitException($"JPEG quality must be between 1 and 100, got {jpegQuality}.");
        }
        var interleaved = Interleave(image);
        var components = image.Channels switch
        {
            1 => WriteComponents.Grey,
            2 => WriteComponents.GreyAlpha,
            3 => WriteComponents.RedGreenBlue,
            _ => WriteComponents.RedGreenBlueAlpha,
        };
        try
        {
            using var stream = File.Create(path);
            var writer = new ImageWriter();
            if (extension == ".png")
            {
                writer.WritePng(interleaved, image.Width, image.Height, components, stream);
            }
            else
            {
                writer.WriteJpg(interleaved, image.Width, image.Height, components, stream, jpegQuality);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConvKitException($"Cannot write image '{path}': {e.Message}", e);
        }
    }

    /// <summary>(C, H, W) planes to (H, W, C) interleaved bytes, the layout image files use.</summary>
    private static byte[] Interleave(ByteImage image)
    {
        int c = image.Channels, plane = image.Height * image.Width;
        var result = new byte[image.Data.Length];
        for (var i = 0; i < plane; i++)
        {
            for (var k = 0; k < c; k++)
            {
                result[i * c + k] = image.Data[k * plane + i];
            }
        }
        return result;
    }
}
