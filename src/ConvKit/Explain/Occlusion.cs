using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// Occlusion sensitivity (Zeiler and Fergus 2014, arXiv:1311.2901): slide a square of a fill value over the
/// image and record how much the probability of the class drops,
/// <para>Δ(i, j) = p_c(x) − p_c(x with the S×S square at (i·stride, j·stride) set to the fill value)</para>
/// Patches are clipped at the right and bottom edges. A pixel's sensitivity is the mean Δ of the patches
/// covering it. The probability is the model's output, or its softmax when the output layer is linear.
/// </summary>
/// <example><code>
/// var occ = Occlusion.Compute(model, images, classes: null, new OcclusionOptions { Size = 6, Stride = 2 });
/// // occ.Maps: (N, 1, 28, 28); large where the digit's evidence is
/// </code></example>
public static class Occlusion
{
    private const string Method = "Occlusion";

    /// <summary>
    /// The occlusion maps of <paramref name="images"/> (N, C, H, W) for <paramref name="classes"/> (one per image;
    /// null: each image's predicted class).
    /// </summary>
    /// <exception cref="ConvKitException">The images do not fit the model, a class is out of range, or an option is invalid.</exception>
    public static OcclusionResult Compute(Model model, Tensor images, int[]? classes = null, OcclusionOptions? options = null)
    {
        options ??= new OcclusionOptions();
        var n = ModelProbe.CheckImages(model, images, Method);
        var (c, h, w) = ModelProbe.ImageShape(model, Method);
        var k = ModelProbe.ClassCount(model, Method);
        options.Validate(h, w);
        var p = c * h * w;
        var output = model.Forward(images);
        var targets = ModelProbe.ResolveClasses(model, output, classes, Method);
        var probs = new float[n * k];
        ModelProbe.Probabilities(model, output, probs);
        var baseProb = new float[n];
        for (var i = 0; i < n; i++)
        {
            baseProb[i] = probs[i * k + targets[i]];
        }

        var rows = Positions(h, options.Size, options.Stride);
        var cols = Positions(w, options.Size, options.Stride);
        var patches = rows.Length * cols.Length;
        var drops = new float[n * patches];
        var source = images.AsSpan();
        var batch = Math.Min(options.BatchSize, n * patches);
        var staging = new float[batch * p];
        var batchProbs = new float[batch * k];
        for (var start = 0; start < n * patches; start += batch)
        {
            var count = Math.Min(batch, n * patches - start);
            for (var b = 0; b < count; b++)
            {
                var (img, patch) = Math.DivRem(start + b, patches);
                var dst = staging.AsSpan(b * p, p);
                source.Slice(img * p, p).CopyTo(dst);
                var top = rows[patch / cols.Length];
                var left = cols[patch % cols.Length];
                for (var ch = 0; ch < c; ch++)
                {
                    for (var y = top; y < Math.Min(h, top + options.Size); y++)
                    {
                        dst.Slice((ch * h + y) * w + left, Math.Min(w, left + options.Size) - left).Fill(options.Fill);
                    }
                }
            }
            var x = Tensor.FromArray(new Shape(count, c, h, w), staging.AsSpan(0, count * p));
            var o = model.Forward(x);
            ModelProbe.Probabilities(model, o, batchProbs.AsSpan(0, count * k));
            for (var b = 0; b < count; b++)
            {
                var img = (start + b) / patches;
                drops[start + b] = baseProb[img] - batchProbs[b * k + targets[img]];
            }
        }

        var maps = new float[n * h * w];
        var cover = new int[h * w];
        for (var i = 0; i < n; i++)
        {
            var map = maps.AsSpan(i * h * w, h * w);
            Array.Clear(cover);
            for (var r = 0; r < rows.Length; r++)
            {
                for (var q = 0; q < cols.Length; q++)
                {
                    var d = drops[i * patches + r * cols.Length + q];
                    for (var y = rows[r]; y < Math.Min(h, rows[r] + options.Size); y++)
                    {
                        for (var xx = cols[q]; xx < Math.Min(w, cols[q] + options.Size); xx++)
                        {
                            map[y * w + xx] += d;
                            cover[y * w + xx]++;
                        }
                    }
                }
            }
            for (var j = 0; j < map.Length; j++)
            {
                map[j] /= cover[j];
            }
        }
        return new OcclusionResult(new ImageBatch(maps, n, 1, h, w), new ImageBatch(drops, n, 1, rows.Length, cols.Length), targets, baseProb, rows, cols);
    }

    /// <summary>Patch starts 0, stride, 2·stride, … up to the last one that still begins inside the image and is not already covered.</summary>
    private static int[] Positions(int extent, int size, int stride)
    {
        var list = new List<int>();
        for (var s = 0; ; s += stride)
        {
            list.Add(s);
            if (s + size >= extent)
            {
                break;
            }
        }
        return list.ToArray();
    }
}
