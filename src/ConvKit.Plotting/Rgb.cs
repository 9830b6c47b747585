namespace ConvKit.Plotting;

/// <summary>A colour with red, green and blue components in [0, 1].</summary>
/// <param name="R">Red, 0..1.</param>
/// <param name="G">Green, 0..1.</param>
/// <param name="B">Blue, 0..1.</param>
public readonly record struct Rgb(float R, float G, float B)
{
    /// <summary>The colour as 8-bit components (rounded, clamped to 0..255).</summary>
    public (byte R, byte G, byte B) ToBytes() => (ToByte(R), ToByte(G), ToByte(B));

    internal static byte ToByte(float v) => float.IsNaN(v) ? (byte)0 : (byte)(Math.Clamp(v, 0f, 1f) * 255f + 0.5f);
}
