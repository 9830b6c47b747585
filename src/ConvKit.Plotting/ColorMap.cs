namespace ConvKit.Plotting;

/// <summary>A colour map from a value in [0, 1] to a colour; see <see cref="Heatmaps.Map(ColorMap, float)"/>.</summary>
public enum ColorMap
{
    /// <summary>MATLAB's jet: dark blue, blue, cyan, yellow, red, dark red. Common for saliency and Grad-CAM.</summary>
    Jet,

    /// <summary>matplotlib's viridis: dark purple, blue, green, yellow. Perceptually uniform and readable in grey.</summary>
    Viridis,

    /// <summary>Black to white.</summary>
    Grey,

    /// <summary>A diverging map, blue at 0, white at 0.5, red at 1 (ColorBrewer RdBu): for signed values on a scale symmetric around 0.</summary>
    BlueWhiteRed,
}
