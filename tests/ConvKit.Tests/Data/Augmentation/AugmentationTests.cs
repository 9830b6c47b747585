using ConvKit.Data;
using ConvKit.Data.Augmentation;
using ConvKit.Filters;
using ConvKit.Imaging;
using ConvKit.Kernels.Cpu.Threading;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Training;

namespace ConvKit.Tests.Data.Augmentation;

/// <summary>Every augmentation step on real images (photo crops, MNIST digits), the pipeline's determinism, and its use in Fit.</summary>
public class AugmentationTests
{
    private static readonly Lazy<ImagePlanes> Cat = new(() => ImageFile.Load(Path.Combine(ImageFolderFixture.ImagesRoot, "chelsea.png")));

    /// <summary><paramref name="n"/> colour crops of the cat photo, (n, 3, size, size).</summary>
    private static float[] Photos(int n, int size)
    {
        var data = new float[n * 3 * size * size];
        for (var k = 0; k < n; k++)
        {
            ImageResize.Crop(Cat.Value, 7 * k % (Cat.Value.Height - size), 11 * k % (Cat.Value.Width - size), size, size).Data.CopyTo(data.AsSpan(k * 3 * size * size));
        }
        return data;
    }

    private static float[] Digit()
    {
        if (SharedData.Root is not null)
        {
            return ImageFolderFixture.Digits([3], [1])[0].Pixels.Select(b => b / 255f).ToArray();
        }
        return ImageResize.To(Cat.Value, 1, 28, 28).Data;   // a grey photo stands in when MNIST is absent
    }

    [Fact]
    public void FlipTwiceIsTheIdentityAndFlipMirrorsRows()
    {
        var image = Photos(1, 20);
        var flipped = image.ToArray();
        HorizontalFlip.Flip(flipped, 3, 20, 20);
        Assert.Equal(image[(1 * 20 + 4) * 20 + 19 - 6], flipped[(1 * 20 + 4) * 20 + 6]);
        HorizontalFlip.Flip(flipped, 3, 20, 20);
        Assert.Equal(image, flipped);

        // Through the pipeline: with p = 1 every image is mirrored, with p = 0 none, with 0.5 about half of them.
        var always = image.ToArray();
        new Augmenter(1, new HorizontalFlip(1)).ApplyOne(always, 0, 0, 3, 20, 20, new float[image.Length]);
        HorizontalFlip.Flip(always, 3, 20, 20);
        Assert.Equal(image, always);
        var half = new Augmenter(5, new HorizontalFlip());
        var flips = 0;
        for (var i = 0; i < 400; i++)
        {
            var x = image.ToArray();
            half.ApplyOne(x, i, 0, 3, 20, 20, new float[x.Length]);
            flips += x.SequenceEqual(image) ? 0 : 1;
        }
        Assert.InRange(flips, 160, 240);
    }

