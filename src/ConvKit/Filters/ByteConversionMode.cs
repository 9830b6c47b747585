namespace ConvKit.Filters;

/// <summary>How float filter output becomes 8-bit pixels. See <see cref="ByteConversion"/>.</summary>
public enum ByteConversionMode
{
    /// <summary>Round and clip to [0, 255], as OpenCV does for 8-bit output: negative responses become 0.</summary>
    Saturate,

    /// <summary>Round and clip the absolute value (OpenCV's <c>convertScaleAbs</c>): a negative edge is as bright as a positive one.</summary>
    Absolute,

    /// <summary>Stretch the minimum to 0 and the maximum to 255 (OpenCV's <c>normalize</c> with <c>NORM_MINMAX</c>): nothing is clipped, 0 is mid-grey for a symmetric response.</summary>
    Normalize,
}
