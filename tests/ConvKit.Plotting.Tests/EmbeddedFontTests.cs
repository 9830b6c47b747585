using SkiaSharp;

namespace ConvKit.Plotting.Tests;

public class EmbeddedFontTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EmbeddedFontHasTheGlyphsCaptionsUse(bool bold)
    {
        var (regular, boldFace) = Typefaces.Embedded;
        var typeface = bold ? boldFace : regular;
        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        const string text = "true 7 / pred 1 epoch accuracy ch 12 f3 c0 -0.25e-3 Grad-CAM…−×";
        using var font = new SKFont(typeface, 14);
        var glyphs = font.GetGlyphs(text);
        Assert.Equal(text.Length, glyphs.Length);
        Assert.All(glyphs, g => Assert.NotEqual((ushort)0, g));
    }

    [Fact]
    public void EmbeddedFontDrawsInk()
    {
        using var surface = SKSurface.Create(new SKImageInfo(200, 40));
        surface.Canvas.Clear(SKColors.White);
        using var font = new SKFont(Typefaces.Embedded.Regular, 20);
        using var paint = new SKPaint { Color = SKColors.Black };
        surface.Canvas.DrawText("pred 7", 10, 28, SKTextAlign.Left, font, paint);
        using var image = surface.Snapshot();
        using var bitmap = SKBitmap.FromImage(image);
        var dark = 0;
        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 200; x++)
            {
                dark += Png.Brightness(bitmap.GetPixel(x, y)) < 100 ? 1 : 0;
            }
        }
        Assert.True(dark > 50, $"only {dark} dark pixels");
    }

    [Fact]
    public void ResolverAnswersOnlyForTheEmbeddedFamily()
    {
        var resolver = new EmbeddedFontResolver();
        Assert.Same(Typefaces.Embedded.Regular, resolver.CreateTypeface(Typefaces.EmbeddedFamily, false, false));
        Assert.Same(Typefaces.Embedded.Bold, resolver.CreateTypeface(Typefaces.EmbeddedFamily, true, false));
        Assert.Null(resolver.CreateTypeface("Arial", false, false));
    }
}
