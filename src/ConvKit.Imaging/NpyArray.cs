namespace ConvKit.Imaging;

/// <summary>An array read from a NumPy <c>.npy</c> file: the values as float32, C order, and the shape.</summary>
/// <param name="Data">The values, row-major (C order), converted to float.</param>
/// <param name="Shape">The dimensions, e.g. [H, W, C].</param>
/// <param name="DType">The element type stored in the file, e.g. <c>&lt;f4</c> or <c>|u1</c>.</param>
public sealed record NpyArray(float[] Data, int[] Shape, string DType);
