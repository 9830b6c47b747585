namespace ConvKit.Filters;

/// <summary>
/// The row loop of <see cref="Filter2D"/>: computes output rows [start, end) of all channels (row index
/// c · OH + oy) of a (C, H, W) image, keeping the last KH padded (or, for a separable kernel, horizontally
/// filtered) rows in a ring so that each is built once per worker. Pure function on spans; never allocates.
/// </summary>
internal static class FilterRows
{
    /// <summary>Floats of ring buffer one worker needs.</summary>
    public static int RingLength(in FilterGeometry g) => g.KernelHeight * g.PaddedWidth;

    /// <summary>Floats of row scratch one worker needs: a padded row and a stride-1 output row.</summary>
    public static int TempLength(in FilterGeometry g) => g.PaddedWidth + g.RowWidth;

    /// <summary>
    /// Computes output rows [<paramref name="start"/>, <paramref name="end"/>). <paramref name="weights"/> are the
    /// KH · KW correlation weights (already flipped for a convolution); when <paramref name="column"/> and
    /// <paramref name="row"/> are not empty the kernel runs as a horizontal pass with <paramref name="row"/> and a
    /// vertical pass with <paramref name="column"/> instead. <paramref name="tags"/> (KH) and
    /// <paramref name="offsets"/> (KH + 1) are scratch.
    /// </summary>
    public static void Compute(
        ReadOnlySpan<float> source,
        in FilterGeometry g,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<float> column,
        ReadOnlySpan<float> row,
        BorderMode border,
        float borderValue,
        int start,
        int end,
        Span<float> ring,
        Span<float> temp,
        Span<long> tags,
        Span<int> offsets,
        Span<float> destination)
    {
        var kh = g.KernelHeight;
        var separable = !column.IsEmpty;
        var plane = g.Height * g.Width;
        var slotWidth = separable ? g.RowWidth : g.PaddedWidth;
        var padded = temp[..g.PaddedWidth];
        var stride1Row = temp.Slice(g.PaddedWidth, g.RowWidth);
        tags[..kh].Fill(-1);
        offsets[kh] = 0;
        for (var index = start; index < end; index++)
        {
            var c = index / g.OutputHeight;
            var oy = index - c * g.OutputHeight;
            var image = source.Slice(c * plane, plane);
            for (var ky = 0; ky < kh; ky++)
            {
                var r = oy * g.StrideY + ky;
                var slot = r % kh;
                var tag = ((long)c << 32) | (uint)r;
                var slotSpan = ring.Slice(slot * slotWidth, slotWidth);
                if (tags[slot] != tag)
                {
                    var m = BorderIndex.Map(r - g.PadTop, g.Height, border);
                    var target = separable ? padded : slotSpan;
                    if (m < 0)
                    {
                        target.Fill(borderValue);
                    }
                    else
                    {
                        FilterRowKernels.PadRow(image.Slice(m * g.Width, g.Width), g.PadLeft, border, borderValue, target);
                    }
                    if (separable)
                    {
                        FilterRowKernels.CorrelateRows(padded, offsets.Slice(kh, 1), row, row.Length, slotSpan);
                    }
                    tags[slot] = tag;
                }
                offsets[ky] = slot * slotWidth;
            }
            var outRow = destination.Slice(index * g.OutputWidth, g.OutputWidth);
            var target1 = g.StrideX == 1 ? outRow : stride1Row;
            if (separable)
            {
                FilterRowKernels.CorrelateRows(ring, offsets[..kh], column, 1, target1);
            }
            else
            {
                FilterRowKernels.CorrelateRows(ring, offsets[..kh], weights, g.KernelWidth, target1);
            }
            if (g.StrideX != 1)
            {
                for (var ox = 0; ox < outRow.Length; ox++)
                {
                    outRow[ox] = stride1Row[ox * g.StrideX];
                }
            }
        }
    }
}
