using System.CommandLine;
using System.Globalization;
using System.Text;
using ConvKit.Filters;
using ConvKit.Imaging;
using ConvKit.Plotting;

namespace ConvKit.Cli.Commands;

/// <summary>
/// <c>convkit filter</c>: classic image filtering with stated semantics.
/// <code>
/// convkit filter --kernel sobel-x --border reflect-101 in.png out.png
/// convkit filter --kernel gaussian --size 5 --sigma 1.2 in.png out.png
/// convkit filter --kernel laplacian-8 --float in.png out.npy
/// convkit filter --grid --kernel gaussian:7:2,sobel-x,sobel-magnitude in.png grid.png
/// convkit filter --list
/// convkit filter --match conv1-weights.npy
/// </code>
/// </summary>
internal static class FilterCommand
{
    private static readonly string[] Borders = ["constant", "replicate", "reflect", "reflect-101", "wrap"];

    /// <summary>The filters a grid shows when <c>--kernel</c> is not given.</summary>
    internal const string DefaultGrid = "gaussian:7:2,sharpen,emboss,sobel-x,sobel-y,sobel-magnitude,laplacian-8,log:9:1.4";

    public static Command Create()
    {
        var input = new Argument<string?>("input") { Description = "Image to filter (PNG, JPEG or BMP; grey or colour).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Argument<string?>("output") { Description = "Where to write: .png or .jpg, or .npy with --float.", Arity = ArgumentArity.ZeroOrOne };
        var kernel = new Option<string?>("--kernel", "-k")
        {
            Description = "Named filter (see --list). With --grid, a comma-separated list of NAME[:SIZE[:SIGMA]].",
        };
        var size = new Option<int?>("--size", "-s") { Description = "Kernel size (odd; 3, 5 or 7 for Sobel)." };
        var sigma = new Option<double?>("--sigma") { Description = "Gaussian sigma in pixels for gaussian and log (> 0)." };
        var border = new Option<string>("--border", "-b")
        {
            Description = "Border: constant, replicate, reflect, reflect-101 (OpenCV's default) or wrap.",
            DefaultValueFactory = _ => "reflect-101",
        };
        var borderValue = new Option<float>("--border-value") { Description = "Pixel value outside the image for --border constant (same units as the image)." };
        var operation = new Option<string>("--operation")
        {
            Description = "correlation (what CNNs and OpenCV compute) or convolution (kernel turned 180 degrees).",
            DefaultValueFactory = _ => "correlation",
        };
        var extent = new Option<string>("--output-size")
        {
            Description = "same (one output per pixel), valid (kernel inside the image) or full.",
            DefaultValueFactory = _ => "same",
        };
        var stride = new Option<int>("--stride") { Description = "Step between outputs, in pixels.", DefaultValueFactory = _ => 1 };
        var asFloat = new Option<bool>("--float") { Description = "Write the unclipped float32 result as a NumPy .npy array (H x W, or H x W x C)." };
        var toByte = new Option<string?>("--to-byte")
        {
            Description = "How floats become 8-bit pixels: saturate (clip, OpenCV's way), abs, or normalize (stretch min..max). Default saturate (normalize for directions).",
        };
        var range = new Option<string>("--range")
        {
            Description = "Pixel units: unit (0..1, the default) or byte (0..255, as OpenCV filters 8-bit images).",
            DefaultValueFactory = _ => "unit",
        };
        var list = new Option<bool>("--list") { Description = "List the named filters and exit." };
        var match = new Option<string?>("--match") { Description = "Compare learned filters with the named kernels: a trained model file (its first Conv2D layer, or --layer) or a .npy of shape (K, C, KH, KW)." };
        var layer = new Option<string?>("--layer") { Description = "With --match on a model file: the convolution layer to compare (default: the first)." };
        var perChannel = new Option<bool>("--per-channel") { Description = "With --match: match each input channel separately instead of their average." };
        var grid = new Option<bool>("--grid") { Description = "Write one PNG with the original and several filters side by side, labelled." };
        var columns = new Option<int>("--columns") { Description = "Tiles per row with --grid.", DefaultValueFactory = _ => 3 };

        var command = new Command("filter", "Filter an image with a classic kernel (blur, sharpen, Sobel, Laplacian, ...), OpenCV-compatible.");
        foreach (var o in new Option[] { kernel, size, sigma, border, borderValue, operation, extent, stride, asFloat, toByte, range, list, match, perChannel, layer, grid, columns })
        {
            command.Options.Add(o);
        }
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        command.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                Console.WriteLine(ListText());
                return 0;
            }
            if (parse.GetValue(match) is { } weights)
            {
                Console.Write(MatchText(weights, parse.GetValue(perChannel), parse.GetValue(layer)));
                return 0;
            }
            var inPath = parse.GetValue(input) ?? throw new UserErrorException("filter: give an input image and an output file, e.g. convkit filter --kernel sobel-x in.png out.png (or --list).");
            var outPath = parse.GetValue(output) ?? throw new UserErrorException("filter: give an output file after the input image.");
            var options = new FilterOptions
            {
                Border = ParseBorder(parse.GetValue(border)!),
                BorderValue = parse.GetValue(borderValue),
                Operation = ParseChoice<FilterOperation>(parse.GetValue(operation)!, "--operation", "correlation", "convolution"),
                Output = ParseChoice<OutputMode>(parse.GetValue(extent)!, "--output-size", "same", "valid", "full"),
                Stride = CheckStride(parse.GetValue(stride)),
            };
            if (parse.GetValue(grid))
            {
                if (parse.GetValue(size) is not null || parse.GetValue(sigma) is not null)
                {
                    throw new UserErrorException("With --grid, give sizes and sigmas in the list: --kernel gaussian:5:1.2,sobel-x:7.");
                }
                var filters = ParseGridList(parse.GetValue(kernel) ?? DefaultGrid);
                Console.WriteLine(Grid(inPath, outPath, filters, options, parse.GetValue(columns)));
                return 0;
            }
            var name = parse.GetValue(kernel) ?? throw new UserErrorException("filter: choose a filter with --kernel NAME (convkit filter --list shows them).");
            var byteRange = ParseRange(parse.GetValue(range)!);
            var filter = KernelCatalog.Create(name, parse.GetValue(size), parse.GetValue(sigma));
            var conversion = parse.GetValue(toByte) is { } t
                ? ParseChoice<ByteConversionMode>(t == "abs" ? "absolute" : t, "--to-byte", "saturate", "abs", "normalize")
                : (ByteConversionMode?)null;
            var message = Run(inPath, outPath, filter, options, parse.GetValue(asFloat), conversion, byteRange);
            Console.WriteLine(message);
            return 0;
        });
        return command;
    }

    /// <summary>Filters <paramref name="inPath"/> into <paramref name="outPath"/>; returns the line to print.</summary>
    internal static string Run(string inPath, string outPath, NamedFilter filter, FilterOptions options, bool asFloat, ByteConversionMode? conversion, bool byteRange)
    {
        var outExtension = Path.GetExtension(outPath).ToLowerInvariant();
        if (asFloat && outExtension != ".npy")
        {
            throw new UserErrorException($"--float writes a NumPy array; name the output file .npy, not '{Path.GetFileName(outPath)}'.");
        }
        if (!asFloat && outExtension == ".npy")
        {
            throw new UserErrorException("The output is a .npy file; add --float to write the float result, or name a .png or .jpg file.");
        }
        if (!asFloat && outExtension is not (".png" or ".jpg" or ".jpeg"))
        {
            throw new UserErrorException($"Cannot write '{outPath}': use .png, .jpg or .jpeg (or .npy with --float).");
        }
        var bytes = ImageFile.LoadBytes(inPath);
        var image = byteRange ? bytes.ToPlanes(1) : bytes.ToPlanes();
        var result = filter.Apply(image, options);
        var shapes = $"{filter.Caption}, {options.Operation.ToString().ToLowerInvariant()}, {BorderName(options.Border)} border: {image} -> {result}";
        if (asFloat)
        {
            NpyFile.WriteImage(outPath, result);
            return $"wrote {outPath} (float32 .npy, {shapes})";
        }
        var mode = conversion ?? (filter.Name.EndsWith("-direction", StringComparison.Ordinal) ? ByteConversionMode.Normalize : ByteConversionMode.Saturate);
        var scale = byteRange ? 1f : 255f;
        ImageFile.Save(outPath, ByteImage.FromPlanes(result, mode, scale));
        var note = mode == ByteConversionMode.Saturate ? ClippingNote(result.Data, byteRange ? 255 : 1) : "";
        return $"wrote {outPath} ({shapes}; {mode.ToString().ToLowerInvariant()} to 8 bits){note}";
    }

    /// <summary>
    /// Writes the grid picture: the original, then each filter's output, labelled with its caption. Outputs that
    /// keep the brightness (kernels summing to 1: blurs, sharpen, emboss) are shown clipped to [0, 1]; signed
    /// responses are shown with zero as mid-grey and the 99.5th percentile of |response| as black or white, and a
    /// magnitude with zero as black.
    /// </summary>
    internal static string Grid(string inPath, string outPath, IReadOnlyList<NamedFilter> filters, FilterOptions options, int columns)
    {
        if (!string.Equals(Path.GetExtension(outPath), ".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserErrorException($"--grid writes a PNG picture; name the output file .png, not '{Path.GetFileName(outPath)}'.");
        }
        if (columns < 1)
        {
            throw new UserErrorException($"--columns must be at least 1, got {columns}.");
        }
        var image = ImageFile.Load(inPath);
        var tiles = new List<LabelledImage> { new(image.Data, image.Channels, image.Height, image.Width, "original") };
        foreach (var filter in filters)
        {
            var result = filter.Apply(image, options);
            tiles.Add(new LabelledImage(ForDisplay(result, filter), result.Channels, result.Height, result.Width, filter.Caption));
        }
        var title = $"{Path.GetFileName(inPath)}: {options.Operation.ToString().ToLowerInvariant()}, {BorderName(options.Border)} border";
        LabelledImageGrid.Save(outPath, tiles, columns, title);
        return $"wrote {outPath} ({tiles.Count} tiles: original, {string.Join(", ", filters.Select(f => f.Caption))})";
    }

    /// <summary>Parses <c>name[:size[:sigma]]</c> items separated by commas.</summary>
    internal static IReadOnlyList<NamedFilter> ParseGridList(string text)
    {
        var filters = new List<NamedFilter>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':');
            if (parts.Length > 3)
            {
                throw new UserErrorException($"Cannot read '{item}' in --kernel; write NAME, NAME:SIZE or NAME:SIZE:SIGMA.");
            }
            int? size = parts.Length > 1 ? ParseNumber(parts[1], item, s => int.Parse(s, CultureInfo.InvariantCulture)) : null;
            double? sigma = parts.Length > 2 ? ParseNumber(parts[2], item, s => double.Parse(s, CultureInfo.InvariantCulture)) : null;
            filters.Add(KernelCatalog.Create(parts[0], size, sigma));
        }
        if (filters.Count == 0)
        {
            throw new UserErrorException("--kernel lists no filters.");
        }
        return filters;
    }

    /// <summary>Maps a filter output to [0, 1] for the grid (see <see cref="Grid"/>).</summary>
    internal static float[] ForDisplay(ImagePlanes result, NamedFilter filter)
    {
        var data = (float[])result.Data.Clone();
        if (filter.Kernel is { } k && Math.Abs(k.Sum - 1) < 1e-3)
        {
            return data;
        }
        var magnitude = filter.Name.EndsWith("-magnitude", StringComparison.Ordinal);
        var sorted = data.Select(MathF.Abs).Order().ToArray();
        var scale = sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.995))];
        scale = scale > 0 ? scale : 1;
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = magnitude ? data[i] / scale : 0.5f + 0.5f * data[i] / scale;
        }
        return data;
    }

    private static T ParseNumber<T>(string text, string item, Func<string, T> parse)
    {
        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            throw new UserErrorException($"Cannot read '{text}' in '{item}' as a number.");
        }
        catch (OverflowException)
        {
            throw new UserErrorException($"'{text}' in '{item}' is out of range.");
        }
    }

    /// <summary>The text of <c>--list</c>.</summary>
    internal static string ListText()
    {
        var text = new StringBuilder();
        text.AppendLine("Named filters (--kernel NAME [--size N] [--sigma S]):");
        text.AppendLine(KernelCatalog.Describe());
        text.AppendLine();
        text.AppendLine("Borders (--border): " + string.Join(", ", Borders) + " (default reflect-101, as OpenCV).");
        text.AppendLine("Operation (--operation): correlation (default, as CNNs and OpenCV) or convolution (kernel turned 180 degrees).");
        text.Append("Output size (--output-size): same (default), valid or full; --stride N keeps every N-th output.");
        return text.ToString();
    }

    /// <summary>The table printed by <c>--match</c>: one line per learned filter (or filter and channel).</summary>
    internal static string MatchText(string path, bool perChannel, string? layerName = null)
    {
        var array = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? NpyFile.Read(path) : ModelFilters(path, layerName);
        var s = array.Shape;
        var (k, c, kh, kw) = s.Length switch
        {
            4 => (s[0], s[1], s[2], s[3]),
            3 => (s[0], 1, s[1], s[2]),
            _ => throw new UserErrorException($"'{path}' holds an array of shape ({string.Join(", ", s)}); learned filters need (K, C, KH, KW) or (K, KH, KW)."),
        };
        var matches = FilterMatcher.Match(array.Data, k, c, kh, kw, perChannel ? ChannelMatching.PerChannel : ChannelMatching.Averaged);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{k} learned {kh}x{kw} filters over {c} channel(s) from {path}; closest named kernel by |cosine|:");
        text.AppendLine("filter  channel  closest kernel              cosine");
        foreach (var m in matches)
        {
            var channel = m.Channel < 0 ? "mean" : m.Channel.ToString(CultureInfo.InvariantCulture);
            var sign = m.IsNegated ? "  (negated)" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"{m.Filter,6}  {channel,7}  {m.KernelName,-26}  {m.Cosine,6:F3}{sign}");
        }
        return text.ToString();
    }

    /// <summary>The kernel (K, C, KH, KW) of a convolution layer of a saved model, as an array.</summary>
    private static NpyArray ModelFilters(string path, string? layerName)
    {
        var model = ModelSource.Load(path);
        var convs = model.Layers.OfType<ConvKit.Layers.Convolution.Conv2D>().ToArray();
        if (convs.Length == 0)
        {
            throw new UserErrorException($"Model '{path}' has no Conv2D layer to compare.");
        }
        var conv = layerName is null ? convs[0] : convs.FirstOrDefault(l => l.Name == layerName)
            ?? throw new UserErrorException($"Model '{path}' has no Conv2D layer named '{layerName}'; its convolutions are {string.Join(", ", convs.Select(l => l.Name))}.");
        return new NpyArray(conv.Kernel.Value.ToArray(), conv.Kernel.Shape.ToArray(), "<f4");
    }

    internal static BorderMode ParseBorder(string text) => text.Trim().ToLowerInvariant() switch
    {
        "constant" => BorderMode.Constant,
        "replicate" => BorderMode.Replicate,
        "reflect" => BorderMode.Reflect,
        "reflect-101" or "reflect101" or "reflect_101" => BorderMode.Reflect101,
        "wrap" => BorderMode.Wrap,
        _ => throw new UserErrorException($"Unknown border '{text}'; use one of {string.Join(", ", Borders)}."),
    };

    internal static string BorderName(BorderMode mode) => mode == BorderMode.Reflect101 ? "reflect-101" : mode.ToString().ToLowerInvariant();

    private static T ParseChoice<T>(string text, string option, params string[] choices) where T : struct, Enum
    {
        if (!int.TryParse(text, out _) && Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }
        throw new UserErrorException($"Unknown {option} '{text}'; use one of {string.Join(", ", choices)}.");
    }

    private static bool ParseRange(string text) => text.Trim().ToLowerInvariant() switch
    {
        "unit" => false,
        "byte" => true,
        _ => throw new UserErrorException($"Unknown --range '{text}'; use unit (0..1) or byte (0..255)."),
    };

    private static int CheckStride(int stride) =>
        stride >= 1 ? stride : throw new UserErrorException($"--stride must be at least 1, got {stride}.");

    /// <summary>A warning when saturating clipped a noticeable share of the values (negative edges, bright overshoot).</summary>
    private static string ClippingNote(ReadOnlySpan<float> values, float max)
    {
        int below = 0, above = 0;
        foreach (var v in values)
        {
            if (v < -0.5f / 255 * max)
            {
                below++;
            }
            else if (v > max * (1 + 0.5f / 255))
            {
                above++;
            }
        }
        var share = (below + above) / (double)Math.Max(1, values.Length);
        if (share < 0.01)
        {
            return "";
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.NewLine}note: {share:P1} of the values were outside the 8-bit range and clipped ({below} below 0, {above} above the maximum); use --to-byte abs or normalize, or --float, to keep them");
    }
}
