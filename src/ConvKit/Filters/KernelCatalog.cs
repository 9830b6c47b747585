namespace ConvKit.Filters;

/// <summary>
/// The named filters by name, as the command line uses them: <c>Create("gaussian", size: 5, sigma: 1.2)</c>.
/// Names are case-insensitive; <c>box</c> is another name for <c>mean</c> and <c>laplacian</c> for
/// <c>laplacian-4</c>.
/// </summary>
public static class KernelCatalog
{
    private const string AnyOdd = "odd >= 1";

    /// <summary>All entries, in the order they are listed.</summary>
    public static IReadOnlyList<KernelCatalogEntry> Entries { get; } =
    [
        new("mean", "mean (box) blur: every weight 1/size^2, separable", AnyOdd, 3, false, true),
        new("gaussian", "Gaussian blur, separable; sigma defaults to 0.3*((size-1)/2-1)+0.8 as in OpenCV", AnyOdd, 5, true, true),
        new("sharpen", "sharpen: [[0,-1,0],[-1,5,-1],[0,-1,0]]", "3", 3, false, true),
        new("emboss", "emboss: [[-2,-1,0],[-1,1,1],[0,1,2]]", "3", 3, false, true),
        new("prewitt-x", "Prewitt x derivative: [[-1,0,1]] x 3 rows", "3", 3, false, true),
        new("prewitt-y", "Prewitt y derivative (positive when brighter below)", "3", 3, false, true),
        new("sobel-x", "Sobel x derivative, separable (OpenCV Sobel dx=1)", "3, 5, 7", 3, false, true),
        new("sobel-y", "Sobel y derivative, separable (OpenCV Sobel dy=1)", "3, 5, 7", 3, false, true),
        new("scharr-x", "Scharr x derivative: (3,10,3)^T x (-1,0,1)", "3", 3, false, true),
        new("scharr-y", "Scharr y derivative: (-1,0,1)^T x (3,10,3)", "3", 3, false, true),
        new("edge-horizontal", "horizontal edges: [[1,1,1],[0,0,0],[-1,-1,-1]]", "3", 3, false, true),
        new("edge-vertical", "vertical edges: [[1,0,-1],[1,0,-1],[1,0,-1]]", "3", 3, false, true),
        new("edge-45", "45-degree edges: [[1,1,0],[1,0,-1],[0,-1,-1]]", "3", 3, false, true),
        new("edge-135", "135-degree edges: [[0,1,1],[-1,0,1],[-1,-1,0]]", "3", 3, false, true),
        new("laplacian-4", "4-neighbour Laplacian: [[0,1,0],[1,-4,1],[0,1,0]]", "3", 3, false, true),
        new("laplacian-8", "8-neighbour Laplacian: [[1,1,1],[1,-8,1],[1,1,1]]", "3", 3, false, true),
        new("log", "Laplacian of Gaussian, zero-sum; sigma defaults as for gaussian", "odd >= 3", 5, true, true),
        new("sobel-magnitude", "Sobel gradient magnitude sqrt(gx^2+gy^2)", "3, 5, 7", 3, false, false),
        new("sobel-direction", "Sobel gradient direction atan2(gy,gx) in radians", "3, 5, 7", 3, false, false),
        new("prewitt-magnitude", "Prewitt gradient magnitude sqrt(gx^2+gy^2)", "3", 3, false, false),
        new("prewitt-direction", "Prewitt gradient direction atan2(gy,gx) in radians", "3", 3, false, false),
    ];

