namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>Argument checks shared by the CPU kernels; each throws with a message naming the span and the sizes.</summary>
internal static class SpanChecks
{
    /// <summary>Throws when a dimension is negative.</summary>
    public static void NonNegative(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be zero or positive.");
        }
    }

    /// <summary>Throws when the product of the dimensions overflows an <see cref="int"/> span length.</summary>
    public static int Product(int a, int b, string what)
    {
        var p = (long)a * b;
        if (p > int.MaxValue)
        {
            throw new ArgumentException($"{what} ({a} x {b}) is larger than a span can hold.");
        }
        return (int)p;
    }

    /// <inheritdoc cref="Product(int, int, string)"/>
    public static int Product(int a, int b, int c, string what)
    {
        var p = (long)a * b * c;
        if (p > int.MaxValue)
        {
            throw new ArgumentException($"{what} ({a} x {b} x {c}) is larger than a span can hold.");
        }
        return (int)p;
    }

    /// <summary>Throws unless <paramref name="length"/> is at least <paramref name="required"/>.</summary>
    public static void AtLeast(int length, int required, string name)
    {
        if (length < required)
        {
            throw new ArgumentException($"{name} has {length} elements but {required} are needed.", name);
        }
    }

    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="expected"/>.</summary>
    public static void SameLength(int length, int expected, string name)
    {
        if (length != expected)
        {
            throw new ArgumentException($"{name} has {length} elements; expected {expected} to match the other inputs.", name);
        }
    }

    /// <summary>
    /// Throws when <paramref name="destination"/> overlaps <paramref name="source"/> other than by starting at the
    /// same element (exact in-place use is allowed; a shifted overlap would read already-written values).
    /// </summary>
    public static void NoPartialOverlap(ReadOnlySpan<float> source, ReadOnlySpan<float> destination, string name)
    {
        if (source.Overlaps(destination, out var offset) && offset != 0)
        {
            throw new ArgumentException($"{name} overlaps an input at a different offset; use the same span for in-place work or separate buffers.", name);
        }
    }
}
