namespace ConvKit.Explain;

/// <summary>How a filter's feature map (H, W) is reduced to one number.</summary>
public enum FilterReduction
{
    /// <summary>The mean activation: (1 / (H · W)) Σ_{y,x} a[k, y, x].</summary>
    Mean,

    /// <summary>The summed activation: Σ_{y,x} a[k, y, x].</summary>
    Sum,
}
