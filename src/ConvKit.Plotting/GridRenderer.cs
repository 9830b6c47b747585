using SkiaSharp;

namespace ConvKit.Plotting;

/// <summary>
/// Draws tiles in a grid with captions, an optional title and an optional colour bar, and encodes the result as PNG.
/// </summary>
/// <remarks>
/// Layout, top to bottom: margin, title, then rows of cells (a box for the picture, then its caption), margin. Every
/// box has the same size, with the aspect ratio of the largest tile width and height; each tile is scaled to fit
/// its box keeping its aspect ratio and is centred in it. Tiles are enlarged with nearest-neighbour sampling so
/// pixels stay crisp (automatic sizes use whole-number factors, so every source pixel becomes the same square)
/// and reduced with mipmapped linear sampling. Row 0 of a tile is drawn at the top.
/// </remarks>
internal static class GridRenderer
{
    internal const int Margin = 12;
    internal const int GapX = 12;
    internal const int GapY = 10;
    internal const int TitleHeight = 34;
    internal const int CaptionHeight = 21;
    internal const int ColorBarGap = 16;
    internal const int ColorBarWidth = 16;
    internal const int ColorBarLabelWidth = 64;
    internal const int MaxAutoWidth = 2400;

    private const float TitleFontSize = 18f;
    private const float CaptionFontSize = 13f;
    private const float MinCaptionFontSize = 8f;
    private const float ColorBarFontSize = 12f;
    private const int MinBoxWidthForCaptions = 20;
    private const int MinColorBarHeight = 120;
    private const int MaxColorBarHeight = 360;

    private static readonly SKColor Background = SKColors.White;
    private static readonly SKColor Frame = new(0xC8, 0xC8, 0xC8);
    private static readonly SKColor Text = new(0x20, 0x20, 0x20);
    private static readonly SKColor HighlightText = new(0xD6, 0x27, 0x28);

