namespace ConvKit.Plotting;

/// <summary>Sizes, in pixels, of a grid picture as computed by <see cref="GridRenderer.Measure"/>.</summary>
internal sealed record GridLayout(
    int Columns,
    int Rows,
    int BoxWidth,
    int BoxHeight,
    int CaptionHeight,
    int TitleHeight,
    int ColorBarHeight,
    int CanvasWidth,
    int CanvasHeight)
{
    /// <summary>The top-left pixel of tile <paramref name="index"/>'s picture box; tiles fill rows left to right.</summary>
    public (int X, int Y) BoxOrigin(int index) => (
        GridRenderer.Margin + index % Columns * (BoxWidth + GridRenderer.GapX),
        GridRenderer.Margin + TitleHeight + index / Columns * (BoxHeight + CaptionHeight + GridRenderer.GapY));
}
