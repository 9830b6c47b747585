namespace ConvKit.Plotting;

/// <summary>
/// One tile of a heat map grid (<see cref="Heatmaps.SaveHeatmapGrid"/>): a heat map of shape (H, W), any range,
/// row 0 at the top, optionally drawn over an image of the same height and width.
/// </summary>
/// <param name="Heat">Heat values, index <c>y * Width + x</c>; length must be <c>Height * Width</c>. Non-finite values are drawn as the low end of the scale.</param>
/// <param name="Height">Rows, at least 1.</param>
/// <param name="Width">Columns, at least 1.</param>
/// <param name="Caption">Text under the tile, e.g. <c>"Grad-CAM, class 3"</c>.</param>
/// <example>
/// <code>
/// var tile = new HeatmapTile(saliency, 28, 28, "saliency") { Image = digit, ImageChannels = 1, Alpha = 0.5f };
/// </code>
/// </example>
public sealed record HeatmapTile(float[] Heat, int Height, int Width, string Caption)
{
    /// <summary>An optional image under the heat map, (C, H, W) in [0, 1] with the tile's height and width; null draws the heat map alone.</summary>
    public float[]? Image { get; init; }

    /// <summary>Channels of <see cref="Image"/>: 1 or 3.</summary>
    public int ImageChannels { get; init; } = 1;

    /// <summary>Opacity of the heat colours over <see cref="Image"/>, in [0, 1]; ignored without an image.</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>Draws the caption in red.</summary>
    public bool Highlight { get; init; }
}