    [Fact]
    public void CropPadsWithZerosAndPaddingZeroIsTheIdentity()
    {
        var image = Digit();
        var same = image.ToArray();
        new Augmenter(3, new RandomCrop(0)).ApplyOne(same, 9, 2, 1, 28, 28, new float[784]);
        Assert.Equal(image, same);

        // Against an explicit padded image: pad 4 all round, then take the 28x28 window at (dy, dx) = (1, 7).
        var padded = new float[36 * 36];
        for (var y = 0; y < 28; y++)
        {
            image.AsSpan(y * 28, 28).CopyTo(padded.AsSpan((y + 4) * 36 + 4));
        }
        var crop = new float[784];
        RandomCrop.Crop(image, 1, 28, 28, 4, 1, 7, crop);
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                Assert.Equal(padded[(y + 1) * 36 + x + 7], crop[y * 28 + x]);
            }
        }
        // Random offsets stay within 0..2P: every output pixel is an input pixel or 0.
        var step = new Augmenter(4, new RandomCrop(3));
        for (var i = 0; i < 20; i++)
        {
            var x = image.ToArray();
            step.ApplyOne(x, i, 0, 1, 28, 28, new float[784]);
            Assert.Equal(image.Sum(), x.Sum() + Lost(image, x), 3);
        }
    }

    /// <summary>How much ink a shift pushed out of the frame (non-negative when the crop only moved and cut).</summary>
    private static float Lost(float[] before, float[] after) => Math.Max(0, before.Sum() - after.Sum());

    [Fact]
    public void WarpIdentityShiftAndQuarterTurnAreExact()
    {
        var image = Photos(1, 24);
        var out1 = new float[image.Length];
        AffineWarp.Warp(image, 3, 24, 24, degrees: 0, scale: 1, shiftX: 0, shiftY: 0, out1);
        Assert.Equal(image, out1);
        var none = image.ToArray();
        new Augmenter(1, new AffineWarp(0, 0, 0)).ApplyOne(none, 5, 1, 3, 24, 24, new float[image.Length]);
        Assert.Equal(image, none);

        // Integer shift: out[y, x] = in[y - 2, x + 3], zero where that is outside.
        AffineWarp.Warp(image, 3, 24, 24, 0, 1, shiftX: -3, shiftY: 2, out1);
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 24; y++)
            {
                for (var x = 0; x < 24; x++)
                {
                    var (sy, sx) = (y - 2, x + 3);
                    var expected = sy is >= 0 and < 24 && sx is >= 0 and < 24 ? image[(c * 24 + sy) * 24 + sx] : 0f;
                    Assert.Equal(expected, out1[(c * 24 + y) * 24 + x]);
                }
            }
        }

        // A quarter turn counter-clockwise of a square image is a transpose and a vertical flip: out[y, x] = in[x, W - 1 - y].
        var digit = Digit();
        var turned = new float[784];
        AffineWarp.Warp(digit, 1, 28, 28, 90, 1, 0, 0, turned);
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                Assert.Equal(digit[x * 28 + 27 - y], turned[y * 28 + x]);
            }
        }
        // Scaling by 2 about the centre of an odd-sized image maps the centre pixel to itself.
        var odd = ImageResize.Resize(new ImagePlanes(digit, 1, 28, 28), 27, 27).Data;
        var zoomed = new float[odd.Length];
        AffineWarp.Warp(odd, 1, 27, 27, 0, 2, 0, 0, zoomed);
        Assert.Equal(odd[13 * 27 + 13], zoomed[13 * 27 + 13]);
    }

    [Fact]
    public void PcaJitterAddsTheOffsetAlongThePrincipalAxes()
    {
        const int n = 24, size = 16, plane = size * size;
        var photos = Photos(n, size);
        var pca = new PcaColorJitter(0.1);
        pca.Fit(photos, n, 3, size, size);

        // The decomposition reproduces the covariance computed here independently: Σ = Σ_i λ_i p_i p_iᵀ.
        var mean = new double[3];
        var cov = new double[3, 3];
        for (var k = 0; k < n; k++)
        {
            for (var i = 0; i < plane; i++)
            {
                for (var c = 0; c < 3; c++)
                {
                    mean[c] += photos[(k * 3 + c) * plane + i] / (double)(n * plane);
                }
            }
        }
        for (var k = 0; k < n; k++)
        {
            for (var i = 0; i < plane; i++)
            {
                for (var a = 0; a < 3; a++)
                {
                    for (var b = 0; b < 3; b++)
                    {
                        cov[a, b] += (photos[(k * 3 + a) * plane + i] - mean[a]) * (photos[(k * 3 + b) * plane + i] - mean[b]) / (n * plane);
                    }
                }
            }
        }
        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                double sum = 0;
                for (var i = 0; i < 3; i++)
                {
                    var p = pca.Eigenvector(i);
                    double[] v = [p.Red, p.Green, p.Blue];
                    sum += pca.Eigenvalues[i] * v[a] * v[b];
                }
                Assert.Equal(cov[a, b], sum, 1e-7);
            }
        }
        Assert.True(pca.Eigenvalues[0] >= pca.Eigenvalues[1] && pca.Eigenvalues[1] >= pca.Eigenvalues[2]);

        // Each image moves by one constant per channel; projected on p_i that offset is α_i λ_i with α_i ~ N(0, 0.1²).
        var augmenter = new Augmenter(11, pca);
        var alphas = new List<double>[3] { [], [], [] };
        var image = photos.AsSpan(0, 3 * plane).ToArray();
        for (var s = 0; s < 300; s++)
        {
            var x = image.ToArray();
            augmenter.ApplyOne(x, s, 0, 3, size, size, new float[x.Length]);
            var delta = new double[3];
            for (var c = 0; c < 3; c++)
            {
                delta[c] = x[c * plane] - image[c * plane];
                for (var i = 1; i < plane; i += 17)
                {
                    Assert.Equal(delta[c], x[c * plane + i] - image[c * plane + i], 1e-6);
                }
            }
            for (var i = 0; i < 3; i++)
            {
                var p = pca.Eigenvector(i);
                alphas[i].Add((delta[0] * p.Red + delta[1] * p.Green + delta[2] * p.Blue) / pca.Eigenvalues[i]);
            }
        }
        // Check the leading axis, whose λ is large enough for float offsets to measure α precisely.
        var a0 = alphas[0];
        var m = a0.Average();
        var sd = Math.Sqrt(a0.Sum(v => (v - m) * (v - m)) / a0.Count);
        Assert.InRange(m, -0.03, 0.03);
        Assert.InRange(sd, 0.085, 0.115);

        var grey = Assert.Throws<ConvKitException>(() => new Augmenter(1, new PcaColorJitter()).Prepare(Digit(), 1, 1, 28, 28));
        Assert.Contains("3-channel", grey.Message);
    }

    [Fact]
    public void SeededPerSampleAndEpochWhateverTheOrderAndThreads()
    {
        const int n = 6, size = 20, s = 3 * size * size;
        var photos = Photos(n, size);
        var augmenter = Augmenter.Parse("flip,crop:3,shift:2,rotate:10,scale:0.1,pca:0.1", seed: 42);
        augmenter.Prepare(photos, n, 3, size, size);

        float[] Run(int[] indices, int epoch)
        {
            var batch = new float[indices.Length * s];
            for (var k = 0; k < indices.Length; k++)
            {
                photos.AsSpan(indices[k] * s, s).CopyTo(batch.AsSpan(k * s));
            }
            augmenter.Apply(batch, indices, epoch, 3, size, size);
            return batch;
        }

        var threads = CpuThreads.Count;
        try
        {
            CpuThreads.Count = 2;
            var a = Run([0, 1, 2, 3, 4, 5], epoch: 0);
            Assert.Equal(a, Run([0, 1, 2, 3, 4, 5], epoch: 0));
            Assert.NotEqual(a, Run([0, 1, 2, 3, 4, 5], epoch: 1));
            Assert.NotEqual(photos, a);
            CpuThreads.Count = 1;
            var reordered = Run([4, 2, 0], epoch: 0);
            Assert.Equal(a.AsSpan(4 * s, s).ToArray(), reordered.AsSpan(0, s).ToArray());
            Assert.Equal(a.AsSpan(0, s).ToArray(), reordered.AsSpan(2 * s, s).ToArray());

            // After the first batch, the per-batch work allocates nothing.
            var batch = photos.ToArray();
            int[] all = [0, 1, 2, 3, 4, 5];
            augmenter.Apply(batch, all, 3, 3, size, size);
            var before = GC.GetAllocatedBytesForCurrentThread();
            augmenter.Apply(batch, all, 4, 3, size, size);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally
        {
            CpuThreads.Count = threads;
        }
    }

    [Fact]
    public void ParsesTheTextFormAndRefusesMistakes()
    {
        var a = Augmenter.Parse(" flip, crop:4,shift:2,rotate:10,scale:0.1,pca:0.1", 1);
        Assert.Equal("flip,crop:4,shift:2,rotate:10,scale:0.1,pca:0.1", a.ToString());
        Assert.Equal([typeof(HorizontalFlip), typeof(RandomCrop), typeof(AffineWarp), typeof(PcaColorJitter)], a.Steps.Select(s => s.GetType()));
        Assert.Equal("rotate:15,flip:0.25", Augmenter.Parse("rotate:15,flip:0.25", 1).ToString());
        Assert.Contains("Unknown augmentation 'blur'", Assert.Throws<ConvKitException>(() => Augmenter.Parse("flip,blur", 1)).Message);
        Assert.Contains("needs a value", Assert.Throws<ConvKitException>(() => Augmenter.Parse("crop", 1)).Message);
        Assert.Contains("whole number", Assert.Throws<ConvKitException>(() => Augmenter.Parse("shift:1.5", 1)).Message);
        Assert.Contains("twice", Assert.Throws<ConvKitException>(() => Augmenter.Parse("flip,flip", 1)).Message);
        Assert.Contains("[0, 1]", Assert.Throws<ConvKitException>(() => Augmenter.Parse("flip:2", 1)).Message);
        Assert.Contains("[0, 1)", Assert.Throws<ConvKitException>(() => Augmenter.Parse("scale:1.5", 1)).Message);
        Assert.Throws<ConvKitException>(() => Augmenter.Parse("", 1));
    }

    [Fact]
    public void FitAugmentsTrainingBatchesOnlyAndLeavesTheDataAlone()
    {
        const int n = 96, size = 12;
        var photos = Photos(n, size);
        var original = photos.ToArray();
        var labels = Enumerable.Range(0, n).Select(i => i % 2).ToArray();
        var model = new Sequential(
            new InputLayer(new Shape(3, size, size)),
            new Conv2D(4, 3, activation: "relu"),
            new Flatten(),
            new Dense(2, activation: "softmax"));
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
        var x = Tensor.FromBuffer(photos, new Shape(n, 3, size, size));
        var history = model.Fit(x, labels, new FitOptions
        {
            Epochs = 2, BatchSize = 16, ValidationSplit = 0.25,
            Augmentation = Augmenter.Parse("flip,crop:2,rotate:10,pca", seed: 3),
        });
        Assert.Equal(original, photos);
        // The last validation loss is the loss of the final weights on the untouched validation images.
        var (valLoss, _) = model.Evaluate(x.Slice(72, 24), labels[72..]);
        Assert.Equal(valLoss, history.Metrics["val_loss"][^1], 9);

        var grey = new Sequential(new InputLayer(new Shape(1, 4, 4)), new Flatten(), new Dense(2, activation: "softmax"));
        grey.Compile(new Adam(), new SparseCategoricalCrossentropy());
        var e = Assert.Throws<ConvKitException>(() => grey.Fit(Tensor.FromBuffer(new float[32], new Shape(2, 1, 4, 4)), [0, 1],
            new FitOptions { Augmentation = Augmenter.Parse("pca", 1) }));
        Assert.Contains("3-channel", e.Message);
    }
}
