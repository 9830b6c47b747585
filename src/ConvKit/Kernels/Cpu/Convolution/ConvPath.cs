namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>The ways <see cref="Conv2DCpu"/> can run a forward or backward-data convolution.</summary>
internal enum ConvPath
{
    /// <summary>Unfold each image with <see cref="Im2Col"/> and multiply with <see cref="Gemm.Sgemm"/>; any geometry.</summary>
    Im2Col,

    /// <summary><see cref="ShiftedConv"/>: im2col rows read in place from a zero-padded image.</summary>
    Shifted,

    /// <summary><see cref="WinogradConv"/>: F(2x2, 3x3) minimal filtering.</summary>
    Winograd,

    /// <summary>Whichever of the above is fastest for the geometry on this machine.</summary>
    Fastest,
}
