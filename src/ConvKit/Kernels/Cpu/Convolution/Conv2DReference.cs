namespace ConvKit.Kernels.Cpu.Convolution;

/// <summary>
/// The naive twin of <see cref="Conv2DCpu"/>: each operation written as direct nested loops straight from its
/// formula, summing in double. Slow; it exists to check the fast kernels.
/// </summary>
public static class Conv2DReference
{
    /// <summary>
    /// output[n, k, oh, ow] = bias[k] + sum over c in k's group, kh, kw of
    /// input[n, c, oh * SH - PT + kh * DH, ow * SW - PL + kw * DW] * weight[k, c - groupStart, kh, kw].
    /// input (N, C, H, W), weight (K, C / G, KH, KW), bias (K) or empty -> output (N, K, OH, OW), overwritten.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch,
        in Conv2DGeometry g, Span<float> output)
    {
        Conv2DCpu.CheckTensors(g, batch, input.Length, nameof(input), weight.Length, nameof(weight), bias.Length, nameof(bias), output.Length, nameof(output));
        var cg = g.GroupChannels;
        var kg = g.GroupFilters;
        for (var n = 0; n < batch; n++)
        {
            for (var k = 0; k < g.Filters; k++)
            {
                var c0 = k / kg * cg;
                for (var oh = 0; oh < g.OutHeight; oh++)
                {
                    for (var ow = 0; ow < g.OutWidth; ow++)
                    {
                        double sum = bias.IsEmpty ? 0 : bias[k];
                        for (var c = 0; c < cg; c++)
                        {
                            for (var kh = 0; kh < g.KernelHeight; kh++)
                            {
                                var ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                                if (ih < 0 || ih >= g.Height)
                                {
                                    continue;
                                }
                                for (var kw = 0; kw < g.KernelWidth; kw++)
                                {
                                    var iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                                    if (iw < 0 || iw >= g.Width)
                                    {
                                        continue;
                                    }
                                    sum += (double)input[((n * g.Channels + c0 + c) * g.Height + ih) * g.Width + iw]
                                        * weight[((k * cg + c) * g.KernelHeight + kh) * g.KernelWidth + kw];
                                }
                            }
                        }
                        output[((n * g.Filters + k) * g.OutHeight + oh) * g.OutWidth + ow] = (float)sum;
                    }
                }
            }
        }
    }

    /// <summary>
    /// dInput[n, c, ih, iw] = sum over k in c's group, kh, kw, and every (oh, ow) whose window reads (ih, iw) through
    /// tap (kh, kw), of dOutput[n, k, oh, ow] * weight[k, c - groupStart, kh, kw].
    /// dOutput (N, K, OH, OW), weight (K, C / G, KH, KW) -> dInput (N, C, H, W), overwritten.
    /// </summary>
    public static void BackwardData(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int batch, in Conv2DGeometry g, Span<float> dInput)
    {
        Conv2DCpu.CheckTensors(g, batch, dInput.Length, nameof(dInput), weight.Length, nameof(weight), 0, "bias", dOutput.Length, nameof(dOutput));
        var cg = g.GroupChannels;
        var kg = g.GroupFilters;
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < g.Channels; c++)
            {
                var group = c / cg;
                for (var ih = 0; ih < g.Height; ih++)
                {
                    for (var iw = 0; iw < g.Width; iw++)
                    {
                        double sum = 0;
                        for (var k = group * kg; k < (group + 1) * kg; k++)
                        {
                            for (var kh = 0; kh < g.KernelHeight; kh++)
                            {
                                var y = ih + g.PadTop - kh * g.DilationHeight;
                                if (y < 0 || y % g.StrideHeight != 0 || y / g.StrideHeight >= g.OutHeight)
                                {
                                    continue;
                                }
                                var oh = y / g.StrideHeight;
                                for (var kw = 0; kw < g.KernelWidth; kw++)
                                {
                                    var x = iw + g.PadLeft - kw * g.DilationWidth;
                                    if (x < 0 || x % g.StrideWidth != 0 || x / g.StrideWidth >= g.OutWidth)
                                    {
                                        continue;
                                    }
                                    var ow = x / g.StrideWidth;
                                    sum += (double)dOutput[((n * g.Filters + k) * g.OutHeight + oh) * g.OutWidth + ow]
                                        * weight[((k * cg + c - group * cg) * g.KernelHeight + kh) * g.KernelWidth + kw];
                                }
                            }
                        }
                        dInput[((n * g.Channels + c) * g.Height + ih) * g.Width + iw] = (float)sum;
                    }
                }
            }
        }
    }

    /// <summary>
    /// dWeight[k, c, kh, kw] += sum over n, oh, ow of dOutput[n, k, oh, ow] * input[n, groupStart + c, ih, iw] and
    /// dBias[k] += sum over n, oh, ow of dOutput[n, k, oh, ow].
    /// input (N, C, H, W), dOutput (N, K, OH, OW) -> dWeight (K, C / G, KH, KW) and dBias (K) or empty, accumulated.
    /// </summary>
    public static void BackwardFilter(ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, int batch, in Conv2DGeometry g,
        Span<float> dWeight, Span<float> dBias)
    {
        Conv2DCpu.CheckTensors(g, batch, input.Length, nameof(input), dWeight.Length, nameof(dWeight), dBias.Length, nameof(dBias), dOutput.Length, nameof(dOutput));
        var cg = g.GroupChannels;
        var kg = g.GroupFilters;
        for (var k = 0; k < g.Filters; k++)
        {
            var c0 = k / kg * cg;
            for (var c = 0; c < cg; c++)
            {
                for (var kh = 0; kh < g.KernelHeight; kh++)
                {
                    for (var kw = 0; kw < g.KernelWidth; kw++)
                    {
                        double sum = 0;
                        for (var n = 0; n < batch; n++)
                        {
                            for (var oh = 0; oh < g.OutHeight; oh++)
                            {
                                var ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                                if (ih < 0 || ih >= g.Height)
                                {
                                    continue;
                                }
                                for (var ow = 0; ow < g.OutWidth; ow++)
                                {
                                    var iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                                    if (iw < 0 || iw >= g.Width)
                                    {
                                        continue;
                                    }
                                    sum += (double)dOutput[((n * g.Filters + k) * g.OutHeight + oh) * g.OutWidth + ow]
                                        * input[((n * g.Channels + c0 + c) * g.Height + ih) * g.Width + iw];
                                }
                            }
                        }
                        ref var dw = ref dWeight[((k * cg + c) * g.KernelHeight + kh) * g.KernelWidth + kw];
                        dw = (float)(dw + sum);
                    }
                }
            }
            if (!dBias.IsEmpty)
            {
                double sum = 0;
                for (var n = 0; n < batch; n++)
                {
                    for (var p = 0; p < g.OutPlane; p++)
                    {
                        sum += dOutput[(n * g.Filters + k) * g.OutPlane + p];
                    }
                }
                dBias[k] = (float)(dBias[k] + sum);
            }
        }
    }
}
