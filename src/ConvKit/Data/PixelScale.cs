using System.Numerics.Tensors;

namespace ConvKit.Data;

/// <summary>8-bit pixels 0..255 to floats in [0, 1] as <c>b / 255f</c>, the one conversion every reader uses.</summary>
internal static class PixelScale
{
    public static float[] ToUnit(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length];
        ToUnit(bytes, values);
        return values;
    }

    public static void ToUnit(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        TensorPrimitives.ConvertChecked<byte, float>(bytes, destination[..bytes.Length]);
        TensorPrimitives.Divide(destination[..bytes.Length], 255f, destination[..bytes.Length]);
    }
}
