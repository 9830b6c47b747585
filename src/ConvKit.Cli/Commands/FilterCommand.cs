using System.CommandLine;
using System.Globalization;
using System.Text;
using ConvKit.Filters;
using ConvKit.Imaging;

namespace ConvKit.Cli.Commands;

/// <summary>
/// <c>convkit filter</c>: classic image filtering with stated semantics.
/// <code>
/// convkit filter --kernel sobel-x --border reflect-101 in.png out.png
/// convkit filter --kernel gaussian --size 5 --sigma 1.2 in.png out.png
/// convkit filter --kernel laplacian-8 --float in.png out.npy
/// convkit filter --list
/// convkit filter --match conv1-weights.npy
/// </code>
/// </summary>
internal static class FilterCommand
{
    private static readonly string[] Borders = ["constant", "replicate", "reflect", "reflect-101", "wrap"];

    public static Command Create()
    {
        var input = new Argument<string?>("input") { Description = "Image to filter (PNG, JPEG or BMP; grey or colour).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Argument<string?>("output") { Description = "Where to write: .png or .jpg, or .npy with --float.", Arity = ArgumentArity.ZeroOrOne };
        var kernel = new Option<string?>("--kernel", "-k") { Description = "Named filter (see --list)." };
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
        var match = new Option<string?>("--match") { Description = "Compare learned filters, a .npy of shape (K, C, KH, KW), with the named kernels." };
        var perChannel = new Option<bool>("--per-channel") { Description = "With --match: match each input channel separately instead of their average." };

        var command = new Command("filter", "Filter an image with a classic kernel (blur, sharpen, Sobel, Laplacian, ...), OpenCV-compatible.");
        foreach (var o in new Option[] { kernel, size, sigma, border, borderValue, operation, extent, stride, asFloat, toByte, range, list, match, perChannel })
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
                Console.Write(MatchText(weights, parse.GetValue(perChannel)));
                return 0;
            }
            var inPath = parse.GetValue(input) ?? throw new UserErrorException("filter: give an input image and an output file, e.g. convkit filter --kernel sobel-x in.png out.png (or --list).");
            var outPath = parse.GetValue(output) ?? throw new UserErrorException("filter: give an output file after the input image.");
            var name = parse.GetValue(kernel) ?? throw new UserErrorException("filter: choose a filter with --kernel NAME (convkit filter --list shows them).");
            var options = new FilterOptions
            {
                Border = ParseBorder(parse.GetValue(border)!),
                BorderValue = parse.GetValue(borderValue),
                Operation = ParseChoice<FilterOperation>(parse.GetValue(operation)!, "--operation", "correlation", "convolution"),
                Output = ParseChoice<OutputMode>(parse.GetValue(extent)!, "--output-size", "same", "valid", "full"),
                Stride = CheckStride(parse.GetValue(stride)),
            };
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
    internal static string MatchText(string path, bool perChannel)
    {
        var array = NpyFile.Read(path);
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
