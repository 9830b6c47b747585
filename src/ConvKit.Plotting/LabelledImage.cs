namespace ConvKit.Plotting;

/// <summary>
/// One tile of a <see cref="LabelledImageGrid"/>: an image stored channel-major as (C, H, W) floats in [0, 1]
/// (values outside are clamped when drawn), with a caption drawn under it.
/// </summary>
/// <param name="Pixels">The pixels, index <c>(c * Height + y) * Width + x</c>; row 0 is the top row. Length must be <c>Channels * Height * Width</c>.</param>
/// <param name="Channels">1 (grey) or 3 (RGB).</param>
/// <param name="Height">Rows, at least 1.</param>
/// <param name="Width">Columns, at least 1.</param>
/// <param name="Caption">Text under the tile, e.g. <c>"true 7 / pred 7"</c>.</param>
/// <param name="Highlight">Draws the caption in red, e.g. for a wrong prediction.</param>
/// <example>
/// <code>
/// var tile = new LabelledImage(digit, 1, 28, 28, "true 7 / pred 1", Highlight: true);
/// </code>
/// </example>
public sealed record LabelledImage(float[] Pixels, int Channels, int Height, int Width, string Caption, bool Highlight = false);
