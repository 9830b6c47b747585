namespace ConvKit.Plotting;

/// <summary>
/// A grid of small pictures with a caption under each, e.g. MNIST test digits captioned "true 7 / pred 1" with
/// mistakes in red, or photos before and after a filter.
/// </summary>
/// <remarks>
/// Tiles fill the grid row by row. All tiles share one box size, with the aspect ratio of the largest width and
/// height; each image is scaled to fit its box keeping its own aspect ratio. Small images are enlarged by a whole
/// factor with nearest-neighbour sampling, so pixels stay crisp squares (28x28 digits become 112x112); images
/// larger than 256 pixels are reduced to 256 pixels on their longer side. Row 0 of an image is drawn at the top.
/// </remarks>
/// <example>
/// <code>
/// var tiles = new List&lt;LabelledImage&gt;();
/// for (var i = 0; i &lt; 20; i++)
/// {
///     tiles.Add(new LabelledImage(digits[i], 1, 28, 28, $"true {labels[i]} / pred {preds[i]}", Highlight: labels[i] != preds[i]));
/// }
/// LabelledImageGrid.Save("predictions.png", tiles, columns: 10, title: "test predictions");
/// </code>
/// </example>
public static class LabelledImageGrid
{
    /// <summary>Draws the grid and writes it as a PNG file, atomically (see <see cref="Render"/>).</summary>
    /// <param name="path">The PNG file; its folder is created when missing and an existing file is replaced.</param>
    /// <param name="images">The tiles, at least one.</param>
    /// <param name="columns">Tiles per row, at least 1.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <exception cref="ArgumentException">An argument is out of range or an image's pixel count does not match its dimensions.</exception>
    public static void Save(string path, IReadOnlyList<LabelledImage> images, int columns, string? title, int pictureWidth = 0)
    {
        ArgumentChecks.FilePath(path, nameof(path));
        PngFile.WriteAtomic(path, Render(images, columns, title, pictureWidth));
    }

    /// <summary>Draws the grid and returns the PNG bytes, e.g. to embed in an HTML report as base64.</summary>
    /// <param name="images">The tiles, at least one. Each holds (C, H, W) floats in [0, 1] with C = 1 or 3.</param>
    /// <param name="columns">Tiles per row, at least 1.</param>
    /// <param name="title">A title over the grid, or null.</param>
    /// <param name="pictureWidth">The PNG width in pixels, or 0 to size tiles automatically.</param>
    /// <returns>A PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">An argument is out of range or an image's pixel count does not match its dimensions.</exception>
    public static byte[] Render(IReadOnlyList<LabelledImage> images, int columns, string? title, int pictureWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentChecks.AtLeast(images.Count, 1, $"{nameof(images)}.Count");
        ArgumentChecks.AtLeast(columns, 1, nameof(columns));
        ArgumentChecks.Width(pictureWidth, 64, nameof(pictureWidth));

        var tiles = new GridTile[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Argument 'images[{i}]' is null.", nameof(images));
            var name = $"images[{i}]";
            if (image.Channels != 1 && image.Channels != 3)
            {
                throw new ArgumentException($"Argument '{name}.Channels' must be 1 (grey) or 3 (RGB); got {image.Channels}.", nameof(images));
            }
            if (image.Height < 1 || image.Width < 1)
            {
                throw new ArgumentException($"Argument '{name}' must be at least 1x1; got Height {image.Height}, Width {image.Width}.", nameof(images));
            }
            if (image.Pixels is null)
            {
                throw new ArgumentException($"Argument '{name}.Pixels' is null.", nameof(images));
            }
            ArgumentChecks.Length(image.Pixels.Length, [image.Channels, image.Height, image.Width], "Channels*Height*Width", $"{name}.Pixels", nameof(images));
            tiles[i] = new GridTile(
                PixelConvert.ChwToRgba(image.Pixels, image.Channels, image.Height, image.Width),
                image.Width,
                image.Height,
                image.Caption ?? string.Empty,
                image.Highlight);
        }
        return GridRenderer.Render(tiles, columns, title, colorBar: null, pictureWidth, nameof(pictureWidth));
    }
}
