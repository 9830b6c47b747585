using System.IO.Compression;
using System.Text.Json;
using ConvKit.Filters;
using ConvKit.Imaging;

namespace ConvKit.Tests.Filters;

/// <summary>
/// Replays every case of <c>fixtures/opencv/cases.json</c> (made by <c>tools/opencv/make_filter_fixtures.py</c>
/// with OpenCV) and compares ConvKit's output with OpenCV's.
/// </summary>
public class OpenCvParityTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "opencv");
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(LoadCases);
    private static readonly Dictionary<string, Dictionary<string, byte[]>> Archives = [];

    public static TheoryData<string> CaseKeys()
    {
        var data = new TheoryData<string>();
        foreach (var key in Cases.Value.Keys)
        {
            data.Add(key);
        }
        return data;
    }

    [Fact]
    public void FixturesCoverEveryBorderKernelAndMode()
    {
        var all = Cases.Value.Values.ToArray();
        Assert.True(all.Length > 800, $"only {all.Length} cases");
        foreach (var border in new[] { "constant", "replicate", "reflect", "reflect101", "wrap" })
        {
            Assert.Contains(all, c => c.TryGetProperty("border", out var b) && b.GetString() == border);
        }
        foreach (var mode in new[] { "valid", "same", "full" })
        {
            Assert.Contains(all, c => c.TryGetProperty("output", out var m) && m.GetString() == mode && c.GetProperty("operation").GetString() == "convolution");
        }
        var named = all.Where(c => c.TryGetProperty("filter", out var f) && f.TryGetProperty("name", out _))
            .Select(c => c.GetProperty("filter").GetProperty("name").GetString()).ToHashSet();
        foreach (var entry in KernelCatalog.Entries.Where(e => e.Name != "prewitt-direction"))
        {
            Assert.Contains(entry.Name, named);
        }
    }

    [Theory]
    [MemberData(nameof(CaseKeys))]
    public void MatchesOpenCv(string key)
    {
        var c = Cases.Value[key];
        var expected = NpyFile.Parse(ReadEntry(c.GetProperty("expected").GetString()!, c.GetProperty("entry").GetString()!), key);
        var input = ImageFile.LoadBytes(Path.Combine(Root, c.GetProperty("input").GetString()!));
        var kind = c.GetProperty("kind").GetString();
        if (kind == "histogram")
        {
            var bins = c.GetProperty("bins").GetInt32();
            var hist = ColorHistogram.Compute(input.Data, input.Channels, input.Height, input.Width, bins);
            Assert.Equal(new[] { input.Channels, bins }, expected.Shape);
            Assert.Equal(expected.Data, hist);
            return;
        }
        var image = c.GetProperty("input_scale").GetString() == "byte" ? input.ToPlanes(1) : input.ToPlanes();
        var options = new FilterOptions
        {
            Operation = Enum.Parse<FilterOperation>(c.GetProperty("operation").GetString()!, ignoreCase: true),
            Output = Enum.Parse<OutputMode>(c.GetProperty("output").GetString()!, ignoreCase: true),
            Border = Enum.Parse<BorderMode>(c.GetProperty("border").GetString()!, ignoreCase: true),
            BorderValue = c.GetProperty("border_value").GetSingle(),
            StrideY = c.GetProperty("stride")[0].GetInt32(),
            StrideX = c.GetProperty("stride")[1].GetInt32(),
        };
        var output = Filter(c.GetProperty("filter"), image, options);
        var expectedShape = output.Channels == 1 ? new[] { output.Height, output.Width } : new[] { output.Height, output.Width, output.Channels };
        Assert.Equal(expectedShape, expected.Shape);
        var actual = ToHwc(output);
        var tolerance = c.GetProperty("tolerance").GetString()!;
        if (kind == "normalize")
        {
            var bytes = new byte[actual.Length];
            ByteConversion.Normalize(actual, bytes);
            AssertBytes(expected.Data, bytes, 1, key);
        }
        else if (c.GetProperty("depth").GetString() == "uint8")
        {
            var bytes = new byte[actual.Length];
            ByteConversion.Saturate(actual, bytes);
            AssertBytes(expected.Data, bytes, int.Parse(tolerance, System.Globalization.CultureInfo.InvariantCulture), key);
        }
        else if (tolerance == "angle")
        {
            AssertAngles(c, image, options, expected.Data, actual, key);
        }
        else
        {
            FilterTestData.AssertClose(expected.Data, actual, 1e-4, key);
        }
    }

    private static ImagePlanes Filter(JsonElement spec, ImagePlanes image, FilterOptions options)
    {
        if (spec.TryGetProperty("kernel", out var file))
        {
            var k = NpyFile.Read(Path.Combine(Root, file.GetString()!));
            return Filter2D.Apply(image, new Kernel2D(file.GetString()!, k.Shape[0], k.Shape[1], k.Data), options);
        }
        int? size = spec.TryGetProperty("size", out var s) ? s.GetInt32() : null;
        double? sigma = spec.TryGetProperty("sigma", out var g) ? g.GetDouble() : null;
        return KernelCatalog.Create(spec.GetProperty("name").GetString()!, size, sigma).Apply(image, options);
    }

    /// <summary>Directions agree modulo 2π where the gradient is not tiny (there the angle is noise).</summary>
    private static void AssertAngles(JsonElement c, ImagePlanes image, FilterOptions options, float[] expected, float[] actual, string key)
    {
        var magnitude = ToHwc(Gradients.Magnitude(image, GradientOperator.Sobel, c.GetProperty("filter").GetProperty("size").GetInt32(), options));
        var compared = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (magnitude[i] < 1e-3)
            {
                continue;
            }
            double d = Math.Abs(expected[i] - actual[i]);
            d = Math.Min(d, Math.Abs(d - 2 * Math.PI));
            Assert.True(d <= 1e-4, $"{key}: element {i} is {actual[i]}, expected {expected[i]}");
            compared++;
        }
        Assert.True(compared > expected.Length / 2, $"{key}: only {compared} of {expected.Length} directions compared");
    }

    private static void AssertBytes(float[] expected, byte[] actual, int tolerance, string key)
    {
        Assert.Equal(expected.Length, actual.Length);
        var off = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]);
            Assert.True(d <= tolerance, $"{key}: byte {i} is {actual[i]}, expected {expected[i]}");
            off += d > 0 ? 1 : 0;
        }
        // Where one level of difference is allowed (OpenCV's fixed-point paths), most pixels must still agree exactly.
        Assert.True(off <= actual.Length / 4, $"{key}: {off} of {actual.Length} bytes differ");
    }

    private static float[] ToHwc(ImagePlanes p)
    {
        int c = p.Channels, n = p.Height * p.Width;
        var result = new float[p.Data.Length];
        for (var k = 0; k < c; k++)
        {
            for (var i = 0; i < n; i++)
            {
                result[i * c + k] = p.Data[k * n + i];
            }
        }
        return result;
    }

    private static byte[] ReadEntry(string archive, string entry)
    {
        Dictionary<string, byte[]> entries;
        lock (Archives)
        {
            if (!Archives.TryGetValue(archive, out entries!))
            {
                entries = [];
                using var zip = ZipFile.OpenRead(Path.Combine(Root, archive));
                foreach (var e in zip.Entries)
                {
                    using var s = e.Open();
                    using var m = new MemoryStream();
                    s.CopyTo(m);
                    entries[e.FullName] = m.ToArray();
                }
                Archives[archive] = entries;
            }
        }
        return entries[entry];
    }

    private static Dictionary<string, JsonElement> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "cases.json")));
        var result = new Dictionary<string, JsonElement>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var input = Path.GetFileNameWithoutExtension(c.GetProperty("input").GetString());
            result[$"{input}:{c.GetProperty("id").GetString()}"] = c.Clone();
        }
        return result;
    }
}
