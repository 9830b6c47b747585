using System.Globalization;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Data.Augmentation;

/// <summary>
/// A seeded pipeline of <see cref="AugmentationStep"/>s applied on the fly to training batches
/// (<see cref="Training.FitOptions.Augmentation"/>); validation and test data are never augmented. The random
/// values for sample i in epoch e come from a generator seeded by (<see cref="Seed"/>, e, i) alone, so the result
/// does not depend on the batch order, the batch size or the thread count, and every epoch sees fresh variants.
/// After the first batch (which sizes one scratch image per thread) <see cref="Apply"/> allocates nothing.
/// </summary>
/// <example>
/// <code>
/// var augment = Augmenter.Parse("flip,crop:4,rotate:10,pca:0.1", seed: 1);
/// model.Fit(x, labels, new FitOptions { Epochs = 10, Augmentation = augment });
/// // or by hand:
/// var augment2 = new Augmenter(seed: 1, new HorizontalFlip(), new RandomCrop(4), new AffineWarp(maxShift: 2, maxDegrees: 10, maxScale: 0.1));
/// </code>
/// </example>
public sealed class Augmenter
{
    /// <summary>The text form <see cref="Parse"/> accepts, for help and error messages.</summary>
    public const string Syntax = "flip[:P], crop:PIXELS, shift:PIXELS, rotate:DEGREES, scale:FRACTION, pca[:SIGMA]";

    private readonly AugmentationStep[] _steps;
    private readonly Work _work;
    private float[][] _scratch = [];

