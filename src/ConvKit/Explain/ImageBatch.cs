namespace ConvKit.Explain;

/// <summary>
/// A batch of images or maps as raw floats, shape (Count, Channels, Height, Width), row-major: element
/// (n, c, y, x) is <c>Values[((n · Channels + c) · Height + y) · Width + x]</c>. Heat maps have one channel.
/// This is what every explainer returns, for drawing or for further computation.
/// </summary>
/// <example><code>
/// var saliency = Saliency.Compute(model, images);
/// ReadOnlySpan&lt;float&gt; first = saliency.Maps.Image(0);   // (1, 28, 28) for an MNIST model
/// </code></example>
public sealed class ImageBatch
{
    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    /// <exception cref="ArgumentException">A dimension is below 1 or the length is not Count · Channels · Height · Width.</exception>
    public ImageBatch(float[] values, int count, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (count < 1 || channels < 1 || height < 1 || width < 1)
        {
            throw new ArgumentException($"An image batch needs positive dimensions, got ({count}, {channels}, {height}, {width}).");
        }
        if ((long)count * channels * height * width != values.Length)
        {
            throw new ArgumentException($"A batch of shape ({count}, {channels}, {height}, {width}) needs {(long)count * channels * height * width} values, got {values.Length}.", nameof(values));
        }
        Values = values;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>The values, (Count, Channels, Height, Width) row-major.</summary>
    public float[] Values { get; }

    /// <summary>Number of images N.</summary>
    public int Count { get; }

    /// <summary>Channels per image C.</summary>
    public int Channels { get; }

    /// <summary>Rows H.</summary>
    public int Height { get; }

    /// <summary>Columns W.</summary>
    public int Width { get; }

    /// <summary>Floats per image: C · H · W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Image <paramref name="index"/>, shape (C, H, W).</summary>
    public Span<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Values.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>Channel <paramref name="channel"/> of image <paramref name="index"/>, shape (H, W).</summary>
    public Span<float> Plane(int index, int channel)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)channel, (uint)Channels, nameof(channel));
        return Image(index).Slice(channel * Height * Width, Height * Width);
    }

    /// <summary>
    /// A copy with every image scaled to [0, 1] by its own minimum and maximum (a constant image becomes 0), for
    /// drawing maps whose units differ from image to image.
    /// </summary>
    public ImageBatch NormalizedPerImage()
    {
        var result = new float[Values.Length];
        for (var n = 0; n < Count; n++)
        {
            var src = Image(n);
            var dst = result.AsSpan(n * ImageSize, ImageSize);
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            foreach (var v in src)
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
            var range = hi - lo;
            for (var i = 0; i < src.Length; i++)
            {
                dst[i] = range > 0 ? (src[i] - lo) / range : 0f;
            }
        }
        return new ImageBatch(result, Count, Channels, Height, Width);
    }

    /// <summary>The images as a tensor (N, C, H, W) sharing this batch's memory.</summary>
    public Tensors.Tensor ToTensor() => Tensors.Tensor.FromBuffer(Values, new Tensors.Shape(Count, Channels, Height, Width));

    /// <summary>The images of <paramref name="tensor"/> (N, C, H, W), copied.</summary>
    /// <exception cref="ConvKitException">The tensor is not of rank 4.</exception>
    public static ImageBatch FromTensor(Tensors.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Shape.Rank != 4)
        {
            throw new ConvKitException($"Expected a batch of images (N, C, H, W), got a tensor of shape {tensor.Shape}.");
        }
        return new ImageBatch(tensor.ToArray(), tensor.Shape[0], tensor.Shape[1], tensor.Shape[2], tensor.Shape[3]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ImageBatch({Count}, {Channels}, {Height}, {Width})";
}
