namespace ConvKit.Kernels.Cpu.Elementwise;

/// <summary>Naive scalar twins of <see cref="RowOpsCpu"/>: two nested loops per operation, sums in double.</summary>
public static class RowOpsReference
{
    /// <summary>See <see cref="RowOpsCpu.SquaredNorms"/>.</summary>
    public static void SquaredNorms(ReadOnlySpan<float> x, int rows, int cols, Span<float> norms)
    {
        for (var r = 0; r < rows; r++)
        {
            var sum = 0.0;
            for (var j = 0; j < cols; j++)
            {
                sum += (double)x[r * cols + j] * x[r * cols + j];
            }
            norms[r] = (float)sum;
        }
    }

    /// <summary>See <see cref="RowOpsCpu.Sums"/>.</summary>
    public static void Sums(ReadOnlySpan<float> x, int rows, int cols, Span<float> sums)
    {
        for (var r = 0; r < rows; r++)
        {
            var sum = 0.0;
            for (var j = 0; j < cols; j++)
            {
                sum += x[r * cols + j];
            }
            sums[r] = (float)sum;
        }
    }

    /// <summary>See <see cref="RowOpsCpu.AddOuterSum"/>.</summary>
    public static void AddOuterSum(Span<float> y, int rows, int cols, float alpha, ReadOnlySpan<float> rowTerm, ReadOnlySpan<float> columnTerm, float beta)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < cols; j++)
            {
                y[r * cols + j] = (float)(alpha * (double)y[r * cols + j] + beta * ((double)rowTerm[r] + columnTerm[j]));
            }
        }
    }

    /// <summary>See <see cref="RowOpsCpu.AddRowScaled"/>.</summary>
    public static void AddRowScaled(ReadOnlySpan<float> x, int rows, int cols, ReadOnlySpan<float> rowScale, float alpha, Span<float> y, float beta)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < cols; j++)
            {
                y[r * cols + j] = (float)(beta * (double)y[r * cols + j] + alpha * (double)rowScale[r] * x[r * cols + j]);
            }
        }
    }
}
