using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using ConvKit.Kernels.Cpu.Gemm;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>
/// 2-D convolution on the CPU lowered to <see cref="Sgemm"/> through <see cref="Im2Col"/> / <see cref="Col2Im"/>,
/// NCHW. For image n and group g, with columns = im2col(input[n], group g) of shape (CRS, PQ) where
/// CRS = (C / G) * KH * KW and PQ = OH * OW:
/// <code>
/// Forward        output[n, g]   (K/G x PQ)  = weight[g] (K/G x CRS) * columns (CRS x PQ) + bias
/// BackwardData   dInput[n, g]               = col2im( weight[g]^T (CRS x K/G) * dOutput[n, g] (K/G x PQ) )
/// BackwardFilter dWeight[g]     (K/G x CRS) += dOutput[n, g] (K/G x PQ) * columns^T (PQ x CRS)
/// </code>
/// 1x1 convolutions with stride 1 and no padding skip im2col: the input planes already are the columns. On AVX-512,
/// Forward and BackwardData of stride-1, ungrouped convolutions of small images skip it too: <see cref="ShiftedConv"/>
/// reads the im2col rows in place from a zero-padded copy of each image.
/// </summary>
/// <remarks>
/// Forward and BackwardData share the batch between threads, each thread with its own columns in the workspace;
/// with fewer images than threads the images run one after another with multi-threaded GEMMs instead.
/// BackwardFilter cuts a batch of two or more images into up to <see cref="MaxFilterPartitions"/> runs, each summed
/// by one thread into its own partial dWeight with whole-size GEMMs, then adds the partials in run order; a single
/// image (or partials too large) shares dWeight itself between threads by taps or by filters instead. Either way the
/// cut depends only on the geometry and the batch, so the bits do not depend on the thread count. dBias is shared by
/// filters, each summed over the batch in image order. None of the calls allocates; a call uses as many
/// threads as <see cref="CpuThreads.Count"/>, <c>maxThreads</c>, the work and the workspace allow.
/// </remarks>
public static class Conv2DCpu
{
    [ThreadStatic]
    private static ForwardWork? t_forward;

    [ThreadStatic]
    private static BackwardDataWork? t_backwardData;

    [ThreadStatic]
    private static BackwardFilterWork? t_backwardFilter;

    [ThreadStatic]
    private static BackwardFilterImagesWork? t_backwardFilterImages;

    [ThreadStatic]
    private static ShiftedWork? t_shifted;

    [ThreadStatic]
    private static WinogradWork? t_winograd;

    [ThreadStatic]
    private static WinogradFilterWork? t_winogradFilter;

    [ThreadStatic]
    private static ShiftedFilterWork? t_shiftedFilter;

    /// <summary>
    /// Floats of workspace <see cref="Forward"/> needs to run on up to <paramref name="threads"/> threads:
    /// one (CRS x OH*OW) column matrix per thread that has an image to work on, or 0 for pointwise convolutions; on the
    /// Winograd or shifted-rows paths, the transformed or packed weights plus each thread's scratch.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid geometry.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative batch or threads &lt; 1.</exception>
    public static int ForwardWorkspaceSize(in Conv2DGeometry g, int batch, int threads) =>
        WorkspaceSize(g, batch, threads, ConvPath.Fastest, backwardData: false);

    /// <summary>
    /// Floats of workspace <see cref="BackwardData"/> needs: as <see cref="ForwardWorkspaceSize"/>, for the transposed
    /// geometry when backward data runs as a Winograd or shifted-rows convolution.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid geometry.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative batch or threads &lt; 1.</exception>
    public static int BackwardDataWorkspaceSize(in Conv2DGeometry g, int batch, int threads) =>
        WorkspaceSize(g, batch, threads, ConvPath.Fastest, backwardData: true);

    /// <summary>Floats of workspace forward or backward data needs on the path <see cref="Choose"/> picks for <paramref name="allowed"/>.</summary>
    internal static int WorkspaceSize(in Conv2DGeometry g, int batch, int threads, ConvPath allowed, bool backwardData)
    {
        g.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var run = backwardData ? ShiftedConv.Transposed(g) : g;
        return Choose(g, allowed, backwardData) switch
        {
            ConvPath.Winograd => checked(WinogradConv.PackedLength(run) + WinogradConv.ThreadLength(run) * Math.Max(1, Math.Min(WinogradConv.MostUnits(run, WinogradConv.Blocks(run, batch)), threads))),
            ConvPath.Shifted => checked(ShiftedConv.PackedLength(run) + ShiftedConv.ThreadLength(run) * Math.Max(1, Math.Min(batch, threads))),
            _ => checked(ColumnsPerThread(g) * Math.Min(batch, threads)),
        };
    }

    /// <summary>
    /// The path forward (or backward data) of <paramref name="g"/> runs on: <paramref name="allowed"/> where it suits the
    /// geometry and the machine, else im2col; <see cref="ConvPath.Fastest"/> takes Winograd, then shifted rows (which
    /// still take layers with too few channels or filters for Winograd, such as a first layer), then im2col:
    /// seed-mnist's 16 -> 32 layer, 32 images, 1 thread, runs forward in 0.44 ms on Winograd against 0.46 on shifted
    /// rows, and backward data in 0.45 against 0.52.
    /// Backward data runs the transposed geometry, so both it and the forward geometry must suit.
    /// </summary>
    internal static ConvPath Choose(in Conv2DGeometry g, ConvPath allowed, bool backwardData)
    {
        var t = ShiftedConv.Transposed(g);
        var winograd = WinogradConv.Suits(g) && (!backwardData || WinogradConv.Suits(t));
        var shifted = ShiftedConv.Suits(g) && (!backwardData || ShiftedConv.Suits(t));
        return allowed switch
        {
            ConvPath.Winograd when winograd => ConvPath.Winograd,
            ConvPath.Shifted when shifted => ConvPath.Shifted,
            ConvPath.Fastest when winograd => ConvPath.Winograd,
            ConvPath.Fastest when shifted => ConvPath.Shifted,
            _ => ConvPath.Im2Col,
        };
    }

    /// <summary>
    /// Floats of workspace <see cref="BackwardFilter"/> needs to run on up to <paramref name="threads"/> threads:
    /// one (CRS x OH*OW) column matrix per thread, or 0 for pointwise convolutions or an empty batch.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid geometry.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative batch or threads &lt; 1.</exception>
    public static int BackwardFilterWorkspaceSize(in Conv2DGeometry g, int batch, int threads) =>
        FilterWorkspaceSize(g, batch, threads, ConvPath.Fastest);

