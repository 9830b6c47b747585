using ConvKit.Kernels.Cpu.Elementwise;

namespace ConvKit.Kernels.Cpu.Pooling;

/// <summary>
/// 2-D average pooling over <c>planes</c> independent planes (N * C for NCHW): input (planes, H, W) -&gt;
/// output (planes, OH, OW).
/// </summary>
/// <remarks>
/// With <c>countIncludePad = true</c> every window is divided by PoolHeight * PoolWidth, padding counting as zeros
/// (PyTorch's default <c>count_include_pad=True</c>). With <c>false</c> a window is divided by the number of input
/// pixels it actually covers (PyTorch <c>count_include_pad=False</c>, and Keras/TensorFlow <c>padding="same"</c>).
/// A window with no input pixel gives 0. Work is split over <see cref="Threading.CpuThreads"/> when large; results do
/// not depend on the thread count. Nothing here allocates.
/// </remarks>
public static class AvgPool2DCpu
{
    /// <summary>output[p, oh, ow] = (sum of input[p, h, w] over the window's input pixels) / divisor.</summary>
    /// <param name="input">(planes, H, W).</param>
    /// <param name="planes">Number of planes, N * C.</param>
    /// <param name="g">Window geometry.</param>
    /// <param name="countIncludePad">Divide by the full window size (true) or by the number of input pixels covered (false).</param>
    /// <param name="output">(planes, OH, OW), overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span is shorter than its shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="planes"/> is negative.</exception>
    public static unsafe void Forward(ReadOnlySpan<float> input, int planes, in Pool2DGeometry g, bool countIncludePad, Span<float> output)
    {
        var (inCount, outCount) = MaxPool2DCpu.Check(planes, g);
        SpanChecks.AtLeast(input.Length, inCount, nameof(input));
        SpanChecks.AtLeast(output.Length, outCount, nameof(output));
        if (outCount == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each output row is written by one worker; plane views are
        // built from the sizes checked above.
        fixed (float* pin = input, pout = output)
        {
            ParallelRange.Run(new ForwardRows(pin, pout, g, countIncludePad), planes * g.OutHeight, 1, (long)inCount + outCount);
        }
    }

    /// <summary>
    /// dInput[p, h, w] = sum over the windows containing (h, w) of dOutput[p, oh, ow] / divisor(oh, ow).
    /// <paramref name="dInput"/> is OVERWRITTEN.
    /// </summary>
    /// <param name="dOutput">(planes, OH, OW).</param>
    /// <param name="planes">Number of planes, N * C.</param>
    /// <param name="g">Window geometry.</param>
    /// <param name="countIncludePad">As passed to <see cref="Forward"/>.</param>
    /// <param name="dInput">(planes, H, W), overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span is shorter than its shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="planes"/> is negative.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> dOutput, int planes, in Pool2DGeometry g, bool countIncludePad, Span<float> dInput)
    {
        var (inCount, outCount) = MaxPool2DCpu.Check(planes, g);
        SpanChecks.AtLeast(dOutput.Length, outCount, nameof(dOutput));
        SpanChecks.AtLeast(dInput.Length, inCount, nameof(dInput));
        if (inCount == 0)
        {
            return;
        }
        // Safe: pinned until ParallelRange.Run returns; each plane of dInput is written by one worker only.
        fixed (float* pdy = dOutput, pdx = dInput)
        {
            ParallelRange.Run(new BackwardPlanes(pdy, pdx, g, countIncludePad), planes, 1, (long)inCount + outCount);
        }
    }

    private static int Divisor(int rows, int cols, in Pool2DGeometry g, bool countIncludePad) =>
        countIncludePad ? g.PoolHeight * g.PoolWidth : rows * cols;

    private readonly unsafe struct ForwardRows(float* input, float* output, Pool2DGeometry g, bool countIncludePad) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            var inPlane = g.InputPlaneSize;
            for (var r = start; r < end; r++)
            {
                var p = r / g.OutHeight;
                var oh = r - p * g.OutHeight;
                var plane = new ReadOnlySpan<float>(input + (long)p * inPlane, inPlane);
                var outRow = new Span<float>(output + (long)r * g.OutWidth, g.OutWidth);
                var (hs, he) = PoolWindow.Clip(oh, g.StrideHeight, g.PadTop, g.PoolHeight, g.Height);
                for (var ow = 0; ow < g.OutWidth; ow++)
                {
                    var (ws, we) = PoolWindow.Clip(ow, g.StrideWidth, g.PadLeft, g.PoolWidth, g.Width);
                    var divisor = Divisor(he - hs, we - ws, g, countIncludePad);
                    if (hs >= he || ws >= we)
                    {
                        outRow[ow] = 0f;
                        continue;
                    }
                    var sum = 0f;
                    for (var h = hs; h < he; h++)
                    {
                        var row = plane.Slice(h * g.Width, g.Width);
                        for (var w = ws; w < we; w++)
                        {
                            sum += row[w];
                        }
                    }
                    outRow[ow] = sum / divisor;
                }
            }
        }
    }

    private readonly unsafe struct BackwardPlanes(float* dOutput, float* dInput, Pool2DGeometry g, bool countIncludePad) : IRangeKernel
    {
        public void Execute(int start, int end)
        {
            var inPlane = g.InputPlaneSize;
            var outPlane = g.OutputPlaneSize;
            for (var p = start; p < end; p++)
            {
                var dx = new Span<float>(dInput + (long)p * inPlane, inPlane);
                var dy = new ReadOnlySpan<float>(dOutput + (long)p * outPlane, outPlane);
                dx.Clear();
                for (var oh = 0; oh < g.OutHeight; oh++)
                {
                    var (hs, he) = PoolWindow.Clip(oh, g.StrideHeight, g.PadTop, g.PoolHeight, g.Height);
                    for (var ow = 0; ow < g.OutWidth; ow++)
                    {
                        var (ws, we) = PoolWindow.Clip(ow, g.StrideWidth, g.PadLeft, g.PoolWidth, g.Width);
                        if (hs >= he || ws >= we)
                        {
                            continue;
                        }
                        var share = dy[oh * g.OutWidth + ow] / Divisor(he - hs, we - ws, g, countIncludePad);
                        for (var h = hs; h < he; h++)
                        {
                            var row = dx.Slice(h * g.Width + ws, we - ws);
                            for (var w = 0; w < row.Length; w++)
                            {
                                row[w] += share;
                            }
                        }
                    }
                }
            }
        }
    }
}
