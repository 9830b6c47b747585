using ConvKit.Filters;

namespace ConvKit.Imaging;

/// <summary>
/// An 8-bit image as planes, shape (C, H, W): channel c, row y, column x is <c>Data[(c · H + y) · W + x]</c>.
/// One channel is grey, three are red, green, blue.
/// </summary>
public sealed class ByteImage
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as a (channels, height, width) image.</summary>
    /// <exception cref="ConvKitException">A dimension is below 1, there are more than 4 channels, or the data length is not C · H · W.</exception>
    public ByteImage(byte[] data, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (channels < 1 || channels > 4 || height < 1 || width < 1)
        {
            throw new ConvKitException($"An 8-bit image needs 1 to 4 channels and at least one row and column, got (C, H, W) = ({channels}, {height}, {width}).");
        }
        if ((long)channels * height * width != data.Length)
        {
            throw new ConvKitException($"An image of (C, H, W) = ({channels}, {height}, {width}) needs {(long)channels * height * width} bytes, got {data.Length}.");
        }
        Data = data;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>The pixels, (C, H, W) row-major.</summary>
    public byte[] Data { get; }

    /// <summary>Number of channels C.</summary>
    public int Channels { get; }

    /// <summary>Number of rows H.</summary>
    public int Height { get; }

    /// <summary>Number of columns W.</summary>
    public int Width { get; }

    /// <summary>The pixel at channel <paramref name="c"/>, row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public byte this[int c, int y, int x] => Data[(c * Height + y) * Width + x];

    /// <summary>Float planes <c>v · <paramref name="scale"/></c>: the default 1/255 gives values in [0, 1], 1 gives 0..255.</summary>
    public ImagePlanes ToPlanes(float scale = 1f / 255)
    {
        var data = new float[Data.Length];
        // Dividing by 255 (rather than multiplying by its rounded reciprocal) gives the same floats as NumPy's
        // img.astype(np.float32) / 255, which the OpenCV reference fixtures use.
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = scale == 1f / 255 ? Data[i] / 255f : Data[i] * scale;
        }
        return new ImagePlanes(data, Channels, Height, Width);
    }

    /// <summary>
    /// Converts float planes to bytes with <paramref name="mode"/> (see <see cref="ByteConversion"/>); values are
    /// multiplied by <paramref name="scale"/> first for saturate and absolute (255 for images in [0, 1]).
    /// </summary>
    public static ByteImage FromPlanes(ImagePlanes image, ByteConversionMode mode = ByteConversionMode.Saturate, float scale = 255)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bytes = new byte[image.Data.Length];
        ByteConversion.Convert(image.Data, bytes, mode, scale);
        return new ByteImage(bytes, image.Channels, image.Height, image.Width);
    }

    /// <summary>The shape as text, e.g. <c>(3, 300, 451)</c>.</summary>
    public override string ToString() => $"({Channels}, {Height}, {Width})";
}
