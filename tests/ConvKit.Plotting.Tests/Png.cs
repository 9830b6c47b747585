using SkiaSharp;

namespace ConvKit.Plotting.Tests;

/// <summary>Decoding and checks on PNG output.</summary>
internal static class Png
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Checks the PNG signature and IHDR chunk, decodes the bytes and checks the picture is not a single colour.</summary>
    public static SKBitmap DecodeValid(byte[] png)
    {
        Assert.True(png.Length > 33, $"PNG too short: {png.Length} bytes.");
        Assert.Equal(Signature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.True(CountColors(bitmap, 3) >= 3, "The picture is (nearly) a single colour.");
        return bitmap;
    }

    /// <summary>The number of distinct colours, stopping once <paramref name="enough"/> are found.</summary>
    public static int CountColors(SKBitmap bitmap, int enough = int.MaxValue)
    {
        var seen = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                seen.Add(bitmap.GetPixel(x, y));
                if (seen.Count >= enough)
                {
                    return seen.Count;
                }
            }
        }
        return seen.Count;
    }

    /// <summary>Mean of R, G and B, 0..255.</summary>
    public static double Brightness(SKColor c) => (c.Red + c.Green + c.Blue) / 3.0;

    /// <summary>The pixel at the centre of tile <paramref name="index"/>'s box.</summary>
    public static SKColor BoxCentre(SKBitmap bitmap, GridLayout layout, int index)
    {
        var (x, y) = layout.BoxOrigin(index);
        return bitmap.GetPixel(x + layout.BoxWidth / 2, y + layout.BoxHeight / 2);
    }

    /// <summary>Whether two colours differ by at most <paramref name="tolerance"/> in every component.</summary>
    public static bool Near(SKColor a, SKColor b, int tolerance) =>
        Math.Abs(a.Red - b.Red) <= tolerance && Math.Abs(a.Green - b.Green) <= tolerance && Math.Abs(a.Blue - b.Blue) <= tolerance;

    /// <summary>The colour an <see cref="Rgb"/> is drawn as.</summary>
    public static SKColor ToSk(Rgb c)
    {
        var (r, g, b) = c.ToBytes();
        return new SKColor(r, g, b);
    }

    /// <summary>Grid tiles with the sizes and captions the renderer will see, to compute the expected layout.</summary>
    public static GridTile[] Tiles(int count, int width, int height, string caption = "x") =>
        Enumerable.Range(0, count).Select(_ => new GridTile(new byte[width * height * 4], width, height, caption, false)).ToArray();
}