    /// <summary>Floats of workspace the filter gradient needs on the path <see cref="ChooseFilter"/> picks for <paramref name="allowed"/>.</summary>
    internal static int FilterWorkspaceSize(in Conv2DGeometry g, int batch, int threads, ConvPath allowed)
    {
        g.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (batch == 0)
        {
            return 0;
        }
        switch (ChooseFilter(g, allowed))
        {
            case ConvPath.Winograd:
                var parts = WinogradFilterPartitions(g, batch);
                return checked(parts * g.WeightSize + WinogradConv.FilterThreadLength(g) * Math.Min(threads, parts));
            case ConvPath.Shifted:
                var share = ShiftedFilterThreads(g, threads);
                return checked(ShiftedFilterScratch(g, share) * share);
        }
        var partitions = FilterPartitions(g, batch);
        return partitions == 0
            ? checked(ColumnsPerThread(g) * threads)
            : checked(partitions * g.WeightSize + ColumnsPerThread(g) * Math.Min(threads, partitions));
    }

    /// <summary>
    /// The path the filter gradient of <paramref name="g"/> runs on: Winograd where <paramref name="allowed"/> lets it,
    /// it suits the geometry and the machine (<see cref="WinogradConv.FilterSuits"/>) and its partial gradients and
    /// each thread's scratch stay within 4 MiB each, as the im2col path's partials do; else im2col.
    /// </summary>
    internal static ConvPath ChooseFilter(in Conv2DGeometry g, ConvPath allowed)
    {
        if (allowed is ConvPath.Winograd or ConvPath.Fastest && (long)MaxFilterPartitions * g.WeightSize <= 1 << 20
            && WinogradConv.FilterSuits(g) && WinogradConv.FilterThreadLength(g) <= 1 << 20)
        {
            return ConvPath.Winograd;
        }
        // Shifted rows keep no partial gradients; FilterSuits bounds their lane sums to 1 MiB.
        return allowed is ConvPath.Shifted or ConvPath.Fastest && ShiftedConv.FilterSuits(g) ? ConvPath.Shifted : ConvPath.Im2Col;
    }

    /// <summary>Threads the shifted-rows filter gradient shares its steps between: at most one per step.</summary>
    private static int ShiftedFilterThreads(in Conv2DGeometry g, int threads) => Math.Max(1, Math.Min(threads, ShiftedConv.FilterCellCount(g)));

    /// <summary>Floats of scratch each of <paramref name="threads"/> threads needs for its share of the shifted-rows filter gradient's steps.</summary>
    private static int ShiftedFilterScratch(in Conv2DGeometry g, int threads) =>
        ShiftedConv.FilterThreadLength(g, (ShiftedConv.FilterCellCount(g) + threads - 1) / threads);

    /// <summary>Partial filter gradients on the Winograd path: runs of whole blocks of 48 tiles, at most <see cref="MaxFilterPartitions"/>.</summary>
    private static int WinogradFilterPartitions(in Conv2DGeometry g, int batch) => Math.Min(WinogradConv.Blocks(g, batch), MaxFilterPartitions);

    /// <summary>At most this many partial filter gradients, so a batch is shared by up to this many threads.</summary>
    internal const int MaxFilterPartitions = 16;

    /// <summary>
    /// How many parts <see cref="BackwardFilter"/> cuts the batch into, each summed into its own partial dWeight, or 0
    /// to share dWeight itself between threads instead. Depends on the geometry and the batch only, never on the thread
    /// count, so the bits do not either: 0 for a single image or when the partials would take more than 4 MiB.
    /// </summary>
    internal static int FilterPartitions(in Conv2DGeometry g, int batch)
    {
        var partitions = Math.Min(batch, MaxFilterPartitions);
        return partitions < 2 || (long)partitions * g.WeightSize > 1 << 20 ? 0 : partitions;
    }

