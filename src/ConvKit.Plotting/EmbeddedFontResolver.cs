using ScottPlot;
using SkiaSharp;

namespace ConvKit.Plotting;

/// <summary>Lets ScottPlot find the embedded fallback font under <see cref="Typefaces.EmbeddedFamily"/>; other names are left to other resolvers.</summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
        CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
    {
        if (!string.Equals(fontName, Typefaces.EmbeddedFamily, StringComparison.Ordinal))
        {
            return null;
        }
        var (regular, boldFace) = Typefaces.Embedded;
        return bold ? boldFace : regular;
    }
}
