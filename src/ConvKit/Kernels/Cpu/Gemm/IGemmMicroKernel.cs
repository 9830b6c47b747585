namespace ConvKit.Kernels.Cpu.Gemm;

/// <summary>
/// A register-blocked SGEMM microkernel: computes one <see cref="Mr"/> x <see cref="Nr"/> tile of C from a packed
/// A micro-panel and a B micro-panel. Implementations are structs so that the generic driver
/// <see cref="GemmDriver{TKernel}"/> is specialised per kernel and the tile sizes become constants.
/// </summary>
internal interface IGemmMicroKernel
{
    /// <summary>Rows of the C tile (the A micro-panel height).</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of the C tile (the B micro-panel width); a multiple of the vector width.</summary>
    static abstract int Nr { get; }

    /// <summary>Whether the instructions this kernel needs are available on this machine.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// C[0..Mr, 0..Nr] = (accumulate ? C : 0) + (rowBias[i] + sum over p &lt; kc of a[p*Mr + i] * b[p*ldb + j]),
    /// with rowBias null meaning 0.
    /// <paramref name="a"/> is a packed micro-panel (Mr floats per step of k); <paramref name="b"/> holds Nr floats
    /// per step of k, <paramref name="ldb"/> floats apart; C rows are <paramref name="ldc"/> floats apart. Each element
    /// is one multiply-add chain over p in increasing order (starting from the bias), added to C (when accumulating)
    /// once at the end, so a given element gets the same bits whichever tile, thread or block of columns it is
    /// computed in.
    /// </summary>
    static abstract unsafe void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool accumulate, float* rowBias);

    /// <summary>
    /// The left half of <see cref="Run"/>: the same arithmetic for columns 0..Nr/2 only, which halves the work of
    /// narrow edge tiles (and of whole problems with few columns, such as a filter gradient with 9 taps).
    /// </summary>
    static abstract unsafe void RunHalf(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool accumulate, float* rowBias);
}
