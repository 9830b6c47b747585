using System.Globalization;
using System.Net;
using System.Text;

namespace ConvKit.Cli.Explain;

/// <summary>
/// A single self-contained HTML page: inline CSS, pictures embedded as base64 PNG data, charts as inline SVG.
/// Nothing is fetched when it is opened, so it can be mailed or opened offline.
/// </summary>
internal sealed class HtmlReport
{
    private readonly StringBuilder _body = new();
    private readonly List<(string Id, string Title)> _sections = [];

    public HtmlReport(string title)
    {
        Title = title;
    }

    public string Title { get; }

    /// <summary>Starts a section with a heading (listed in the contents) and an introduction.</summary>
    public void Section(string title, string introductionHtml)
    {
        var id = "s" + _sections.Count.ToString(CultureInfo.InvariantCulture);
        _sections.Add((id, title));
        _body.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{id}\">{Encode(title)}</h2>\n<p>{introductionHtml}</p>\n");
    }

    /// <summary>A smaller heading inside a section.</summary>
    public void Subheading(string text) => _body.Append(CultureInfo.InvariantCulture, $"<h3>{Encode(text)}</h3>\n");

    /// <summary>A paragraph of trusted HTML (the report's own text).</summary>
    public void Paragraph(string html) => _body.Append(CultureInfo.InvariantCulture, $"<p>{html}</p>\n");

    /// <summary>Preformatted text, escaped.</summary>
    public void Preformatted(string text) => _body.Append(CultureInfo.InvariantCulture, $"<pre>{Encode(text)}</pre>\n");

    /// <summary>A PNG embedded as base64, with a caption.</summary>
    public void Picture(byte[] png, string caption)
    {
        _body.Append(CultureInfo.InvariantCulture,
            $"<figure><img alt=\"{Encode(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{Encode(caption)}</figcaption></figure>\n");
    }

    /// <summary>
    /// A line chart as inline SVG: one polyline per series over the step index, with the y range labelled.
    /// </summary>
    public void LineChart(IReadOnlyList<double[]> series, IReadOnlyList<string> names, string caption, string yLabel)
    {
        const int W = 720, H = 300, Left = 60, Right = 120, Top = 10, Bottom = 40;
        var finite = series.SelectMany(s => s).Where(double.IsFinite).ToArray();
        var lo = finite.Length > 0 ? finite.Min() : 0;
        var hi = finite.Length > 0 ? finite.Max() : 1;
        if (hi <= lo)
        {
            hi = lo + 1;
        }
        var steps = series.Max(s => s.Length);
        string X(int i) => (Left + (W - Left - Right) * (steps > 1 ? i / (double)(steps - 1) : 0)).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(double v) => (Top + (H - Top - Bottom) * (1 - (v - lo) / (hi - lo))).ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{W - Left - Right}\" height=\"{H - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Top + 10}\" text-anchor=\"end\">{Number(hi)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{H - Bottom}\" text-anchor=\"end\">{Number(lo)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{H - Bottom + 14}\">0</text><text x=\"{W - Right}\" y=\"{H - Bottom + 14}\" text-anchor=\"end\">{steps - 1}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(W - Right + Left) / 2}\" y=\"{H - 8}\" text-anchor=\"middle\">step</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{(H - Bottom + Top) / 2}\" transform=\"rotate(-90 14 {(H - Bottom + Top) / 2})\" text-anchor=\"middle\">{Encode(yLabel)}</text>");
        for (var k = 0; k < series.Count; k++)
        {
            var colour = Palette[k % Palette.Length];
            var points = string.Join(" ", series[k].Select((v, i) => double.IsFinite(v) ? $"{X(i)},{Y(v)}" : null).Where(p => p is not null));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{points}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{W - Right + 8}\" y=\"{Top + 12 + 14 * k}\" fill=\"{colour}\">{Encode(names[k])}</text>");
        }
        svg.Append("</svg>");
        _body.Append(CultureInfo.InvariantCulture, $"<figure>{svg}<figcaption>{Encode(caption)}</figcaption></figure>\n");
    }

    /// <summary>The whole page.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{Encode(Title)}</title>\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(Title)}</h1>\n<nav><ol>");
        foreach (var (id, title) in _sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#{id}\">{Encode(title)}</a></li>");
        }
        html.Append("</ol></nav>\n").Append(_body).Append("</body>\n</html>\n");
        return html.ToString();
    }

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const string Css = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
        h1 { border-bottom: 2px solid #444; padding-bottom: .2em; }
        h2 { margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: .15em; }
        pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: 12px; }
        figure { margin: 1em 0; }
        figure img { max-width: 100%; image-rendering: pixelated; border: 1px solid #ddd; }
        figcaption { font-size: 13px; color: #555; }
        nav ol { columns: 2; font-size: 14px; }
        code { background: #f2f2f2; padding: 0 .2em; }
        """;
}
