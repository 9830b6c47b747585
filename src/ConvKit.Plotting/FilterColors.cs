namespace ConvKit.Plotting;

/// <summary>How <see cref="FilterGrid"/> colours weights; every style uses one scale, symmetric around 0, for all tiles.</summary>
public enum FilterColors
{
    /// <summary>Blue for negative, white for 0, red for positive (<see cref="ColorMap.BlueWhiteRed"/>).</summary>
    Diverging,

    /// <summary>Black for the most negative weight, mid grey for 0, white for the most positive.</summary>
    Grey,

    /// <summary>For 3 input channels drawn together: the channels as red, green and blue, each mid grey (0.5) at 0.</summary>
    Rgb,
}