    /// <summary>The entry called <paramref name="name"/> (or one of its other names), or null.</summary>
    public static KernelCatalogEntry? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().ToLowerInvariant() switch
        {
            "box" or "blur" => "mean",
            "laplacian" => "laplacian-4",
            "laplacian-of-gaussian" => "log",
            var other => other,
        };
        return Entries.FirstOrDefault(e => e.Name == key);
    }

    /// <summary>
    /// Creates the filter called <paramref name="name"/>. <paramref name="size"/> and <paramref name="sigma"/> are
    /// optional; leaving them out takes the entry's defaults.
    /// </summary>
    /// <exception cref="ConvKitException">
    /// The name is unknown (the message lists the known names), the size is not allowed (even, or not 3/5/7 for
    /// Sobel, or not 3 for a fixed kernel), or sigma is given to a filter without one or is ≤ 0.
    /// </exception>
    public static NamedFilter Create(string name, int? size = null, double? sigma = null)
    {
        var entry = Find(name) ?? throw new ConvKitException(UnknownMessage(name));
        var s = size ?? entry.DefaultSize;
        if (!entry.HasSizeChoice && s != 3)
        {
            throw new ConvKitException($"Kernel '{entry.Name}' has a fixed size of 3x3, got size {s}.");
        }
        if (sigma is not null && !entry.UsesSigma)
        {
            throw new ConvKitException($"Kernel '{entry.Name}' takes no sigma (only gaussian and log do).");
        }
        if (entry.UsesSigma)
        {
            NamedKernels.RequireOdd(entry.Name, s, entry.Name == "log" ? 3 : 1);
            var sg = sigma ?? NamedKernels.DefaultSigma(s);
            var k = entry.Name == "log" ? NamedKernels.LaplacianOfGaussian(s, sg) : NamedKernels.Gaussian(s, sg);
            return new NamedFilter(entry, s, sg, k);
        }
        return entry.Name switch
        {
            "mean" => new NamedFilter(entry, s, null, NamedKernels.Mean(s)),
            "sobel-x" => new NamedFilter(entry, s, null, NamedKernels.SobelX(s)),
            "sobel-y" => new NamedFilter(entry, s, null, NamedKernels.SobelY(s)),
            "sobel-magnitude" => Gradient(entry, GradientOperator.Sobel, s, direction: false),
            "sobel-direction" => Gradient(entry, GradientOperator.Sobel, s, direction: true),
            "prewitt-magnitude" => Gradient(entry, GradientOperator.Prewitt, s, direction: false),
            "prewitt-direction" => Gradient(entry, GradientOperator.Prewitt, s, direction: true),
            _ => new NamedFilter(entry, 3, null, FixedKernel(entry.Name)),
        };
    }

    /// <summary>
    /// Every linear named kernel of <paramref name="size"/> × <paramref name="size"/>, with default σ where one is
    /// needed, leaving out any that equals an earlier one up to sign (edge-vertical is −prewitt-x, edge-horizontal is
    /// prewitt-y with the sign flipped). These are the candidates <see cref="FilterMatcher"/> compares learned
    /// filters with. Empty for even sizes.
    /// </summary>
    public static IReadOnlyList<Kernel2D> LinearKernels(int size)
    {
        var result = new List<Kernel2D>();
        if (size < 1 || size % 2 == 0)
        {
            return result;
        }
        foreach (var entry in Entries)
        {
            if (!entry.IsLinear || !Accepts(entry, size))
            {
                continue;
            }
            var kernel = Create(entry.Name, size).Kernel!;
            if (!result.Any(k => Math.Abs(Math.Abs(FilterMatcher.Cosine(k.Weights, kernel.Weights)) - 1) < 1e-6))
            {
                result.Add(kernel);
            }
        }
        return result;
    }

    /// <summary>One line per entry: name, accepted sizes, parameters and description (for <c>convkit filter --list</c>).</summary>
    public static string Describe()
    {
        var lines = Entries.Select(e =>
            $"{e.Name,-18} size {e.Sizes,-9}{(e.UsesSigma ? " sigma" : "      ")}  {e.Description}");
        return string.Join(Environment.NewLine, lines);
    }

    private static bool Accepts(KernelCatalogEntry entry, int size) => entry.Sizes switch
    {
        "3" => size == 3,
        "3, 5, 7" => size is 3 or 5 or 7,
        "odd >= 3" => size >= 3,
        _ => true,
    };

    private static NamedFilter Gradient(KernelCatalogEntry entry, GradientOperator op, int size, bool direction)
    {
        Gradients.Kernels(op, size); // validates the size
        return new NamedFilter(entry, size, null, null, op, direction);
    }

    private static Kernel2D FixedKernel(string name) => name switch
    {
        "sharpen" => NamedKernels.Sharpen(),
        "emboss" => NamedKernels.Emboss(),
        "prewitt-x" => NamedKernels.PrewittX(),
        "prewitt-y" => NamedKernels.PrewittY(),
        "scharr-x" => NamedKernels.ScharrX(),
        "scharr-y" => NamedKernels.ScharrY(),
        "edge-horizontal" => NamedKernels.EdgeHorizontal(),
        "edge-vertical" => NamedKernels.EdgeVertical(),
        "edge-45" => NamedKernels.Edge45(),
        "edge-135" => NamedKernels.Edge135(),
        "laplacian-4" => NamedKernels.Laplacian4(),
        "laplacian-8" => NamedKernels.Laplacian8(),
        _ => throw new InvalidOperationException($"No kernel for catalogue entry '{name}'."),
    };

    private static string UnknownMessage(string name)
    {
        var closest = Entries.MinBy(e => Distance(e.Name, name.Trim().ToLowerInvariant()))!;
        var hint = Distance(closest.Name, name.Trim().ToLowerInvariant()) <= 3 ? $" Did you mean '{closest.Name}'?" : "";
        return $"Unknown kernel '{name}'.{hint} Known kernels: {string.Join(", ", Entries.Select(e => e.Name))}.";
    }

    /// <summary>Levenshtein distance, for the "did you mean" hint.</summary>
    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
