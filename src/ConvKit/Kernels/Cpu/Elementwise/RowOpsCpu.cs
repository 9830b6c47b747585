using System.Numerics.Tensors;

namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>
/// Row-wise reductions and broadcasts on row-major (rows, cols) matrices, the small pieces around a matrix product
/// that squared Euclidean distances need (‖x − w‖² = ‖x‖² − 2 x·w + ‖w‖², LeNet-5's RBF output layer). Rows are
/// processed with <see cref="TensorPrimitives"/>; nothing here allocates.
/// </summary>
public static class RowOpsCpu
{
    /// <summary>norms[r] = Σ_j x[r, j]² (overwritten).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void SquaredNorms(ReadOnlySpan<float> x, int rows, int cols, Span<float> norms)
    {
        var count = Check(rows, cols);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(norms.Length, rows, nameof(norms));
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            norms[r] = TensorPrimitives.Dot(row, row);
        }
    }

    /// <summary>sums[r] = Σ_j x[r, j] (overwritten).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Sums(ReadOnlySpan<float> x, int rows, int cols, Span<float> sums)
    {
        var count = Check(rows, cols);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(sums.Length, rows, nameof(sums));
        for (var r = 0; r < rows; r++)
        {
            sums[r] = TensorPrimitives.Sum(x.Slice(r * cols, cols));
        }
    }

    /// <summary>y[r, j] = alpha · y[r, j] + beta · (rowTerm[r] + columnTerm[j]), in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void AddOuterSum(Span<float> y, int rows, int cols, float alpha, ReadOnlySpan<float> rowTerm, ReadOnlySpan<float> columnTerm, float beta)
    {
        var count = Check(rows, cols);
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.AtLeast(rowTerm.Length, rows, nameof(rowTerm));
        SpanChecks.AtLeast(columnTerm.Length, cols, nameof(columnTerm));
        var column = columnTerm[..cols];
        for (var r = 0; r < rows; r++)
        {
            var row = y.Slice(r * cols, cols);
            // alpha·y + beta·c, then + beta·rowTerm[r]
            TensorPrimitives.Multiply(row, alpha, row);
            TensorPrimitives.MultiplyAdd(column, beta, row, row);
            TensorPrimitives.Add(row, beta * rowTerm[r], row);
        }
    }

    /// <summary>y[r, j] = beta · y[r, j] + alpha · rowScale[r] · x[r, j], in place on y (x must not overlap y).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or x overlaps y.</exception>
    public static void AddRowScaled(ReadOnlySpan<float> x, int rows, int cols, ReadOnlySpan<float> rowScale, float alpha, Span<float> y, float beta)
    {
        var count = Check(rows, cols);
        SpanChecks.AtLeast(x.Length, count, nameof(x));
        SpanChecks.AtLeast(y.Length, count, nameof(y));
        SpanChecks.AtLeast(rowScale.Length, rows, nameof(rowScale));
        if (x[..count].Overlaps(y[..count]))
        {
            throw new ArgumentException("x overlaps y; AddRowScaled needs separate buffers.", nameof(y));
        }
        for (var r = 0; r < rows; r++)
        {
            var row = y.Slice(r * cols, cols);
            TensorPrimitives.Multiply(row, beta, row);
            TensorPrimitives.MultiplyAdd(x.Slice(r * cols, cols), alpha * rowScale[r], row, row);
        }
    }

    private static int Check(int rows, int cols)
    {
        SpanChecks.NonNegative(rows, nameof(rows));
        SpanChecks.NonNegative(cols, nameof(cols));
        return SpanChecks.Product(rows, cols, "rows x cols");
    }
}
