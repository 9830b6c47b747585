namespace ConvKit.Filters;

/// <summary>
/// An image as float planes, shape (C, H, W): channel c, row y, column x is <c>Data[(c · H + y) · W + x]</c>.
/// Images loaded from files hold values in [0, 1]; filter outputs may hold any value (an edge response is
/// negative as often as positive).
/// </summary>
public sealed class ImagePlanes
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as a (channels, height, width) image.</summary>
    /// <exception cref="ConvKitException">A dimension is below 1 or the data length is not C · H · W.</exception>
    public ImagePlanes(float[] data, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (channels < 1 || height < 1 || width < 1)
        {
            throw new ConvKitException($"An image needs at least one channel, row and column, got (C, H, W) = ({channels}, {height}, {width}).");
        }
        if ((long)channels * height * width != data.Length)
        {
            throw new ConvKitException($"An image of (C, H, W) = ({channels}, {height}, {width}) needs {(long)channels * height * width} values, got {data.Length}.");
        }
        Data = data;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>A zero image of the given shape.</summary>
    public ImagePlanes(int channels, int height, int width)
        : this(new float[checked(Math.Max(0, channels) * Math.Max(0, height) * Math.Max(0, width))], channels, height, width)
    {
    }

    /// <summary>The pixel values, (C, H, W) row-major.</summary>
    public float[] Data { get; }

    /// <summary>Number of channels C (1 for grey, 3 for RGB).</summary>
    public int Channels { get; }

    /// <summary>Number of rows H.</summary>
    public int Height { get; }

    /// <summary>Number of columns W.</summary>
    public int Width { get; }

    /// <summary>The values of channel <paramref name="channel"/>, H · W of them.</summary>
    public Span<float> Plane(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        return Data.AsSpan(channel * Height * Width, Height * Width);
    }

    /// <summary>The value at channel <paramref name="c"/>, row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int c, int y, int x]
    {
        get => Data[(c * Height + y) * Width + x];
        set => Data[(c * Height + y) * Width + x] = value;
    }

    /// <summary>A deep copy.</summary>
    public ImagePlanes Clone() => new((float[])Data.Clone(), Channels, Height, Width);

    /// <summary>The shape as text, e.g. <c>(3, 300, 451)</c>.</summary>
    public override string ToString() => $"({Channels}, {Height}, {Width})";
}