    /// <summary>
    /// output[n, k, oh, ow] = bias[k] + sum over c in k's group, kh, kw of
    /// input[n, c, oh * SH - PT + kh * DH, ow * SW - PL + kw * DW] * weight[k, c - groupStart, kh, kw].
    /// input (N, C, H, W), weight (K, C / G, KH, KW), bias (K) or empty -> output (N, K, OH, OW), overwritten.
    /// </summary>
    /// <param name="input">Images, (batch, C, H, W).</param>
    /// <param name="weight">Filters, (K, C / G, KH, KW).</param>
    /// <param name="bias">One value per filter, or empty for none.</param>
    /// <param name="batch">Number of images N.</param>
    /// <param name="g">The convolution geometry.</param>
    /// <param name="output">Result, (batch, K, OH, OW); overwritten.</param>
    /// <param name="workspace">Scratch of at least <see cref="ForwardWorkspaceSize"/>(g, batch, 1) floats; more allows more threads.</param>
    /// <param name="maxThreads">Upper bound on threads.</param>
    /// <param name="relu">
    /// Apply ReLU, max(0, y), to each image's output right after its GEMM, while it is still in cache: the same bits
    /// as a separate <see cref="Activations.ActivationsCpu.Relu"/> pass over the whole output, without that pass's
    /// trip through memory.
    /// </param>
    /// <exception cref="ArgumentException">Invalid geometry, or a span too short for its tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative batch or maxThreads &lt; 1.</exception>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch,
        in Conv2DGeometry g, Span<float> output, Span<float> workspace, int maxThreads = int.MaxValue, bool relu = false) =>
        ForwardCore(input, weight, bias, batch, g, output, workspace, maxThreads, relu, ConvPath.Fastest);

    /// <summary>
    /// Floats of the weight cache <see cref="ForwardWithWeightCache"/>
    /// keeps for <paramref name="g"/>: the transformed weights and a copy of the weights they came from on the Winograd
    /// path, 0 on the others (which need none).
    /// </summary>
    /// <exception cref="ArgumentException">Invalid geometry.</exception>
    public static int WeightCacheSize(in Conv2DGeometry g)
    {
        g.Validate();
        return Choose(g, ConvPath.Fastest, backwardData: false) == ConvPath.Winograd ? checked(WinogradConv.PackedLength(g) + g.WeightSize) : 0;
    }

    /// <summary>
    /// <see cref="Forward"/> with a cache of transformed weights that a caller keeps between calls (<see cref="WeightCacheSize"/> floats,
    /// zeroed or from an earlier call for the same geometry): the transform is redone only when the weights differ, bit
    /// for bit, from those it was made from, so inference with fixed weights skips it. The same bits as without.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid geometry, or a span too short for its tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative batch or maxThreads &lt; 1.</exception>
    public static void ForwardWithWeightCache(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch,
        in Conv2DGeometry g, Span<float> output, Span<float> workspace, Span<float> weightCache, int maxThreads = int.MaxValue, bool relu = false)
    {
        var size = WeightCacheSize(g);
        if (size == 0 || weightCache.Length < size || batch == 0)
        {
            ForwardCore(input, weight, bias, batch, g, output, workspace, maxThreads, relu, ConvPath.Fastest);
            return;
        }
        CheckTensors(g, batch, input.Length, nameof(input), weight.Length, nameof(weight), bias.Length, nameof(bias), output.Length, nameof(output));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        var packed = WinogradConv.PackedLength(g);
        var transformed = weightCache[..packed];
        var source = weightCache.Slice(packed, g.WeightSize);
        var weights = weight[..g.WeightSize];
        if (!MemoryMarshal.Cast<float, int>(source).SequenceEqual(MemoryMarshal.Cast<float, int>(weights)))
        {
            WinogradConv.TransformWeights(weights, g, transposeFlip: false, transformed);
            weights.CopyTo(source);
        }
        if (workspace.Length < WinogradConv.ThreadLength(g))
        {
            throw new ArgumentException($"workspace holds {workspace.Length} floats, Forward needs at least {WinogradConv.ThreadLength(g)} with a weight cache.", nameof(workspace));
        }
        RunWinograd(input, bias, batch, g, output, transformed, workspace, maxThreads, relu);
    }

    /// <summary><see cref="Forward"/> on the path <see cref="Choose"/> picks for <paramref name="allowed"/>.</summary>
    internal static unsafe void ForwardCore(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch,
        in Conv2DGeometry g, Span<float> output, Span<float> workspace, int maxThreads, bool relu, ConvPath allowed)
    {
        CheckTensors(g, batch, input.Length, nameof(input), weight.Length, nameof(weight), bias.Length, nameof(bias), output.Length, nameof(output));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        var path = batch > 0 ? Choose(g, allowed, backwardData: false) : ConvPath.Im2Col;
        if (path != ConvPath.Im2Col && workspace.Length >= WorkspaceSize(g, 1, 1, path, backwardData: false))
        {
            if (path == ConvPath.Winograd)
            {
                var packed = WinogradConv.PackedLength(g);
                WinogradConv.TransformWeights(weight, g, transposeFlip: false, workspace[..packed]);
                RunWinograd(input, bias, batch, g, output, workspace[..packed], workspace[packed..], maxThreads, relu);
            }
            else
            {
                ShiftedConv.PackWeights(weight, g, transposeFlip: false, workspace[..ShiftedConv.PackedLength(g)]);
                RunShifted(input, g.InputSize, bias, batch, g, output, g.OutputSize, workspace, maxThreads, relu);
            }
            return;
        }
        var threads = BatchThreads(g, batch, workspace.Length, maxThreads);
        if (batch == 0)
        {
            return;
        }
        var columns = ColumnsPerThread(g);
        if (threads == 1)
        {
            for (var n = 0; n < batch; n++)
            {
                ForwardImage(input.Slice(n * g.InputSize, g.InputSize), weight, bias, g,
                    output.Slice(n * g.OutputSize, g.OutputSize), workspace[..columns], maxThreads, relu);
            }
            return;
        }
        // Safe: the spans stay pinned until CpuThreads.Run returns, after every worker has finished, and the
        // work item only forms spans inside the lengths checked above.
        fixed (float* pi = input, pw = weight, pb = bias, po = output, ps = workspace)
        {
            var work = t_forward ??= new ForwardWork();
            work.Set(g, batch, pi, pw, pb, bias.Length, po, ps, columns, relu);
            CpuThreads.Run(work, threads);
        }
    }

    /// <summary>
    /// dInput[n, c, ih, iw] = sum over the filters k of c's group and the taps (kh, kw) whose window at (oh, ow)
    /// reads (ih, iw) of dOutput[n, k, oh, ow] * weight[k, c - groupStart, kh, kw].
    /// dOutput (N, K, OH, OW), weight (K, C / G, KH, KW) -> dInput (N, C, H, W), overwritten.
    /// </summary>
    /// <param name="dOutput">Gradient of the loss with respect to the output, (batch, K, OH, OW).</param>
    /// <param name="weight">Filters, (K, C / G, KH, KW).</param>
    /// <param name="batch">Number of images N.</param>
    /// <param name="g">The convolution geometry.</param>
    /// <param name="dInput">Gradient with respect to the input, (batch, C, H, W); overwritten.</param>
    /// <param name="workspace">Scratch of at least <see cref="BackwardDataWorkspaceSize"/>(g, batch, 1) floats.</param>
    /// <param name="maxThreads">Upper bound on threads.</param>
    /// <param name="reluInput">
    /// Empty, or the input (batch, C, H, W) when it came out of a ReLU: dInput is then kept only where that input is
    /// above 0, which makes it the gradient before the ReLU, the same bits as
    /// <see cref="Activations.ActivationsCpu.ReluBackward"/> applied afterwards (on the Winograd path in the same pass).
    /// </param>
    /// <exception cref="ArgumentException">Invalid geometry, or a span too short for its tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative batch or maxThreads &lt; 1.</exception>
    public static void BackwardData(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int batch, in Conv2DGeometry g,
        Span<float> dInput, Span<float> workspace, int maxThreads = int.MaxValue, ReadOnlySpan<float> reluInput = default) =>
        BackwardDataCore(dOutput, weight, batch, g, dInput, workspace, maxThreads, ConvPath.Fastest, reluInput);

    /// <summary><see cref="BackwardData"/> on the path <see cref="Choose"/> picks for <paramref name="allowed"/>.</summary>
    internal static void BackwardDataCore(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int batch, in Conv2DGeometry g,
        Span<float> dInput, Span<float> workspace, int maxThreads, ConvPath allowed, ReadOnlySpan<float> reluInput = default)
    {
        CheckTensors(g, batch, dInput.Length, nameof(dInput), weight.Length, nameof(weight), 0, "bias", dOutput.Length, nameof(dOutput));
        if (!reluInput.IsEmpty && (long)reluInput.Length < (long)batch * g.InputSize)
        {
            throw new ArgumentException($"reluInput holds {reluInput.Length} floats, the input needs {(long)batch * g.InputSize}.", nameof(reluInput));
        }
        if (BackwardDataUnmasked(dOutput, weight, batch, g, dInput, workspace, maxThreads, allowed, reluInput) && !reluInput.IsEmpty)
        {
            var n = batch * g.InputSize;
            Activations.ActivationsCpu.ReluBackward(reluInput[..n], dInput[..n], dInput[..n]);
        }
    }

    /// <summary>
    /// The body of <see cref="BackwardDataCore"/>: true when it still has to apply <paramref name="reluInput"/>, false when
    /// the path took it in its own pass (Winograd) or there is none.
    /// </summary>
    private static unsafe bool BackwardDataUnmasked(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int batch, in Conv2DGeometry g,
        Span<float> dInput, Span<float> workspace, int maxThreads, ConvPath allowed, ReadOnlySpan<float> reluInput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        var t = ShiftedConv.Transposed(g);
        var path = batch > 0 ? Choose(g, allowed, backwardData: true) : ConvPath.Im2Col;
        if (path != ConvPath.Im2Col && workspace.Length >= WorkspaceSize(g, 1, 1, path, backwardData: true))
        {
            if (path == ConvPath.Winograd)
            {
                var packed = WinogradConv.PackedLength(t);
                WinogradConv.TransformWeights(weight, g, transposeFlip: true, workspace[..packed]);
                RunWinograd(dOutput, [], batch, t, dInput, workspace[..packed], workspace[packed..], maxThreads, relu: false, reluInput);
                return false;
            }
            ShiftedConv.PackWeights(weight, g, transposeFlip: true, workspace[..ShiftedConv.PackedLength(t)]);
            RunShifted(dOutput, g.OutputSize, [], batch, t, dInput, g.InputSize, workspace, maxThreads, relu: false);
            return true;
        }
        var threads = BatchThreads(g, batch, workspace.Length, maxThreads);
        if (batch == 0)
        {
            return false;
        }
        var columns = ColumnsPerThread(g);
        if (threads == 1)
        {
            for (var n = 0; n < batch; n++)
            {
                BackwardDataImage(dOutput.Slice(n * g.OutputSize, g.OutputSize), weight, g,
                    dInput.Slice(n * g.InputSize, g.InputSize), workspace[..columns], maxThreads);
            }
            return true;
        }
        // Safe: as in Forward.
        fixed (float* pd = dOutput, pw = weight, px = dInput, ps = workspace)
        {
            var work = t_backwardData ??= new BackwardDataWork();
            work.Set(g, batch, pd, pw, px, ps, columns);
            CpuThreads.Run(work, threads);
        }
        return true;
    }

    /// <summary>
    /// dWeight[k, c, kh, kw] += sum over n, oh, ow of dOutput[n, k, oh, ow] * input[n, groupStart + c, oh * SH - PT + kh * DH, ow * SW - PL + kw * DW]
    /// and dBias[k] += sum over n, oh, ow of dOutput[n, k, oh, ow].
    /// input (N, C, H, W), dOutput (N, K, OH, OW) -> dWeight (K, C / G, KH, KW) and dBias (K) or empty, both accumulated.
    /// </summary>
    /// <param name="input">Images, (batch, C, H, W).</param>
    /// <param name="dOutput">Gradient with respect to the output, (batch, K, OH, OW).</param>
    /// <param name="batch">Number of images N.</param>
    /// <param name="g">The convolution geometry.</param>
    /// <param name="dWeight">Filter gradient, (K, C / G, KH, KW); added to.</param>
    /// <param name="dBias">Bias gradient, (K), added to; or empty.</param>
    /// <param name="workspace">Scratch of at least <see cref="BackwardFilterWorkspaceSize"/>(g, batch, 1) floats; more allows more threads.</param>
    /// <param name="maxThreads">Upper bound on threads.</param>
    /// <exception cref="ArgumentException">Invalid geometry, or a span too short for its tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative batch or maxThreads &lt; 1.</exception>
    public static void BackwardFilter(ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, int batch, in Conv2DGeometry g,
        Span<float> dWeight, Span<float> dBias, Span<float> workspace, int maxThreads = int.MaxValue) =>
        BackwardFilterCore(input, dOutput, batch, g, dWeight, dBias, workspace, maxThreads, ConvPath.Fastest);

    /// <summary><see cref="BackwardFilter"/> on the path <see cref="ChooseFilter"/> picks for <paramref name="allowed"/>.</summary>
    internal static unsafe void BackwardFilterCore(ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, int batch, in Conv2DGeometry g,
        Span<float> dWeight, Span<float> dBias, Span<float> workspace, int maxThreads, ConvPath allowed)
    {
        CheckTensors(g, batch, input.Length, nameof(input), dWeight.Length, nameof(dWeight), dBias.Length, nameof(dBias), dOutput.Length, nameof(dOutput));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (batch == 0)
        {
            return;
        }
        var path = ChooseFilter(g, allowed);
        if (path != ConvPath.Im2Col && workspace.Length >= FilterWorkspaceSize(g, batch, 1, path))
        {
            if (path == ConvPath.Winograd)
            {
                BackwardFilterWinograd(input, dOutput, batch, g, dWeight, dBias, workspace, maxThreads);
            }
            else
            {
                BackwardFilterShifted(input, dOutput, batch, g, dWeight, dBias, workspace, maxThreads);
            }
            return;
        }
        var columns = ColumnsPerThread(g);
        var partitions = FilterPartitions(g, batch);
        if (partitions > 0)
        {
            BackwardFilterByImages(input, dOutput, batch, g, dWeight, dBias, workspace, maxThreads, partitions, columns);
            return;
        }
        var threads = Math.Min(CpuThreads.Count, maxThreads);
        threads = Math.Min(threads, Math.Max(g.Groups * g.ColumnRows, g.Filters));
        if (columns > 0)
        {
            threads = Math.Min(threads, workspace.Length / columns);
            if (threads < 1)
            {
                throw new ArgumentException($"workspace holds {workspace.Length} floats, BackwardFilter needs at least {columns}.", nameof(workspace));
            }
        }
        // Safe: as in Forward; each worker writes only its own columns of dWeight, its own filters of dBias
        // and its own slice of the workspace.
        fixed (float* pi = input, pd = dOutput, pw = dWeight, pb = dBias, ps = workspace)
        {
            var work = t_backwardFilter ??= new BackwardFilterWork();
            work.Set(g, batch, pi, pd, pw, pb, dBias.Length, ps, columns);
            CpuThreads.Run(work, threads);
        }
    }

    /// <summary>
    /// BackwardFilter with the batch cut into <paramref name="partitions"/> runs of images: each run's gradient is summed
    /// in image order into its own partial dWeight by one thread, with whole-size GEMMs, then the partials are added to
    /// dWeight in run order. Threads only decide who computes a run, so the bits do not depend on them.
    /// </summary>
    private static unsafe void BackwardFilterByImages(ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, int batch, in Conv2DGeometry g,
        Span<float> dWeight, Span<float> dBias, Span<float> workspace, int maxThreads, int partitions, int columns)
    {
        var partials = partitions * g.WeightSize;
        var threads = Math.Min(Math.Min(CpuThreads.Count, maxThreads), partitions);
        if (columns > 0)
        {
            threads = Math.Min(threads, (workspace.Length - partials) / columns);
        }
        if (threads < 1 || workspace.Length < partials)
        {
            throw new ArgumentException($"workspace holds {workspace.Length} floats, BackwardFilter needs at least {partials + columns}.", nameof(workspace));
        }
        // Safe: as in Forward; each worker writes only its own runs' partials, its own filters of dBias and its own
        // columns, all inside the lengths checked above.
        fixed (float* pi = input, pd = dOutput, pb = dBias, ps = workspace)
        {
            var work = t_backwardFilterImages ??= new BackwardFilterImagesWork();
            work.Set(g, batch, pi, pd, pb, dBias.Length, ps, partitions, columns);
            CpuThreads.Run(work, threads);
        }
        AddPartials(dWeight[..g.WeightSize], workspace, partitions);
    }

    /// <summary>dWeight += each of the first <paramref name="count"/> partial gradients at the start of the workspace, in order.</summary>
    private static void AddPartials(Span<float> dWeight, ReadOnlySpan<float> workspace, int count)
    {
        for (var p = 0; p < count; p++)
        {
            TensorPrimitives.Add(dWeight, workspace.Slice(p * dWeight.Length, dWeight.Length), dWeight);
        }
    }

    /// <summary>
    /// BackwardFilter by Winograd: the batch's blocks of 48 tiles are cut into runs, each run's filter gradient is
    /// computed by one thread into its own partial (<see cref="WinogradConv.FilterPartial"/>), then the partials are
    /// added to dWeight in run order, so the bits do not depend on the thread count.
    /// </summary>
    private static unsafe void BackwardFilterWinograd(ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, int batch, in Conv2DGeometry g,
        Span<float> dWeight, Span<float> dBias, Span<float> workspace, int maxThreads)
    {
        var parts = WinogradFilterPartitions(g, batch);
        var per = WinogradConv.FilterThreadLength(g);
        var partials = parts * g.WeightSize;
        var threads = Math.Max(1, Math.Min(Math.Min(Math.Min(CpuThreads.Count, maxThreads), parts), (workspace.Length - partials) / per));
        // Safe: as in Forward; each worker writes only its own runs' partials, its own filters of dBias and its own scratch.
        fixed (float* pi = input, pd = dOutput, pb = dBias, ps = workspace)
        {
            var work = t_winogradFilter ??= new WinogradFilterWork();
            work.Set(g, batch, pi, pd, pb, dBias.Length, ps, parts, per);
            CpuThreads.Run(work, threads);
        }
        AddPartials(dWeight[..g.WeightSize], workspace, parts);
    }

    /// <summary>
    /// BackwardFilter by shifted rows (<see cref="ShiftedConv.FilterCells"/>): the steps, each 8 filters x 3 rows of
    /// dWeight over the whole batch, are shared between threads in contiguous runs. Each weight is summed by one step
    /// in the same order for any thread count, so the bits do not depend on it, and no partial gradients are needed.
    /// </summary>
    private static unsafe void BackwardFilterShifted(ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, int batch, in Conv2DGeometry g,
        Span<float> dWeight, Span<float> dBias, Span<float> workspace, int maxThreads)
    {
        var threads = ShiftedFilterThreads(g, Math.Min(CpuThreads.Count, maxThreads));
        while (threads > 1 && (long)ShiftedFilterScratch(g, threads) * threads > workspace.Length)
        {
            threads--;
        }
        var per = ShiftedFilterScratch(g, threads);
        // Safe: as in Forward; each worker writes only its own steps' weights of dWeight, its own filters of dBias and
        // its own scratch.
        fixed (float* pi = input, pd = dOutput, pw = dWeight, pb = dBias, ps = workspace)
        {
            var work = t_shiftedFilter ??= new ShiftedFilterWork();
            work.Set(g, batch, pi, pd, pw, pb, dBias.Length, ps, per);
            CpuThreads.Run(work, threads);
        }
    }

    /// <summary>dBias[k] += sum over the batch of dOutput[n, k, :, :] for the filters [k0, k1), images in order.</summary>
    private static void AccumulateBias(ReadOnlySpan<float> dOutput, int batch, in Conv2DGeometry g, Span<float> dBias, int k0, int k1)
    {
        var plane = g.OutPlane;
        for (var k = k0; k < k1; k++)
        {
            var sum = 0f;
            for (var n = 0; n < batch; n++)
            {
                sum += TensorPrimitives.Sum(dOutput.Slice(n * g.OutputSize + k * plane, plane));
            }
            dBias[k] += sum;
        }
    }

    /// <summary>
    /// Runs <see cref="ShiftedConv.Image"/> over the batch with the weights already packed at the start of the
    /// workspace, the images shared between threads, each with its own scratch after the packed weights.
    /// </summary>
    private static unsafe void RunShifted(ReadOnlySpan<float> input, int inputSize, ReadOnlySpan<float> bias, int batch, in Conv2DGeometry g,
        Span<float> output, int outputSize, Span<float> workspace, int maxThreads, bool relu)
    {
        var packed = ShiftedConv.PackedLength(g);
        var per = ShiftedConv.ThreadLength(g);
        var threads = Math.Max(1, Math.Min(Math.Min(Math.Min(CpuThreads.Count, maxThreads), batch), (workspace.Length - packed) / per));
        if (threads == 1)
        {
            var scratch = workspace.Slice(packed, per);
            ShiftedConv.ClearPadded(g, scratch);
            for (var n = 0; n < batch; n++)
            {
                ShiftedConv.Image(input.Slice(n * inputSize, inputSize), workspace[..packed], bias, g, output.Slice(n * outputSize, outputSize), scratch, relu);
            }
            return;
        }
        // Safe: as in Forward; each worker writes only its own images of the output and its own scratch.
        fixed (float* pi = input, pb = bias, po = output, ps = workspace)
        {
            var work = t_shifted ??= new ShiftedWork();
            work.Set(g, batch, pi, inputSize, pb, bias.Length, po, outputSize, ps, packed, per, relu);
            CpuThreads.Run(work, threads);
        }
    }

    /// <summary>
    /// Runs <see cref="WinogradConv.Run"/> over the batch's blocks of 48 tiles (split by filters when there are too few
    /// to share, see <see cref="WinogradConv.Parts"/>), shared between threads in contiguous runs, with the weights
    /// already transformed into <paramref name="transformed"/> and each thread's scratch in <paramref name="scratch"/>.
    /// </summary>
    private static unsafe void RunWinograd(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, int batch, in Conv2DGeometry g,
        Span<float> output, ReadOnlySpan<float> transformed, Span<float> scratch, int maxThreads, bool relu, ReadOnlySpan<float> keep = default)
    {
        var per = WinogradConv.ThreadLength(g);
        var blocks = WinogradConv.Blocks(g, batch);
        var threads = Math.Max(1, Math.Min(Math.Min(Math.Min(CpuThreads.Count, maxThreads), WinogradConv.MostUnits(g, blocks)), scratch.Length / per));
        if (threads == 1)
        {
            WinogradConv.Run(input, transformed, bias, g, batch, output, 0, blocks, scratch[..per], relu, keep);
            return;
        }
        var parts = WinogradConv.Parts(g, blocks, threads);
        // Safe: as in Forward; each worker writes only its own blocks' output rows and its own scratch.
        fixed (float* pi = input, pb = bias, po = output, pu = transformed, ps = scratch, pk = keep)
        {
            var work = t_winograd ??= new WinogradWork();
            work.Set(g, batch, pi, pb, bias.Length, po, pu, transformed.Length, ps, per, relu, keep.IsEmpty ? null : pk, parts);
            CpuThreads.Run(work, threads);
        }
    }

    /// <summary>Checks the geometry, the batch and that each tensor span holds its tensor (for batch images).</summary>
    internal static void CheckTensors(in Conv2DGeometry g, int batch, int inputLength, string inputName, int weightLength, string weightName,
        int biasLength, string biasName, int outputLength, string outputName)
    {
        g.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (inputLength < (long)batch * g.InputSize)
        {
            throw TooShort(inputName, inputLength, (long)batch * g.InputSize, $"({batch}, {g.Channels}, {g.Height}, {g.Width})");
        }
        if (weightLength < g.WeightSize)
        {
            throw TooShort(weightName, weightLength, g.WeightSize, $"({g.Filters}, {g.GroupChannels}, {g.KernelHeight}, {g.KernelWidth})");
        }
        if (outputLength < (long)batch * g.OutputSize)
        {
            throw TooShort(outputName, outputLength, (long)batch * g.OutputSize, $"({batch}, {g.Filters}, {g.OutHeight}, {g.OutWidth})");
        }
        if (biasLength != 0 && biasLength < g.Filters)
        {
            throw TooShort(biasName, biasLength, g.Filters, $"({g.Filters})");
        }
    }

    private static ArgumentException TooShort(string name, int length, long needed, string shape) =>
        new($"{name} holds {length} floats, a {shape} tensor needs {needed}.", name);

    private static int ColumnsPerThread(in Conv2DGeometry g) => g.IsPointwise ? 0 : g.ColumnRows * g.OutPlane;

    /// <summary>Threads for a call split over the batch: limited by the pool, maxThreads, the batch and the workspace.</summary>
    private static int BatchThreads(in Conv2DGeometry g, int batch, int workspaceLength, int maxThreads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        var threads = Math.Max(1, Math.Min(Math.Min(CpuThreads.Count, maxThreads), batch));
        var columns = ColumnsPerThread(g);
        if (columns > 0 && batch > 0)
        {
            threads = Math.Min(threads, workspaceLength / columns);
            if (threads < 1)
            {
                throw new ArgumentException($"workspace holds {workspaceLength} floats, this convolution needs at least {columns}.", "workspace");
            }
        }
        return threads;
    }

    /// <summary>One image: x (C, H, W) -> y (K, OH, OW), then max(0, y) if relu.</summary>
    private static void ForwardImage(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, in Conv2DGeometry g,
        Span<float> y, Span<float> columns, int gemmThreads, bool relu)
    {
        var kg = g.GroupFilters;
        var crs = g.ColumnRows;
        var plane = g.OutPlane;
        for (var group = 0; group < g.Groups; group++)
        {
            var yg = y.Slice(group * kg * plane, kg * plane);
            ReadOnlySpan<float> cols;
            if (g.IsPointwise)
            {
                cols = x.Slice(group * crs * plane, crs * plane);
            }
            else
            {
                Im2Col.PackRows(x, g, group * g.GroupChannels, 0, crs, columns);
                cols = columns[..(crs * plane)];
            }
            var wg = weight.Slice(group * kg * crs, kg * crs);
            if (bias.IsEmpty)
            {
                Sgemm.Multiply(false, false, kg, plane, crs, wg, crs, cols, plane, yg, plane, 0f, gemmThreads);
            }
            else
            {
                Sgemm.MultiplyAddRowBias(kg, plane, crs, wg, crs, cols, plane, bias.Slice(group * kg, kg), yg, plane, gemmThreads);
            }
        }
        if (relu)
        {
            var image = y[..g.OutputSize];
            TensorPrimitives.Max(image, 0f, image);
        }
    }

    /// <summary>One image: dy (K, OH, OW) -> dx (C, H, W), overwritten.</summary>
    private static void BackwardDataImage(ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, in Conv2DGeometry g, Span<float> dx,
        Span<float> columns, int gemmThreads)
    {
        var kg = g.GroupFilters;
        var cg = g.GroupChannels;
        var crs = g.ColumnRows;
        var plane = g.OutPlane;
        for (var group = 0; group < g.Groups; group++)
        {
            var wg = weight.Slice(group * kg * crs, kg * crs);
            var dyg = dy.Slice(group * kg * plane, kg * plane);
            var dxg = dx.Slice(group * cg * g.InPlane, cg * g.InPlane);
            if (g.IsPointwise)
            {
                Sgemm.Multiply(true, false, cg, plane, kg, wg, crs, dyg, plane, dxg, plane, 0f, gemmThreads);
            }
            else
            {
                var cols = columns[..(crs * plane)];
                Sgemm.Multiply(true, false, crs, plane, kg, wg, crs, dyg, plane, cols, plane, 0f, gemmThreads);
                dxg.Clear();
                Col2Im.AccumulateRowsInPlace(cols, g, group * cg, crs, dx);
            }
        }
    }

    /// <summary>
    /// How BackwardFilter shares dWeight (K/G x CRS per group) between threads. Each thread needs the whole of the
    /// operand it does not split, so the split goes along the larger side: by columns (taps) when CRS &gt;= K/G, each
    /// thread then unfolding only its own taps, otherwise by filters, each thread unfolding every tap but reading
    /// only its filters' gradients. Each group is cut into <c>ChunksPerGroup</c> chunks of <c>Width</c> columns or
    /// filters (the last may be narrower). The split only decides who computes an element, never how.
    /// </summary>
    private static (bool ByFilters, int Width, int ChunksPerGroup) FilterChunks(in Conv2DGeometry g, int threads)
    {
        var byFilters = g.GroupFilters > g.ColumnRows;
        var length = byFilters ? g.GroupFilters : g.ColumnRows;
        var chunks = g.Groups >= threads ? 1 : Math.Min(length, (threads + g.Groups - 1) / g.Groups);
        var width = (length + chunks - 1) / chunks;
        if (byFilters && width > 8)
        {
            width = (width + 7) / 8 * 8; // whole row tiles of the GEMM
        }
        return (byFilters, width, (length + width - 1) / width);
    }

    private sealed unsafe class ForwardWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _input;
        private float* _weight;
        private float* _bias;
        private int _biasLength;
        private float* _output;
        private float* _workspace;
        private int _columns;
        private bool _relu;

        public void Set(in Conv2DGeometry g, int batch, float* input, float* weight, float* bias, int biasLength, float* output,
            float* workspace, int columns, bool relu)
        {
            _relu = relu;
            _g = g;
            _batch = batch;
            _input = input;
            _weight = weight;
            _bias = bias;
            _biasLength = biasLength;
            _output = output;
            _workspace = workspace;
            _columns = columns;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var (start, end) = CpuThreads.Slice(_batch, threadIndex, threadCount);
            var weight = new ReadOnlySpan<float>(_weight, g.WeightSize);
            var bias = new ReadOnlySpan<float>(_bias, _biasLength);
            var columns = new Span<float>(_workspace + (nint)threadIndex * _columns, _columns);
            for (var n = start; n < end; n++)
            {
                ForwardImage(new ReadOnlySpan<float>(_input + (nint)n * g.InputSize, g.InputSize), weight, bias, g,
                    new Span<float>(_output + (nint)n * g.OutputSize, g.OutputSize), columns, 1, _relu);
            }
        }
    }

    private sealed unsafe class WinogradWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _input;
        private float* _bias;
        private int _biasLength;
        private float* _output;
        private float* _transformed;
        private int _packed;
        private float* _scratch;
        private int _per;
        private bool _relu;
        private float* _keep;
        private int _parts;

        public void Set(in Conv2DGeometry g, int batch, float* input, float* bias, int biasLength, float* output, float* transformed, int packed,
            float* scratch, int per, bool relu, float* keep, int parts)
        {
            _g = g;
            _batch = batch;
            _input = input;
            _bias = bias;
            _biasLength = biasLength;
            _output = output;
            _transformed = transformed;
            _packed = packed;
            _scratch = scratch;
            _per = per;
            _relu = relu;
            _keep = keep;
            _parts = parts;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var (start, end) = CpuThreads.Slice(WinogradConv.Blocks(g, _batch) * _parts, threadIndex, threadCount);
            if (start == end)
            {
                return;
            }
            WinogradConv.Run(new ReadOnlySpan<float>(_input, checked(_batch * g.InputSize)), new ReadOnlySpan<float>(_transformed, _packed),
                new ReadOnlySpan<float>(_bias, _biasLength), g, _batch, new Span<float>(_output, checked(_batch * g.OutputSize)), start, end,
                new Span<float>(_scratch + (nint)threadIndex * _per, _per), _relu,
                _keep is null ? default : new ReadOnlySpan<float>(_keep, checked(_batch * g.OutputSize)), _parts);
        }
    }

    private sealed unsafe class WinogradFilterWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _input;
        private float* _dOutput;
        private float* _dBias;
        private int _biasLength;
        private float* _workspace;
        private int _parts;
        private int _per;

        public void Set(in Conv2DGeometry g, int batch, float* input, float* dOutput, float* dBias, int biasLength, float* workspace, int parts, int per)
        {
            _g = g;
            _batch = batch;
            _input = input;
            _dOutput = dOutput;
            _dBias = dBias;
            _biasLength = biasLength;
            _workspace = workspace;
            _parts = parts;
            _per = per;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var input = new ReadOnlySpan<float>(_input, _batch * g.InputSize);
            var dOutput = new ReadOnlySpan<float>(_dOutput, _batch * g.OutputSize);
            var scratch = new Span<float>(_workspace + (nint)_parts * g.WeightSize + (nint)threadIndex * _per, _per);
            var blocks = WinogradConv.Blocks(g, _batch);
            var (first, last) = CpuThreads.Slice(_parts, threadIndex, threadCount);
            for (var part = first; part < last; part++)
            {
                var (b0, b1) = CpuThreads.Slice(blocks, part, _parts);
                WinogradConv.FilterPartial(input, dOutput, g, _batch, b0, b1, new Span<float>(_workspace + (nint)part * g.WeightSize, g.WeightSize),
                    scratch, reuseScratch: part > first);
            }
            if (_biasLength > 0)
            {
                var (k0, k1) = CpuThreads.Slice(g.Filters, threadIndex, threadCount);
                AccumulateBias(dOutput, _batch, g, new Span<float>(_dBias, _biasLength), k0, k1);
            }
        }
    }

    private sealed unsafe class ShiftedWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _input;
        private int _inputSize;
        private float* _bias;
        private int _biasLength;
        private float* _output;
        private int _outputSize;
        private float* _workspace;
        private int _packed;
        private int _per;
        private bool _relu;

        public void Set(in Conv2DGeometry g, int batch, float* input, int inputSize, float* bias, int biasLength, float* output, int outputSize,
            float* workspace, int packed, int per, bool relu)
        {
            _g = g;
            _batch = batch;
            _input = input;
            _inputSize = inputSize;
            _bias = bias;
            _biasLength = biasLength;
            _output = output;
            _outputSize = outputSize;
            _workspace = workspace;
            _packed = packed;
            _per = per;
            _relu = relu;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var (start, end) = CpuThreads.Slice(_batch, threadIndex, threadCount);
            if (start == end)
            {
                return;
            }
            var packed = new ReadOnlySpan<float>(_workspace, _packed);
            var bias = new ReadOnlySpan<float>(_bias, _biasLength);
            var scratch = new Span<float>(_workspace + _packed + (nint)threadIndex * _per, _per);
            ShiftedConv.ClearPadded(g, scratch);
            for (var n = start; n < end; n++)
            {
                ShiftedConv.Image(new ReadOnlySpan<float>(_input + (nint)n * _inputSize, _inputSize), packed, bias, g,
                    new Span<float>(_output + (nint)n * _outputSize, _outputSize), scratch, _relu);
            }
        }
    }

    private sealed unsafe class BackwardDataWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _dOutput;
        private float* _weight;
        private float* _dInput;
        private float* _workspace;
        private int _columns;

        public void Set(in Conv2DGeometry g, int batch, float* dOutput, float* weight, float* dInput, float* workspace, int columns)
        {
            _g = g;
            _batch = batch;
            _dOutput = dOutput;
            _weight = weight;
            _dInput = dInput;
            _workspace = workspace;
            _columns = columns;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var (start, end) = CpuThreads.Slice(_batch, threadIndex, threadCount);
            var weight = new ReadOnlySpan<float>(_weight, g.WeightSize);
            var columns = new Span<float>(_workspace + (nint)threadIndex * _columns, _columns);
            for (var n = start; n < end; n++)
            {
                BackwardDataImage(new ReadOnlySpan<float>(_dOutput + (nint)n * g.OutputSize, g.OutputSize), weight, g,
                    new Span<float>(_dInput + (nint)n * g.InputSize, g.InputSize), columns, 1);
            }
        }
    }

    private sealed unsafe class BackwardFilterWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _input;
        private float* _dOutput;
        private float* _dWeight;
        private float* _dBias;
        private int _biasLength;
        private float* _workspace;
        private int _columns;

        public void Set(in Conv2DGeometry g, int batch, float* input, float* dOutput, float* dWeight, float* dBias, int biasLength,
            float* workspace, int columns)
        {
            _g = g;
            _batch = batch;
            _input = input;
            _dOutput = dOutput;
            _dWeight = dWeight;
            _dBias = dBias;
            _biasLength = biasLength;
            _workspace = workspace;
            _columns = columns;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var kg = g.GroupFilters;
            var crs = g.ColumnRows;
            var plane = g.OutPlane;
            var input = new ReadOnlySpan<float>(_input, _batch * g.InputSize);
            var dOutput = new ReadOnlySpan<float>(_dOutput, _batch * g.OutputSize);
            var dWeight = new Span<float>(_dWeight, g.WeightSize);
            var columns = new Span<float>(_workspace + (nint)threadIndex * _columns, _columns);

            var (byFilters, width, chunksPerGroup) = FilterChunks(g, threadCount);
            // Chosen from the whole product, never from this thread's part of it, so the bits stay the same.
            var dot = GemmDot.Suits(false, true, crs, plane);
            var (first, last) = CpuThreads.Slice(g.Groups * chunksPerGroup, threadIndex, threadCount);
            for (var unit = first; unit < last; unit++)
            {
                var group = unit / chunksPerGroup;
                var start = unit % chunksPerGroup * width;
                // Columns [r0, r0 + rows) of filters [k0, k0 + filters) of this group.
                var (k0, filters, r0, rows) = byFilters
                    ? (start, Math.Min(width, kg - start), 0, crs)
                    : (0, kg, start, Math.Min(width, crs - start));
                var dWg = dWeight[((group * kg + k0) * crs + r0)..];
                for (var n = 0; n < _batch; n++)
                {
                    var x = input.Slice(n * g.InputSize, g.InputSize);
                    var dyg = dOutput.Slice(n * g.OutputSize + (group * kg + k0) * plane, filters * plane);
                    ReadOnlySpan<float> cols;
                    if (g.IsPointwise)
                    {
                        cols = x.Slice((group * crs + r0) * plane, rows * plane);
                    }
                    else
                    {
                        Im2Col.PackRows(x, g, group * g.GroupChannels, r0, rows, columns);
                        cols = columns[..(rows * plane)];
                    }
                    Sgemm.MultiplyUsing(dot, false, true, filters, rows, plane, dyg, plane, cols, plane, dWg, crs, 1f, 1);
                }
            }

            if (_biasLength > 0)
            {
                var (k0, k1) = CpuThreads.Slice(g.Filters, threadIndex, threadCount);
                AccumulateBias(dOutput, _batch, g, new Span<float>(_dBias, _biasLength), k0, k1);
            }
        }
    }

    private sealed unsafe class ShiftedFilterWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _input;
        private float* _dOutput;
        private float* _dWeight;
        private float* _dBias;
        private int _biasLength;
        private float* _workspace;
        private int _per;

        public void Set(in Conv2DGeometry g, int batch, float* input, float* dOutput, float* dWeight, float* dBias, int biasLength, float* workspace, int per)
        {
            _g = g;
            _batch = batch;
            _input = input;
            _dOutput = dOutput;
            _dWeight = dWeight;
            _dBias = dBias;
            _biasLength = biasLength;
            _workspace = workspace;
            _per = per;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var (c0, c1) = CpuThreads.Slice(ShiftedConv.FilterCellCount(g), threadIndex, threadCount);
            if (c1 > c0)
            {
                ShiftedConv.FilterCells(new ReadOnlySpan<float>(_input, _batch * g.InputSize), new ReadOnlySpan<float>(_dOutput, _batch * g.OutputSize),
                    g, _batch, c0, c1, new Span<float>(_dWeight, g.WeightSize), new Span<float>(_workspace + (nint)threadIndex * _per, _per));
            }
            if (_biasLength > 0)
            {
                var (k0, k1) = CpuThreads.Slice(g.Filters, threadIndex, threadCount);
                AccumulateBias(new ReadOnlySpan<float>(_dOutput, _batch * g.OutputSize), _batch, g, new Span<float>(_dBias, _biasLength), k0, k1);
            }
        }
    }

    private sealed unsafe class BackwardFilterImagesWork : IWorkItem
    {
        private Conv2DGeometry _g;
        private int _batch;
        private float* _input;
        private float* _dOutput;
        private float* _dBias;
        private int _biasLength;
        private float* _workspace;
        private int _partitions;
        private int _columns;

        public void Set(in Conv2DGeometry g, int batch, float* input, float* dOutput, float* dBias, int biasLength, float* workspace,
            int partitions, int columns)
        {
            _g = g;
            _batch = batch;
            _input = input;
            _dOutput = dOutput;
            _dBias = dBias;
            _biasLength = biasLength;
            _workspace = workspace;
            _partitions = partitions;
            _columns = columns;
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var g = _g;
            var kg = g.GroupFilters;
            var crs = g.ColumnRows;
            var plane = g.OutPlane;
            var input = new ReadOnlySpan<float>(_input, _batch * g.InputSize);
            var dOutput = new ReadOnlySpan<float>(_dOutput, _batch * g.OutputSize);
            var columns = new Span<float>(_workspace + (nint)_partitions * g.WeightSize + (nint)threadIndex * _columns, _columns);
            var dot = GemmDot.Suits(false, true, crs, plane);
            var (first, last) = CpuThreads.Slice(_partitions, threadIndex, threadCount);
            for (var part = first; part < last; part++)
            {
                var partial = new Span<float>(_workspace + (nint)part * g.WeightSize, g.WeightSize);
                var (n0, n1) = CpuThreads.Slice(_batch, part, _partitions);
                for (var n = n0; n < n1; n++)
                {
                    var x = input.Slice(n * g.InputSize, g.InputSize);
                    var beta = n == n0 ? 0f : 1f;
                    for (var group = 0; group < g.Groups; group++)
                    {
                        var dyg = dOutput.Slice(n * g.OutputSize + group * kg * plane, kg * plane);
                        ReadOnlySpan<float> cols;
                        if (g.IsPointwise)
                        {
                            cols = x.Slice(group * crs * plane, crs * plane);
                        }
                        else
                        {
                            Im2Col.PackRows(x, g, group * g.GroupChannels, 0, crs, columns);
                            cols = columns[..(crs * plane)];
                        }
                        Sgemm.MultiplyUsing(dot, false, true, kg, crs, plane, dyg, plane, cols, plane, partial[(group * kg * crs)..], crs, beta, 1);
                    }
                }
            }
            if (_biasLength > 0)
            {
                var (k0, k1) = CpuThreads.Slice(g.Filters, threadIndex, threadCount);
                AccumulateBias(dOutput, _batch, g, new Span<float>(_dBias, _biasLength), k0, k1);
            }
        }
    }
}
