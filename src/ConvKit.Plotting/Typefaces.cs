using SkiaSharp;

namespace ConvKit.Plotting;

/// <summary>
/// The sans-serif font used for every caption, title and axis: the first installed of a short list of common
/// families, else whatever the system default is.
/// </summary>
internal static class Typefaces
{
    private static readonly string[] Candidates = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans", "Segoe UI"];

    private static readonly Lazy<(string Family, SKTypeface Regular, SKTypeface Bold)> Resolved = new(Resolve);

    /// <summary>The family name, for ScottPlot's font settings.</summary>
    public static string Family => Resolved.Value.Family;

    public static SKTypeface Regular => Resolved.Value.Regular;

    public static SKTypeface Bold => Resolved.Value.Bold;

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
        var fallback = SKTypeface.Default;
        return (fallback.FamilyName, fallback, SKTypeface.FromFamilyName(fallback.FamilyName, SKFontStyle.Bold) ?? fallback);
    }
}
