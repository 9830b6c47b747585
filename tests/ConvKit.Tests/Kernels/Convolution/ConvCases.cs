using ConvKit.Kernels.Cpu.Convolution;

namespace ConvKit.Tests.Kernels.Convolution;

/// <summary>Convolution geometries that exercise the awkward corners of the im2col lowering.</summary>
internal static class ConvCases
{
    public static readonly (string Name, Conv2DGeometry Geometry)[] All =
    [
        ("3x3 same", Conv2DGeometry.Create(3, 7, 7, 4, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        ("3x3 valid stride 2", Conv2DGeometry.Create(2, 9, 8, 3, 3, 3, strideHeight: 2, strideWidth: 2)),
        // TensorFlow 'same' with stride 2 on an even input pads 0 on top/left and 1 at the bottom/right.
        ("tf same stride 2", Conv2DGeometry.Create(3, 8, 10, 5, 3, 3, strideHeight: 2, strideWidth: 2, padBottom: 1, padRight: 1)),
        ("asymmetric 4x4", Conv2DGeometry.Create(2, 6, 7, 3, 4, 4, padTop: 1, padBottom: 2, padLeft: 2, padRight: 1)),
        ("full padding", Conv2DGeometry.Create(2, 5, 6, 3, 3, 3, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2)),
        ("dilation 2", Conv2DGeometry.Create(3, 9, 8, 4, 3, 3, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2, dilationHeight: 2, dilationWidth: 2)),
        ("groups 2", Conv2DGeometry.Create(4, 6, 6, 6, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 2)),
        ("depthwise", Conv2DGeometry.Create(5, 7, 6, 5, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 5)),
        ("depthwise x2 stride 2", Conv2DGeometry.Create(3, 9, 9, 6, 3, 3, strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 3)),
        ("pointwise", Conv2DGeometry.Create(6, 5, 4, 5, 1, 1)),
        ("pointwise groups 3", Conv2DGeometry.Create(6, 3, 5, 9, 1, 1, groups: 3)),
        ("1x1 stride 2", Conv2DGeometry.Create(3, 7, 6, 4, 1, 1, strideHeight: 2, strideWidth: 2)),
        ("odd channels", Conv2DGeometry.Create(5, 6, 5, 7, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        ("5x5 stride 2", Conv2DGeometry.Create(2, 11, 10, 3, 5, 5, strideHeight: 2, strideWidth: 2, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2)),
        ("2x3 strides 1,2", Conv2DGeometry.Create(3, 7, 9, 4, 2, 3, strideHeight: 1, strideWidth: 2, padLeft: 1)),
        ("stride 3 skips rows", Conv2DGeometry.Create(2, 10, 10, 3, 2, 2, strideHeight: 3, strideWidth: 3)),
        ("seed-mnist conv2", Conv2DGeometry.Create(16, 14, 14, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        ("keras-mnist conv1", Conv2DGeometry.Create(1, 28, 28, 32, 3, 3)),
        ("seed-mnist conv1", Conv2DGeometry.Create(1, 28, 28, 16, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        ("5x5 same 9 filters", Conv2DGeometry.Create(3, 12, 11, 9, 5, 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2)),
        ("8 to 10 dilated asymmetric", Conv2DGeometry.Create(8, 9, 11, 10, 3, 2, padTop: 2, padBottom: 1, padLeft: 1, dilationHeight: 2)),
        ("keras-mnist conv2", Conv2DGeometry.Create(32, 26, 26, 64, 3, 3)),
        // Odd output sizes (partial 2x2 tiles), filters not a multiple of 8, uneven padding on every side.
        ("17 to 11 odd sizes", Conv2DGeometry.Create(17, 9, 11, 11, 3, 3, padTop: 1, padBottom: 2, padLeft: 2)),
        ("33 to 12 odd sizes", Conv2DGeometry.Create(33, 7, 9, 12, 3, 3, padTop: 1, padBottom: 1, padLeft: 2, padRight: 2)),
        ("20 to 16 odd sizes", Conv2DGeometry.Create(20, 11, 9, 16, 3, 3, padTop: 2, padLeft: 1, padRight: 2)),
        // The widest output a Winograd tile row takes (15 tiles), and a narrow one with many tile rows per block.
        ("16 to 8 wide", Conv2DGeometry.Create(16, 5, 30, 8, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        ("24 to 9 narrow", Conv2DGeometry.Create(24, 13, 5, 9, 3, 3, padBottom: 1)),
        // Around the widths where a Winograd output row needs a second 16-wide vector (16 and 17 columns) and where
        // two tile rows share one for the input transform (7 tiles, 13 columns).
        ("16 to 8 width 16", Conv2DGeometry.Create(16, 5, 16, 8, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        ("16 to 8 width 17", Conv2DGeometry.Create(16, 6, 17, 8, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        ("16 to 9 width 13", Conv2DGeometry.Create(16, 7, 13, 9, 3, 3, padTop: 1, padLeft: 1, padRight: 1)),
        // Rows of 13 tiles, so Winograd blocks of 48 tiles start inside rows, with enough channels for its filter
        // gradient and filters not a multiple of 8.
        ("32 to 12 rows of 13", Conv2DGeometry.Create(32, 9, 26, 12, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        // 40 im2col rows: the shifted-rows filter gradient's last step of 3 rows has only one.
        ("10 to 8 2x2", Conv2DGeometry.Create(10, 6, 7, 8, 2, 2, padTop: 1, padRight: 1)),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in All)
        {
            data.Add(name);
        }
        return data;
    }

    public static Conv2DGeometry Get(string name) => All.Single(c => c.Name == name).Geometry;

    public static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = random.NextSingle() * 2f - 1f;
        }
        return x;
    }

    /// <summary>Asserts |actual - expected| &lt;= 1e-5 * sqrt(terms) * (1 + max |expected|) element by element.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int terms, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0.0;
        foreach (var e in expected)
        {
            max = Math.Max(max, Math.Abs(e));
        }
        var tolerance = 1e-5 * Math.Sqrt(Math.Max(terms, 1)) * (1 + max);
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(error <= tolerance, $"{what}[{i}] = {actual[i]}, expected {expected[i]} (error {error:E2} > {tolerance:E2}).");
        }
    }
}
