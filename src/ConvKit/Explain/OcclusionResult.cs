namespace ConvKit.Explain;

/// <summary>What <see cref="Occlusion"/> measured.</summary>
public sealed class OcclusionResult
{
    internal OcclusionResult(ImageBatch maps, ImageBatch patchDrops, int[] classes, float[] probabilities, int[] rows, int[] columns)
    {
        Maps = maps;
        PatchDrops = patchDrops;
        Classes = classes;
        Probabilities = probabilities;
        PatchRows = rows;
        PatchColumns = columns;
    }

    /// <summary>
    /// The sensitivity per pixel (N, 1, H, W): the mean, over the patches that cover the pixel, of the drop in the
    /// class probability p(x) − p(x with the patch occluded). Positive where hiding the pixel hurts the class.
    /// </summary>
    public ImageBatch Maps { get; }

    /// <summary>The drop for each patch position (N, 1, rows, columns), patch (i, j) at top-left (<see cref="PatchRows"/>[i], <see cref="PatchColumns"/>[j]).</summary>
    public ImageBatch PatchDrops { get; }

    /// <summary>The class explained for each image.</summary>
    public int[] Classes { get; }

    /// <summary>The probability of that class for each unoccluded image.</summary>
    public float[] Probabilities { get; }

    /// <summary>Top row of each patch row.</summary>
    public int[] PatchRows { get; }

    /// <summary>Left column of each patch column.</summary>
    public int[] PatchColumns { get; }
}