    /// <summary>A pipeline running <paramref name="steps"/> in order on every image, seeded with <paramref name="seed"/>.</summary>
    public Augmenter(int seed, params IEnumerable<AugmentationStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = steps.ToArray();
        foreach (var s in _steps)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(steps));
        }
        Seed = seed;
        _work = new Work(this);
    }

    /// <summary>Seed of all the random choices.</summary>
    public int Seed { get; }

    /// <summary>The steps, in the order they run.</summary>
    public IReadOnlyList<AugmentationStep> Steps => _steps;

    /// <summary>
    /// Reads a comma-separated list of steps: <c>flip</c> or <c>flip:P</c> (<see cref="HorizontalFlip"/>),
    /// <c>crop:P</c> (<see cref="RandomCrop"/>), <c>shift:N</c>, <c>rotate:DEG</c> and <c>scale:Z</c> (together
    /// one <see cref="AffineWarp"/>, at the place of the first of them), <c>pca</c> or <c>pca:SIGMA</c>
    /// (<see cref="PcaColorJitter"/>). Example: <c>flip,crop:4,shift:2,rotate:10,scale:0.1,pca:0.1</c>.
    /// </summary>
    /// <exception cref="ConvKitException">The text is empty, names an unknown step, repeats one, or has a bad value.</exception>
    public static Augmenter Parse(string spec, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var steps = new List<AugmentationStep?>();
        var seen = new HashSet<string>();
        int? warpAt = null;
        int shift = 0;
        double rotate = 0, scale = 0;
        foreach (var raw in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0)
            {
                throw new ConvKitException($"Augmentation '{spec}' has an empty entry; use a comma-separated list of {Syntax}.");
            }
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? raw : raw[..colon]).ToLowerInvariant();
            var value = colon < 0 ? null : raw[(colon + 1)..];
            if (!seen.Add(name))
            {
                throw new ConvKitException($"Augmentation '{spec}' names '{name}' twice.");
            }
            try
            {
                switch (name)
                {
                    case "flip":
                        steps.Add(new HorizontalFlip(value is null ? 0.5 : Number(value, name)));
                        break;
                    case "crop":
                        steps.Add(new RandomCrop(Integer(Required(value, name, "crop:4"), name)));
                        break;
                    case "pca":
                        steps.Add(new PcaColorJitter(value is null ? 0.1 : Number(value, name)));
                        break;
                    case "shift" or "rotate" or "scale":
                        var v = Required(value, name, name switch { "shift" => "shift:2", "rotate" => "rotate:10", _ => "scale:0.1" });
                        if (name == "shift")
                        {
                            shift = Integer(v, name);
                        }
                        else if (name == "rotate")
                        {
                            rotate = Number(v, name);
                        }
                        else
                        {
                            scale = Number(v, name);
                        }
                        if (warpAt is null)
                        {
                            warpAt = steps.Count;
                            steps.Add(null);
                        }
                        break;
                    default:
                        throw new ConvKitException($"Unknown augmentation '{name}' in '{spec}'; known: {Syntax}.");
                }
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ConvKitException($"Augmentation '{raw}': {FirstLine(e.Message)}");
            }
        }
        if (warpAt is { } at)
        {
            try
            {
                steps[at] = new AffineWarp(shift, rotate, scale);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ConvKitException($"Augmentation '{spec}': {FirstLine(e.Message)}");
            }
        }
        return new Augmenter(seed, steps.Select(s => s!));
    }

    /// <summary>
    /// Checks every step against the image shape and lets data-dependent steps learn from the training images
    /// (PCA jitter computes its principal axes here, once). <see cref="Models.Model.Fit(Tensors.Tensor, int[], Training.FitOptions?)"/>
    /// calls it with the training part of the data.
    /// </summary>
    /// <exception cref="ConvKitException">A step does not work on images of this shape (PCA jitter on grey images).</exception>
    public void Prepare(ReadOnlySpan<float> images, int count, int channels, int height, int width)
    {
        foreach (var s in _steps)
        {
            s.Prepare(images, count, channels, height, width);
        }
    }

    /// <summary>
    /// Augments a batch in place: image k of <paramref name="images"/> (shape (n, channels, height, width)) is
    /// training sample <paramref name="sampleIndices"/>[k], and gets the variant of (<see cref="Seed"/>,
    /// <paramref name="epoch"/>, that index). Samples are spread over the kernel threads.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer does not hold one image per index.</exception>
    public void Apply(Memory<float> images, ReadOnlyMemory<int> sampleIndices, int epoch, int channels, int height, int width)
    {
        var sample = channels * height * width;
        if (images.Length != sampleIndices.Length * sample)
        {
            throw new ArgumentException($"The batch holds {images.Length} floats; {sampleIndices.Length} images of ({channels}, {height}, {width}) need {sampleIndices.Length * sample}.", nameof(images));
        }
        if (_steps.Length == 0 || sampleIndices.Length == 0)
        {
            return;
        }
        var threads = Math.Max(1, Math.Min(CpuThreads.Count, sampleIndices.Length));
        if (_scratch.Length < threads || _scratch[0].Length < sample)
        {
            _scratch = new float[Math.Max(threads, CpuThreads.Count)][];
            for (var t = 0; t < _scratch.Length; t++)
            {
                _scratch[t] = new float[sample];
            }
        }
        _work.Set(images, sampleIndices, epoch, channels, height, width);
        try
        {
            CpuThreads.Run(_work, threads);
        }
        finally
        {
            _work.Set(default, default, 0, 0, 0, 0);
        }
    }

    /// <summary>Augments one image in place as sample <paramref name="sampleIndex"/> of <paramref name="epoch"/> (the same result <see cref="Apply"/> gives it in a batch).</summary>
    public void ApplyOne(Span<float> image, int sampleIndex, int epoch, int channels, int height, int width, Span<float> scratch)
    {
        var random = SplitMix64.For(Seed, epoch, sampleIndex);
        foreach (var s in _steps)
        {
            s.Apply(image, channels, height, width, ref random, scratch);
        }
    }

    /// <summary>The pipeline as text, in the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => _steps.Length == 0 ? "none" : string.Join(",", _steps.Select(s => s.Spec));

    private static string Required(string? value, string name, string example) =>
        value ?? throw new ConvKitException($"Augmentation '{name}' needs a value, e.g. {example}.");

    private static int Integer(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new ConvKitException($"Augmentation '{name}:{value}' needs a whole number of pixels (0 or more).");

    private static double Number(string value, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new ConvKitException($"Augmentation '{name}:{value}' needs a number.");

    private static string FirstLine(string message) => message.Split('\n')[0].Split(" (Parameter")[0].Trim();

    /// <summary>The per-batch work: worker t of T augments its fixed slice of the batch with its own scratch image.</summary>
    private sealed class Work(Augmenter owner) : IWorkItem
    {
        private Memory<float> _images;
        private ReadOnlyMemory<int> _indices;
        private int _epoch, _channels, _height, _width;

        public void Set(Memory<float> images, ReadOnlyMemory<int> indices, int epoch, int channels, int height, int width)
        {
            _images = images;
            _indices = indices;
            (_epoch, _channels, _height, _width) = (epoch, channels, height, width);
        }

        public void Execute(int threadIndex, int threadCount)
        {
            var sample = _channels * _height * _width;
            var (start, end) = CpuThreads.Slice(_indices.Length, threadIndex, threadCount);
            var images = _images.Span;
            var indices = _indices.Span;
            var scratch = owner._scratch[threadIndex];
            for (var k = start; k < end; k++)
            {
                owner.ApplyOne(images.Slice(k * sample, sample), indices[k], _epoch, _channels, _height, _width, scratch);
            }
        }
    }
}
