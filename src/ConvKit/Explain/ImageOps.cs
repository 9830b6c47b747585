namespace ConvKit.Explain;

/// <summary>
/// Small image operations the explainers share, as static functions on single planes or (C, H, W) images:
/// inputs first, destination last, no allocation.
/// </summary>
internal static class ImageOps
{
    /// <summary>
    /// Bilinear resampling of one plane (h, w) to (oh, ow) with pixel centres aligned (OpenCV's INTER_LINEAR,
    /// PyTorch's align_corners=False): output pixel (y, x) samples the source at ((y + ½)·h/oh − ½, (x + ½)·w/ow − ½),
    /// clamped to the border.
    /// </summary>
    public static void Bilinear(ReadOnlySpan<float> source, int h, int w, Span<float> destination, int oh, int ow)
    {
        if (source.Length != h * w || destination.Length != oh * ow)
        {
            throw new ArgumentException($"Bilinear: source needs {h}x{w} and destination {oh}x{ow} values, got {source.Length} and {destination.Length}.");
        }
        for (var y = 0; y < oh; y++)
        {
            var sy = Math.Clamp((y + 0.5) * h / oh - 0.5, 0, h - 1);
            var y0 = (int)sy;
            var y1 = Math.Min(y0 + 1, h - 1);
            var fy = sy - y0;
            for (var x = 0; x < ow; x++)
            {
                var sx = Math.Clamp((x + 0.5) * w / ow - 0.5, 0, w - 1);
                var x0 = (int)sx;
                var x1 = Math.Min(x0 + 1, w - 1);
                var fx = sx - x0;
                var top = source[y0 * w + x0] * (1 - fx) + source[y0 * w + x1] * fx;
                var bottom = source[y1 * w + x0] * (1 - fx) + source[y1 * w + x1] * fx;
                destination[y * ow + x] = (float)(top * (1 - fy) + bottom * fy);
            }
        }
    }

    /// <summary>
    /// Circular shift of a (C, H, W) image by (dy, dx): destination[c, (y + dy) mod H, (x + dx) mod W] =
    /// source[c, y, x]. Shifting back by (−dy, −dx) undoes it exactly.
    /// </summary>
    public static void Roll(ReadOnlySpan<float> source, int channels, int h, int w, int dy, int dx, Span<float> destination)
    {
        var plane = h * w;
        for (var c = 0; c < channels; c++)
        {
            var src = source.Slice(c * plane, plane);
            var dst = destination.Slice(c * plane, plane);
            for (var y = 0; y < h; y++)
            {
                var ty = ((y + dy) % h + h) % h;
                for (var x = 0; x < w; x++)
                {
                    var tx = ((x + dx) % w + w) % w;
                    dst[ty * w + tx] = src[y * w + x];
                }
            }
        }
    }

    /// <summary>
    /// The squared total variation of a (C, H, W) image averaged over its C·H·W values,
    /// TV(x) = (1 / CHW) Σ_c Σ_{y,x} [(x[c,y+1,x] − x[c,y,x])² + (x[c,y,x+1] − x[c,y,x])²],
    /// and its gradient added to <paramref name="gradient"/> scaled by <paramref name="scale"/>.
    /// </summary>
    public static double TotalVariation(ReadOnlySpan<float> image, int channels, int h, int w, float scale, Span<float> gradient)
    {
        var plane = h * w;
        double sum = 0;
        var k = 2.0 * scale / image.Length;
        for (var c = 0; c < channels; c++)
        {
            var p = image.Slice(c * plane, plane);
            var g = gradient.Slice(c * plane, plane);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var i = y * w + x;
                    if (y + 1 < h)
                    {
                        double d = p[i + w] - p[i];
                        sum += d * d;
                        g[i + w] += (float)(k * d);
                        g[i] -= (float)(k * d);
                    }
                    if (x + 1 < w)
                    {
                        double d = p[i + 1] - p[i];
                        sum += d * d;
                        g[i + 1] += (float)(k * d);
                        g[i] -= (float)(k * d);
                    }
                }
            }
        }
        return sum / image.Length;
    }

    /// <summary>
    /// One normalised gradient-ascent step, x ← clip(x + rate · g / rms(g), low, high): rate is the root mean square
    /// change of x. A zero gradient leaves x unchanged (but clipped).
    /// </summary>
    public static void AscentStep(Span<float> x, ReadOnlySpan<float> gradient, float rate, bool clip, float low, float high)
    {
        var rms = Rms(gradient);
        if (rms > 0)
        {
            var k = (float)(rate / rms);
            for (var j = 0; j < x.Length; j++)
            {
                x[j] += k * gradient[j];
            }
        }
        if (clip)
        {
            Clip(x, low, high);
        }
    }

    /// <summary>
    /// Saliency maps from gradients (N, C, H·W): maps[n, p] = max over c of |values[n, c, p]|, written into
    /// <paramref name="maps"/> (N, H·W).
    /// </summary>
    public static void MaxAbsOverChannels(ReadOnlySpan<float> values, int count, int channels, int plane, Span<float> maps)
    {
        maps.Clear();
        for (var n = 0; n < count; n++)
        {
            var m = maps.Slice(n * plane, plane);
            for (var c = 0; c < channels; c++)
            {
                var v = values.Slice((n * channels + c) * plane, plane);
                for (var j = 0; j < plane; j++)
                {
                    m[j] = Math.Max(m[j], Math.Abs(v[j]));
                }
            }
        }
    }

    /// <summary>The root mean square of <paramref name="values"/>.</summary>
    public static double Rms(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (var v in values)
        {
            s += (double)v * v;
        }
        return values.IsEmpty ? 0 : Math.Sqrt(s / values.Length);
    }

    /// <summary>Clamps every value to [low, high].</summary>
    public static void Clip(Span<float> values, float low, float high)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Clamp(values[i], low, high);
        }
    }
}
