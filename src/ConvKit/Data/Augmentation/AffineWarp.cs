using System.Globalization;

namespace ConvKit.Data.Augmentation;

/// <summary>
/// Small shifts, rotations and scalings as one bilinear affine warp about the image centre, with zero outside the
/// image. Per image it draws integer shifts <c>tx, ty</c> uniform in <c>−S..S</c>, an angle <c>θ</c> uniform in
/// <c>[−R, R]</c> degrees and a scale <c>s</c> uniform in <c>[1 − Z, 1 + Z]</c>; see <see cref="Warp"/> for the map.
/// </summary>
public sealed class AffineWarp : AugmentationStep
{
    /// <summary>A warp with shifts up to <paramref name="maxShift"/> pixels, rotations up to <paramref name="maxDegrees"/> and scalings up to ±<paramref name="maxScale"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A range is negative, or <paramref name="maxScale"/> is 1 or more.</exception>
    public AffineWarp(int maxShift = 0, double maxDegrees = 0, double maxScale = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        if (!(maxDegrees is >= 0 and <= 180))
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegrees), maxDegrees, "The rotation range must be in [0, 180] degrees.");
        }
        if (!(maxScale is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxScale), maxScale, "The scale range must be in [0, 1).");
        }
        MaxShift = maxShift;
        MaxDegrees = maxDegrees;
        MaxScale = maxScale;
    }

    /// <summary>Largest shift in pixels, each axis.</summary>
    public int MaxShift { get; }

    /// <summary>Largest rotation in degrees, either way.</summary>
    public double MaxDegrees { get; }

    /// <summary>Largest relative change of size: the scale is in [1 − MaxScale, 1 + MaxScale].</summary>
    public double MaxScale { get; }

    /// <inheritdoc/>
    public override string Spec => string.Join(",", new[]
    {
        MaxShift > 0 ? string.Create(CultureInfo.InvariantCulture, $"shift:{MaxShift}") : null,
        MaxDegrees > 0 ? string.Create(CultureInfo.InvariantCulture, $"rotate:{MaxDegrees}") : null,
        MaxScale > 0 ? string.Create(CultureInfo.InvariantCulture, $"scale:{MaxScale}") : null,
    }.Where(s => s is not null));

    /// <summary>
    /// Warps <paramref name="source"/> (channels, height, width) into <paramref name="destination"/>: the image is
    /// scaled by <paramref name="scale"/>, rotated by <paramref name="degrees"/> (counter-clockwise on screen)
    /// about its centre <c>(cx, cy) = ((W − 1)/2, (H − 1)/2)</c>, then moved by (<paramref name="shiftX"/>,
    /// <paramref name="shiftY"/>) pixels. Output pixel (x, y) reads the source bilinearly at
    /// <c>u = x − cx − tx, v = y − cy − ty, sx = cx + (u·cos θ − v·sin θ)/s, sy = cy + (u·sin θ + v·cos θ)/s</c>,
    /// neighbours outside the image counting as 0. The identity parameters copy the image exactly, and so do
    /// integer shifts and multiples of 90° (the sines and cosines come from <c>SinCosPi</c>, exact there).
    /// </summary>
    public static void Warp(ReadOnlySpan<float> source, int channels, int height, int width, double degrees, double scale, double shiftX, double shiftY, Span<float> destination)
    {
        var (sin, cos) = double.SinCosPi(degrees / 180.0);
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        double a = cos / scale, b = -sin / scale, c = sin / scale, d = cos / scale;
        var plane = height * width;
        for (var y = 0; y < height; y++)
        {
            var v = y - cy - shiftY;
            for (var x = 0; x < width; x++)
            {
                var u = x - cx - shiftX;
                var sx = cx + a * u + b * v;
                var sy = cy + c * u + d * v;
                var fx0 = Math.Floor(sx);
                var fy0 = Math.Floor(sy);
                if (fx0 < -1 || fy0 < -1 || fx0 >= width || fy0 >= height)
                {
                    for (var ch = 0; ch < channels; ch++)
                    {
                        destination[ch * plane + y * width + x] = 0f;
                    }
                    continue;
                }
                int x0 = (int)fx0, y0 = (int)fy0;
                var fx = (float)(sx - fx0);
                var fy = (float)(sy - fy0);
                bool left = x0 >= 0, right = x0 + 1 < width, top = y0 >= 0, bottom = y0 + 1 < height;
                for (var ch = 0; ch < channels; ch++)
                {
                    var src = source.Slice(ch * plane, plane);
                    var p00 = left && top ? src[y0 * width + x0] : 0f;
                    var p01 = right && top ? src[y0 * width + x0 + 1] : 0f;
                    var p10 = left && bottom ? src[(y0 + 1) * width + x0] : 0f;
                    var p11 = right && bottom ? src[(y0 + 1) * width + x0 + 1] : 0f;
                    // Exact when fx or fy is 0: the far neighbour gets weight 0 and the near one weight 1.
                    var upper = fx == 0 ? p00 : p00 * (1 - fx) + p01 * fx;
                    var lower = fx == 0 ? p10 : p10 * (1 - fx) + p11 * fx;
                    destination[ch * plane + y * width + x] = fy == 0 ? upper : upper * (1 - fy) + lower * fy;
                }
            }
        }
    }

    internal override void Apply(Span<float> image, int channels, int height, int width, ref SplitMix64 random, Span<float> scratch)
    {
        var tx = random.NextBelow(2 * MaxShift + 1) - MaxShift;
        var ty = random.NextBelow(2 * MaxShift + 1) - MaxShift;
        var degrees = (2 * random.NextDouble() - 1) * MaxDegrees;
        var scale = 1 + (2 * random.NextDouble() - 1) * MaxScale;
        if (tx == 0 && ty == 0 && degrees == 0 && scale == 1)
        {
            return;
        }
        var copy = scratch[..image.Length];
        image.CopyTo(copy);
        Warp(copy, channels, height, width, degrees, scale, tx, ty, image);
    }
}
