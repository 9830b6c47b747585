namespace ConvKit.Kernels.Cpu.Pooling;

/// <summary>
/// Naive twins of <see cref="MaxPool2DCpu"/>, <see cref="AvgPool2DCpu"/> and <see cref="GlobalAvgPoolCpu"/>: the
/// seven nested loops written straight from the definition (every window position, padding skipped by a bounds test,
/// sums in double). Same arguments and semantics; used by the tests as the definition.
/// </summary>
public static class PoolingReference
{
    /// <summary>Max pooling; see <see cref="MaxPool2DCpu.Forward"/>.</summary>
    public static void MaxForward(ReadOnlySpan<float> input, int planes, in Pool2DGeometry g, Span<float> output, Span<int> argmax)
    {
        for (var p = 0; p < planes; p++)
        {
            for (var oh = 0; oh < g.OutHeight; oh++)
            {
                for (var ow = 0; ow < g.OutWidth; ow++)
                {
                    var best = float.NegativeInfinity;
                    var index = -1;
                    for (var kh = 0; kh < g.PoolHeight; kh++)
                    {
                        for (var kw = 0; kw < g.PoolWidth; kw++)
                        {
                            var h = oh * g.StrideHeight - g.PadTop + kh;
                            var w = ow * g.StrideWidth - g.PadLeft + kw;
                            if (h < 0 || h >= g.Height || w < 0 || w >= g.Width)
                            {
                                continue; // padding never wins
                            }
                            var v = input[p * g.Height * g.Width + h * g.Width + w];
                            if (index == -1 || v > best)
                            {
                                best = v;
                                index = h * g.Width + w;
                            }
                        }
                    }
                    var o = (p * g.OutHeight + oh) * g.OutWidth + ow;
                    output[o] = index == -1 ? 0f : best;
                    argmax[o] = index;
                }
            }
        }
    }

    /// <summary>Max pooling gradient; see <see cref="MaxPool2DCpu.Backward"/>.</summary>
    public static void MaxBackward(ReadOnlySpan<float> dOutput, ReadOnlySpan<int> argmax, int planes, in Pool2DGeometry g, Span<float> dInput)
    {
        dInput[..(planes * g.Height * g.Width)].Clear();
        for (var p = 0; p < planes; p++)
        {
            for (var k = 0; k < g.OutHeight * g.OutWidth; k++)
            {
                var a = argmax[p * g.OutHeight * g.OutWidth + k];
                if (a >= 0)
                {
                    dInput[p * g.Height * g.Width + a] += dOutput[p * g.OutHeight * g.OutWidth + k];
                }
            }
        }
    }

    /// <summary>Average pooling; see <see cref="AvgPool2DCpu.Forward"/>.</summary>
    public static void AvgForward(ReadOnlySpan<float> input, int planes, in Pool2DGeometry g, bool countIncludePad, Span<float> output)
    {
        for (var p = 0; p < planes; p++)
        {
            for (var oh = 0; oh < g.OutHeight; oh++)
            {
                for (var ow = 0; ow < g.OutWidth; ow++)
                {
                    var sum = 0.0;
                    var real = 0;
                    for (var kh = 0; kh < g.PoolHeight; kh++)
                    {
                        for (var kw = 0; kw < g.PoolWidth; kw++)
                        {
                            var h = oh * g.StrideHeight - g.PadTop + kh;
                            var w = ow * g.StrideWidth - g.PadLeft + kw;
                            if (h >= 0 && h < g.Height && w >= 0 && w < g.Width)
                            {
                                sum += input[p * g.Height * g.Width + h * g.Width + w];
                                real++;
                            }
                        }
                    }
                    var divisor = countIncludePad ? g.PoolHeight * g.PoolWidth : real;
                    output[(p * g.OutHeight + oh) * g.OutWidth + ow] = real == 0 ? 0f : (float)(sum / divisor);
                }
            }
        }
    }

    /// <summary>Average pooling gradient; see <see cref="AvgPool2DCpu.Backward"/>.</summary>
    public static void AvgBackward(ReadOnlySpan<float> dOutput, int planes, in Pool2DGeometry g, bool countIncludePad, Span<float> dInput)
    {
        var acc = new double[planes * g.Height * g.Width];
        for (var p = 0; p < planes; p++)
        {
            for (var oh = 0; oh < g.OutHeight; oh++)
            {
                for (var ow = 0; ow < g.OutWidth; ow++)
                {
                    var real = 0;
                    for (var kh = 0; kh < g.PoolHeight; kh++)
                    {
                        for (var kw = 0; kw < g.PoolWidth; kw++)
                        {
                            var h = oh * g.StrideHeight - g.PadTop + kh;
                            var w = ow * g.StrideWidth - g.PadLeft + kw;
                            real += h >= 0 && h < g.Height && w >= 0 && w < g.Width ? 1 : 0;
                        }
                    }
                    var divisor = countIncludePad ? g.PoolHeight * g.PoolWidth : real;
                    for (var kh = 0; kh < g.PoolHeight; kh++)
                    {
                        for (var kw = 0; kw < g.PoolWidth; kw++)
                        {
                            var h = oh * g.StrideHeight - g.PadTop + kh;
                            var w = ow * g.StrideWidth - g.PadLeft + kw;
                            if (h >= 0 && h < g.Height && w >= 0 && w < g.Width)
                            {
                                acc[p * g.Height * g.Width + h * g.Width + w] += (double)dOutput[(p * g.OutHeight + oh) * g.OutWidth + ow] / divisor;
                            }
                        }
                    }
                }
            }
        }
        for (var i = 0; i < acc.Length; i++)
        {
            dInput[i] = (float)acc[i];
        }
    }

    /// <summary>Global average pooling; see <see cref="GlobalAvgPoolCpu.Forward"/>.</summary>
    public static void GlobalAvgForward(ReadOnlySpan<float> input, int planes, int planeSize, Span<float> output)
    {
        for (var p = 0; p < planes; p++)
        {
            var sum = 0.0;
            for (var i = 0; i < planeSize; i++)
            {
                sum += input[p * planeSize + i];
            }
            output[p] = (float)(sum / planeSize);
        }
    }

    /// <summary>Global average pooling gradient; see <see cref="GlobalAvgPoolCpu.Backward"/>.</summary>
    public static void GlobalAvgBackward(ReadOnlySpan<float> dOutput, int planes, int planeSize, Span<float> dInput)
    {
        for (var p = 0; p < planes; p++)
        {
            for (var i = 0; i < planeSize; i++)
            {
                dInput[p * planeSize + i] = (float)((double)dOutput[p] / planeSize);
            }
        }
    }
}
