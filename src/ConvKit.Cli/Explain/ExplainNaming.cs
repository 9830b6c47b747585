namespace ConvKit.Cli.Explain;

/// <summary>Small formatting helpers for captions and file names.</summary>
internal static class ExplainNaming
{
    /// <summary>A file-name-safe form of a layer name.</summary>
    public static string Safe(string name) =>
        new(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-').ToArray());
}
