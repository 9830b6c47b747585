namespace ConvKit.Initializers;

/// <summary>Which fan a variance-scaling initialiser divides by.</summary>
public enum FanMode
{
    In,
    Out,
    Average,
}
