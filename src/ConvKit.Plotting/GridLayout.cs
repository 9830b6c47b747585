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
    int CanvasHeight);
