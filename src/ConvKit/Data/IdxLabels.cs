namespace ConvKit.Data;

/// <summary>Class labels read from an IDX file (magic 0x00000801): one unsigned byte per item, widened to <see cref="int"/>.</summary>
public sealed class IdxLabels
{
    internal IdxLabels(string path, int[] labels)
    {
        Path = path;
        Labels = labels;
    }

    /// <summary>The file the labels were read from.</summary>
    public string Path { get; }

    /// <summary>Number of labels.</summary>
    public int Count => Labels.Length;

    /// <summary>The labels, each in 0..255.</summary>
    public int[] Labels { get; }
}