    /// <summary>Draws the grid and returns PNG bytes.</summary>
    /// <param name="tiles">At least one tile.</param>
    /// <param name="columns">At least 1; more columns than tiles are dropped.</param>
    /// <param name="title">Drawn centred at the top; null or empty for none.</param>
    /// <param name="colorBar">A colour bar at the right of the tiles, or null.</param>
    /// <param name="width">The picture width in pixels, or 0 to size tiles automatically.</param>
    /// <param name="widthParamName">The argument name to report when <paramref name="width"/> is too small.</param>
    public static byte[] Render(IReadOnlyList<GridTile> tiles, int columns, string? title, ColorBarSpec? colorBar, int width, string widthParamName = "width")
    {
        var layout = Measure(tiles, columns, title, colorBar, width, widthParamName);
        var info = new SKImageInfo(layout.CanvasWidth, layout.CanvasHeight, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {info.Width}x{info.Height} drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(Background);

        if (layout.TitleHeight > 0)
        {
            DrawTitle(canvas, title!, layout.CanvasWidth);
        }
        for (var i = 0; i < tiles.Count; i++)
        {
            DrawTile(canvas, tiles[i], layout, i);
        }
        if (colorBar is not null)
        {
            DrawColorBar(canvas, colorBar, layout);
        }
        return PngFile.Encode(surface);
    }

    /// <summary>Computes box sizes and the canvas size without drawing.</summary>
    internal static GridLayout Measure(IReadOnlyList<GridTile> tiles, int columns, string? title, ColorBarSpec? colorBar, int width, string widthParamName = "width")
    {
        var count = tiles.Count;
        var cols = Math.Min(columns, count);
        var rows = (count + cols - 1) / cols;
        var maxW = 1;
        var maxH = 1;
        var anyCaption = false;
        foreach (var t in tiles)
        {
            maxW = Math.Max(maxW, t.Width);
            maxH = Math.Max(maxH, t.Height);
            anyCaption |= !string.IsNullOrWhiteSpace(t.Caption);
        }
        var barExtra = colorBar is null ? 0 : ColorBarGap + ColorBarWidth + ColorBarLabelWidth;
        var fixedWidth = 2 * Margin + (cols - 1) * GapX + barExtra;

        int boxW, boxH, canvasW;
        if (width == 0)
        {
            var scale = AutoScale(maxW, maxH);
            var room = (MaxAutoWidth - fixedWidth) / (double)(cols * maxW);
            if (scale > room)
            {
                // Too wide: shrink, keeping whole-number factors while enlarging so pixels stay square; small
                // tiles never go below their own size.
                scale = room >= 1 ? Math.Floor(room) : Math.Max(maxW <= 64 && maxH <= 64 ? 1.0 : 0.0, room);
            }
            boxW = Math.Max(1, (int)Math.Round(maxW * scale));
            boxH = Math.Max(1, (int)Math.Round(maxH * scale));
            canvasW = fixedWidth + cols * boxW;
        }
        else
        {
            boxW = (width - fixedWidth) / cols;
            if (boxW < 4)
            {
                throw new ArgumentException(
                    $"Argument '{widthParamName}' is {width} pixels, too narrow for {cols} columns; expected at least {fixedWidth + 4 * cols}.",
                    widthParamName);
            }
            boxH = Math.Max(1, (int)Math.Round(boxW * (double)maxH / maxW));
            canvasW = width;
        }

        var captionH = anyCaption && boxW >= MinBoxWidthForCaptions ? CaptionHeight : 0;
        var titleH = string.IsNullOrWhiteSpace(title) ? 0 : TitleHeight;
        var gridH = rows * (boxH + captionH) + (rows - 1) * GapY;
        var barH = colorBar is null ? 0 : Math.Clamp(gridH, MinColorBarHeight, MaxColorBarHeight);
        var canvasH = 2 * Margin + titleH + Math.Max(gridH, barH);
        if ((long)canvasW * canvasH > ArgumentChecks.MaxPixels)
        {
            throw new ArgumentException(
                $"The picture would be {canvasW}x{canvasH} pixels, more than the {ArgumentChecks.MaxPixels} allowed; draw fewer tiles or ask for a smaller width.",
                widthParamName);
        }
        return new GridLayout(cols, rows, boxW, boxH, captionH, titleH, barH, canvasW, canvasH);
    }

    /// <summary>
    /// The automatic display scale: small tiles (up to 64 px) grow by a whole factor to about 128 px, medium ones
    /// (up to 256 px) by a whole factor to about 256 px, and large ones shrink to 256 px on their longer side.
    /// </summary>
    private static double AutoScale(int maxW, int maxH)
    {
        var side = Math.Max(maxW, maxH);
        if (side <= 64)
        {
            return Math.Max(1, 128 / side);
        }
        if (side <= 256)
        {
            return Math.Max(1, 256 / side);
        }
        return 256.0 / side;
    }

    private static void DrawTitle(SKCanvas canvas, string title, int canvasWidth)
    {
        using var font = new SKFont(Typefaces.Bold, TitleFontSize);
        var available = canvasWidth - 2f * Margin;
        var measured = font.MeasureText(title);
        if (measured > available)
        {
            font.Size = Math.Max(MinCaptionFontSize, TitleFontSize * available / measured);
        }
        using var paint = new SKPaint { Color = Text, IsAntialias = true };
        var text = Fit(title, font, available);
        canvas.DrawText(text, canvasWidth / 2f, Margin + 22f, SKTextAlign.Center, font, paint);
    }

    private static void DrawTile(SKCanvas canvas, GridTile tile, GridLayout layout, int index)
    {
        var (x0, y0) = layout.BoxOrigin(index);

        var scale = Math.Min(layout.BoxWidth / (double)tile.Width, layout.BoxHeight / (double)tile.Height);
        var dw = Math.Max(1, (int)Math.Round(tile.Width * scale));
        var dh = Math.Max(1, (int)Math.Round(tile.Height * scale));
        var dx = x0 + (layout.BoxWidth - dw) / 2;
        var dy = y0 + (layout.BoxHeight - dh) / 2;

        var info = new SKImageInfo(tile.Width, tile.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var image = SKImage.FromPixelCopy(info, tile.Rgba)
            ?? throw new InvalidOperationException($"SkiaSharp could not wrap a {tile.Width}x{tile.Height} tile."))
        {
            var sampling = scale >= 1.0
                ? new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None)
                : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
            using var imagePaint = new SKPaint { IsAntialias = false };
            canvas.DrawImage(image, new SKRect(dx, dy, dx + dw, dy + dh), sampling, imagePaint);
        }

        using (var framePaint = new SKPaint { Color = Frame, IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = 1 })
        {
            canvas.DrawRect(new SKRect(dx - 0.5f, dy - 0.5f, dx + dw + 0.5f, dy + dh + 0.5f), framePaint);
        }

        if (layout.CaptionHeight > 0 && !string.IsNullOrWhiteSpace(tile.Caption))
        {
            using var font = new SKFont(tile.Highlight ? Typefaces.Bold : Typefaces.Regular, CaptionFontSize);
            var available = layout.BoxWidth + GapX - 2f;
            var measured = font.MeasureText(tile.Caption);
            if (measured > available)
            {
                font.Size = Math.Max(MinCaptionFontSize, CaptionFontSize * available / measured);
            }
            using var paint = new SKPaint { Color = tile.Highlight ? HighlightText : Text, IsAntialias = true };
            var text = Fit(tile.Caption, font, available);
            canvas.DrawText(text, x0 + layout.BoxWidth / 2f, y0 + layout.BoxHeight + 15f, SKTextAlign.Center, font, paint);
        }
    }

