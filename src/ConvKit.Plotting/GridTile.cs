namespace ConvKit.Plotting;

/// <summary>A tile ready to draw: 8-bit RGBA pixels, row 0 at the top, and its caption.</summary>
internal sealed record GridTile(byte[] Rgba, int Width, int Height, string Caption, bool Highlight);
