namespace ConvKit.Plotting;

/// <summary>How heat values are mapped to the [0, 1] range of a colour map.</summary>
public enum HeatmapScale
{
    /// <summary>Each tile on its own: its minimum maps to 0 and its maximum to 1.</summary>
    PerTile,

    /// <summary>One scale for all tiles: the smallest value of any tile maps to 0, the largest to 1.</summary>
    Shared,

    /// <summary>One scale for all tiles, symmetric around 0: -m maps to 0, 0 to 0.5 and m to 1, where m is the largest |value|. Use with <see cref="ColorMap.BlueWhiteRed"/>.</summary>
    SharedSymmetric,
}
