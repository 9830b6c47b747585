using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ConvKit.Filters;

namespace ConvKit.Imaging;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format version 1.0, C order), so float filter output can be
/// compared with NumPy, OpenCV or any other tool: <c>np.load("out.npy")</c>. Writes little-endian float32;
/// reads float32, float64, uint8, int32 and int64.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="data"/> as a float32 array of <paramref name="shape"/> (C order).</summary>
    /// <exception cref="ConvKitException">The shape does not match the data length, or the file cannot be written.</exception>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(path);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ConvKitException($"Cannot write '{path}': negative dimension in shape ({string.Join(", ", shape.ToArray())}).");
            }
            count *= d;
        }
        if (count != data.Length)
        {
            throw new ConvKitException($"Cannot write '{path}': shape ({string.Join(", ", shape.ToArray())}) holds {count} values, got {data.Length}.");
        }
        var dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {dims}, }}";
        // Pad with spaces so that magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
        var total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        var bytes = new byte[10 + header.Length + data.Length * 4];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        var body = bytes.AsSpan(10 + header.Length);
        for (var i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(body[(i * 4)..], data[i]);
        }
        try
        {
            File.WriteAllBytes(path, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConvKitException($"Cannot write '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes image planes the way NumPy and OpenCV hold images: (H, W) for one channel, (H, W, C) otherwise
    /// (channels last, so <c>np.load</c> gives what <c>cv2.filter2D</c> would return).
    /// </summary>
    public static void WriteImage(string path, ImagePlanes image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int c = image.Channels, h = image.Height, w = image.Width;
        if (c == 1)
        {
            Write(path, image.Data, [h, w]);
            return;
        }
        var hwc = new float[image.Data.Length];
        for (var k = 0; k < c; k++)
        {
            for (var i = 0; i < h * w; i++)
            {
                hwc[i * c + k] = image.Data[k * h * w + i];
            }
        }
        Write(path, hwc, [h, w, c]);
    }

    /// <summary>Reads a <c>.npy</c> file; the values are converted to float.</summary>
    /// <exception cref="ConvKitException">The file is missing, not an .npy file, truncated, Fortran-ordered or of an unsupported type.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConvKitException($"Cannot read '{path}': the file does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConvKitException($"Cannot read '{path}': {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Reads an (H, W) or (H, W, C) array as (C, H, W) image planes (the inverse of <see cref="WriteImage"/>).</summary>
    /// <exception cref="ConvKitException">The file cannot be read or is not 2-D or 3-D.</exception>
    public static ImagePlanes ReadImage(string path)
    {
        var array = Read(path);
        var s = array.Shape;
        if (s.Length == 2)
        {
            return new ImagePlanes(array.Data, 1, s[0], s[1]);
        }
        if (s.Length != 3)
        {
            throw new ConvKitException($"'{path}' holds an array of shape ({string.Join(", ", s)}); an image needs (H, W) or (H, W, C).");
        }
        int h = s[0], w = s[1], c = s[2];
        var chw = new float[array.Data.Length];
        for (var i = 0; i < h * w; i++)
        {
            for (var k = 0; k < c; k++)
            {
                chw[k * h * w + i] = array.Data[i * c + k];
            }
        }
        return new ImagePlanes(chw, c, h, w);
    }

    /// <summary>Parses the bytes of an .npy file; <paramref name="name"/> is used in error messages.</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
        {
            throw new ConvKitException($"Cannot read '{name}': not a NumPy .npy file (bad magic bytes).");
        }
        var major = bytes[6];
        int headerLength, start;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
            start = 10;
        }
        else if (major is 2 or 3 && bytes.Length >= 12)
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
            start = 12;
        }
        else
        {
            throw new ConvKitException($"Cannot read '{name}': unsupported .npy format version {major}.");
        }
        if (start + headerLength > bytes.Length)
        {
            throw new ConvKitException($"Cannot read '{name}': the header is truncated.");
        }
        var header = Encoding.Latin1.GetString(bytes.Slice(start, headerLength));
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new ConvKitException($"Cannot read '{name}': malformed .npy header {header.Trim()}.");
        }
        if (fortran.Groups[1].Value == "True")
        {
            throw new ConvKitException($"Cannot read '{name}': Fortran-ordered arrays are not supported; save with np.ascontiguousarray.");
        }
        var shape = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d.TrimEnd('L'), CultureInfo.InvariantCulture))
            .ToArray();
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }
        var dtype = descr.Groups[1].Value;
        var size = dtype switch
        {
            "<f4" or "<i4" => 4,
            "<f8" or "<i8" => 8,
            "|u1" or "<u1" => 1,
            _ => throw new ConvKitException($"Cannot read '{name}': unsupported element type '{dtype}' (float32, float64, uint8, int32 and int64 little-endian are)."),
        };
        var body = bytes[(start + headerLength)..];
        if (body.Length < count * size)
        {
            throw new ConvKitException($"Cannot read '{name}': truncated, {body.Length} data bytes for {count} values of {size} bytes.");
        }
        var data = new float[count];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = dtype switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(body[(i * 4)..]),
                "<f8" => (float)BinaryPrimitives.ReadDoubleLittleEndian(body[(i * 8)..]),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(body[(i * 4)..]),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(body[(i * 8)..]),
                _ => body[i],
            };
        }
        return new NpyArray(data, shape, dtype);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
