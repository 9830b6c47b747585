namespace ConvKit.Filters;

/// <summary>
/// An immutable 2-D filter kernel of <see cref="Height"/> × <see cref="Width"/> float weights, row-major, with
/// its anchor at row <c>Height / 2</c>, column <c>Width / 2</c> (the centre for odd sizes, as in OpenCV).
/// A separable kernel also keeps its two 1-D factors, <c>K[i, j] = Column[i] · Row[j]</c>, so that filters run
/// it as two 1-D passes (KH + KW instead of KH · KW multiplications per pixel).
/// </summary>
/// <example>
/// <code>
/// var k = new Kernel2D("diagonal", 3, 3, [1, 0, 1, 0, 1, 0, 1, 0, 1]);
/// var sobel = Kernel2D.Separable("sobel-x", column: [1, 2, 1], row: [-1, 0, 1]);
/// </code>
/// </example>
public sealed class Kernel2D
{
    private readonly float[] _weights;
    private readonly float[]? _column;
    private readonly float[]? _row;

    /// <summary>Creates a kernel from <paramref name="weights"/> (copied), row-major, <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <exception cref="ConvKitException">A size is below 1, the weight count is not height × width, or a weight is not finite.</exception>
    public Kernel2D(string name, int height, int width, ReadOnlySpan<float> weights)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (height < 1 || width < 1)
        {
            throw new ConvKitException($"Kernel '{name}' must be at least 1x1, got {height}x{width}.");
        }
        if (weights.Length != height * width)
        {
            throw new ConvKitException($"Kernel '{name}' of {height}x{width} needs {height * width} weights, got {weights.Length}.");
        }
        CheckFinite(name, weights);
        Name = name;
        Height = height;
        Width = width;
        _weights = weights.ToArray();
    }

    private Kernel2D(string name, float[] column, float[] row, float[] weights)
    {
        Name = name;
        Height = column.Length;
        Width = row.Length;
        _column = column;
        _row = row;
        _weights = weights;
    }

    /// <summary>
    /// Creates the separable kernel <c>K[i, j] = column[i] · row[j]</c> (an outer product; both factors are copied).
    /// </summary>
    /// <exception cref="ConvKitException">A factor is empty or holds a non-finite weight.</exception>
    public static Kernel2D Separable(string name, ReadOnlySpan<float> column, ReadOnlySpan<float> row)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (column.IsEmpty || row.IsEmpty)
        {
            throw new ConvKitException($"Kernel '{name}' needs non-empty factors, got {column.Length} and {row.Length} weights.");
        }
        CheckFinite(name, column);
        CheckFinite(name, row);
        var weights = new float[column.Length * row.Length];
        for (var i = 0; i < column.Length; i++)
        {
            for (var j = 0; j < row.Length; j++)
            {
                weights[i * row.Length + j] = column[i] * row[j];
            }
        }
        return new Kernel2D(name, column.ToArray(), row.ToArray(), weights);
    }

    /// <summary>A short name such as <c>sobel-x</c> or <c>gaussian-5x5-s1.2</c>.</summary>
    public string Name { get; }

    /// <summary>Number of rows, KH.</summary>
    public int Height { get; }

    /// <summary>Number of columns, KW.</summary>
    public int Width { get; }

    /// <summary>The anchor row, <c>Height / 2</c>: the kernel row placed on the output pixel in same mode.</summary>
    public int AnchorY => Height / 2;

    /// <summary>The anchor column, <c>Width / 2</c>.</summary>
    public int AnchorX => Width / 2;

    /// <summary>The weights, row-major (KH · KW).</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The weight in row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int y, int x] => _weights[y * Width + x];

    /// <summary>Whether the kernel carries its 1-D factors (<see cref="ColumnFactor"/>, <see cref="RowFactor"/>).</summary>
    public bool IsSeparable => _column is not null;

    /// <summary>The vertical factor (KH weights), or empty when the kernel is not separable.</summary>
    public ReadOnlySpan<float> ColumnFactor => _column;

    /// <summary>The horizontal factor (KW weights), or empty when the kernel is not separable.</summary>
    public ReadOnlySpan<float> RowFactor => _row;

    /// <summary>The sum of the weights (1 for a blur, 0 for an edge detector), accumulated in double.</summary>
    public double Sum
    {
        get
        {
            var s = 0.0;
            foreach (var w in _weights)
            {
                s += w;
            }
            return s;
        }
    }

    /// <summary>
    /// The kernel turned by 180 degrees, <c>K′[i, j] = K[KH − 1 − i, KW − 1 − j]</c>: correlating with it is
    /// convolving with this kernel. Separable factors are reversed too.
    /// </summary>
    public Kernel2D Flipped()
    {
        if (_column is not null && _row is not null)
        {
            return new Kernel2D(Name + "-flipped", Reversed(_column), Reversed(_row), Reversed(_weights));
        }
        return new Kernel2D(Name + "-flipped", Height, Width, Reversed(_weights));
    }

    /// <summary>This kernel without its separable factors (filters then take the direct 2-D path).</summary>
    public Kernel2D AsNonSeparable() => new(Name, Height, Width, _weights);

    /// <summary>A copy of the weights.</summary>
    public float[] ToArray() => (float[])_weights.Clone();

    /// <summary>The weights as rows of numbers, e.g. <c>[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]</c>.</summary>
    public override string ToString()
    {
        var rows = new string[Height];
        for (var i = 0; i < Height; i++)
        {
            var cells = new string[Width];
            for (var j = 0; j < Width; j++)
            {
                cells[j] = this[i, j].ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
            }
            rows[i] = "[" + string.Join(", ", cells) + "]";
        }
        return $"{Name} {Height}x{Width} [" + string.Join(", ", rows) + "]";
    }

    private static float[] Reversed(float[] values)
    {
        var copy = (float[])values.Clone();
        Array.Reverse(copy);
        return copy;
    }

    private static void CheckFinite(string name, ReadOnlySpan<float> weights)
    {
        foreach (var w in weights)
        {
            if (!float.IsFinite(w))
            {
                throw new ConvKitException($"Kernel '{name}' has a non-finite weight ({w}).");
            }
        }
    }
}