    private static void DrawColorBar(SKCanvas canvas, ColorBarSpec bar, GridLayout layout)
    {
        var x = layout.CanvasWidth - Margin - ColorBarLabelWidth - ColorBarWidth;
        var y = Margin + layout.TitleHeight;
        var h = layout.ColorBarHeight;

        var rgba = new byte[ColorBarWidth * h * 4];
        for (var row = 0; row < h; row++)
        {
            var t = h == 1 ? 1f : 1f - row / (float)(h - 1);
            var (r, g, b) = bar.Map(t).ToBytes();
            for (var col = 0; col < ColorBarWidth; col++)
            {
                var i = 4 * (row * ColorBarWidth + col);
                rgba[i] = r;
                rgba[i + 1] = g;
                rgba[i + 2] = b;
                rgba[i + 3] = 255;
            }
        }
        var info = new SKImageInfo(ColorBarWidth, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var image = SKImage.FromPixelCopy(info, rgba)!)
        {
            canvas.DrawImage(image, x, y);
        }
        using (var framePaint = new SKPaint { Color = Frame, Style = SKPaintStyle.Stroke, StrokeWidth = 1 })
        {
            canvas.DrawRect(new SKRect(x - 0.5f, y - 0.5f, x + ColorBarWidth + 0.5f, y + h + 0.5f), framePaint);
        }

        using var font = new SKFont(Typefaces.Regular, ColorBarFontSize);
        using var paint = new SKPaint { Color = Text, IsAntialias = true };
        var labelX = x + ColorBarWidth + 5f;
        var available = ColorBarLabelWidth - 6f;
        canvas.DrawText(Fit(bar.Top, font, available), labelX, y + 10f, SKTextAlign.Left, font, paint);
        canvas.DrawText(Fit(bar.Middle, font, available), labelX, y + h / 2f + 4f, SKTextAlign.Left, font, paint);
        canvas.DrawText(Fit(bar.Bottom, font, available), labelX, y + h - 1f, SKTextAlign.Left, font, paint);
    }

    /// <summary>The text, cut and ended with an ellipsis when it is wider than <paramref name="available"/>.</summary>
    private static string Fit(string text, SKFont font, float available)
    {
        if (font.MeasureText(text) <= available)
        {
            return text;
        }
        for (var n = text.Length - 1; n > 0; n--)
        {
            var cut = string.Concat(text.AsSpan(0, n), "…");
            if (font.MeasureText(cut) <= available)
            {
                return cut;
            }
        }
        return string.Empty;
    }
}
