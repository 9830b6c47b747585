using SkiaSharp;

namespace ConvKit.Plotting;

/// <summary>
/// The sans-serif font used for every caption, title and axis: the first installed of a short list of common
/// families, else a subset of DejaVu Sans embedded in this assembly (see Fonts/README.md), so text still appears on
/// machines without fonts, such as slim container images.
/// </summary>
internal static class Typefaces
{
    /// <summary>The family name ScottPlot is given for the embedded font; resolved by <see cref="EmbeddedFontResolver"/>.</summary>
    internal const string EmbeddedFamily = "ConvKit.Plotting embedded DejaVu Sans";

    private static readonly string[] Candidates = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans", "Segoe UI"];

    private static readonly Lazy<(string Family, SKTypeface Regular, SKTypeface Bold)> Resolved = new(Resolve);

    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> EmbeddedFonts = new(() => (Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf")));

    /// <summary>The family name, for ScottPlot's font settings.</summary>
    public static string Family => Resolved.Value.Family;

    public static SKTypeface Regular => Resolved.Value.Regular;

    public static SKTypeface Bold => Resolved.Value.Bold;

    /// <summary>The embedded regular and bold typefaces.</summary>
    internal static (SKTypeface Regular, SKTypeface Bold) Embedded => EmbeddedFonts.Value;

    private static (string, SKTypeface, SKTypeface) Resolve()
    {
        foreach (var name in Candidates)
        {
            var regular = SKFontManager.Default.MatchFamily(name, SKFontStyle.Normal);
            if (regular is not null && string.Equals(regular.FamilyName, name, StringComparison.OrdinalIgnoreCase))
            {
                var bold = SKFontManager.Default.MatchFamily(name, SKFontStyle.Bold) ?? regular;
                return (name, regular, bold);
            }
        }
        var (embeddedRegular, embeddedBold) = Embedded;
        lock (ScottPlot.Fonts.FontResolvers)
        {
            if (!ScottPlot.Fonts.FontResolvers.OfType<EmbeddedFontResolver>().Any())
            {
                ScottPlot.Fonts.FontResolvers.Add(new EmbeddedFontResolver());
            }
        }
        return (EmbeddedFamily, embeddedRegular, embeddedBold);
    }

    private static SKTypeface Load(string file)
    {
        var name = "ConvKit.Plotting.Fonts." + file;
        using var stream = typeof(Typefaces).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded font resource '{name}' is missing from the assembly.");
        return SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"SkiaSharp could not load the embedded font '{name}'.");
    }
}
