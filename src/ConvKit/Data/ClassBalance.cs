using System.Globalization;
using System.Text;

namespace ConvKit.Data;

/// <summary>
/// How the images of a set divide among its classes: count and share per class, and the imbalance ratio
/// <c>max_c n_c / min_c n_c</c> (infinite when a class is empty). A ratio above <see cref="WarnAbove"/> sets
/// <see cref="IsImbalanced"/>, and <see cref="ToText"/> adds a warning line: on imbalanced data plain accuracy
/// flatters a model that favours the large classes.
/// </summary>
/// <example>
/// <code>
/// Console.Write(train.ClassBalance().ToText());
/// // Class balance: 120 images, 2 classes
/// //   cat     80  66.7%
/// //   dog     40  33.3%
/// // Imbalance ratio (largest / smallest class): 2.00
/// // Warning: the classes are imbalanced (ratio 2.00 > 1.50); ...
/// </code>
/// </example>
public sealed record ClassBalance
{
    /// <summary>The default ratio above which the report warns.</summary>
    public const double DefaultWarnAbove = 1.5;

    /// <summary>One entry per class, in class order.</summary>
    public required IReadOnlyList<ClassShare> Classes { get; init; }

    /// <summary>Images in the set.</summary>
    public required int Total { get; init; }

    /// <summary>Largest class count over smallest; <see cref="double.PositiveInfinity"/> when a class has no images.</summary>
    public required double ImbalanceRatio { get; init; }

    /// <summary>The ratio above which <see cref="IsImbalanced"/> is true.</summary>
    public double WarnAbove { get; init; } = DefaultWarnAbove;

    /// <summary>Whether <see cref="ImbalanceRatio"/> exceeds <see cref="WarnAbove"/>.</summary>
    public bool IsImbalanced => ImbalanceRatio > WarnAbove;

    /// <summary>The report for <paramref name="counts"/>[c] images of class <paramref name="classNames"/>[c].</summary>
    /// <exception cref="ArgumentException">The two lists differ in length or are empty, or a count is negative.</exception>
    public static ClassBalance FromCounts(IReadOnlyList<string> classNames, IReadOnlyList<int> counts, double warnAbove = DefaultWarnAbove)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(counts);
        if (classNames.Count != counts.Count || counts.Count == 0)
        {
            throw new ArgumentException($"Need one count per class, got {counts.Count} counts for {classNames.Count} classes.", nameof(counts));
        }
        long total = 0;
        int max = 0, min = int.MaxValue;
        foreach (var n in counts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(counts));
            total += n;
            max = Math.Max(max, n);
            min = Math.Min(min, n);
        }
        var classes = new ClassShare[counts.Count];
        for (var c = 0; c < classes.Length; c++)
        {
            classes[c] = new ClassShare(classNames[c], counts[c], total == 0 ? 0 : (double)counts[c] / total);
        }
        return new ClassBalance
        {
            Classes = classes,
            Total = checked((int)total),
            ImbalanceRatio = min == 0 ? (max == 0 ? 1 : double.PositiveInfinity) : (double)max / min,
            WarnAbove = warnAbove,
        };
    }

    /// <summary>The report as lines of text: a header, one line per class, the ratio, and a warning when imbalanced.</summary>
    public string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"Class balance: {Total:N0} images, {Classes.Count} classes\n");
        var nameWidth = Classes.Max(c => c.Name.Length);
        var countWidth = Classes.Max(c => c.Count.ToString("N0", inv).Length);
        foreach (var c in Classes)
        {
            sb.Append(inv, $"  {c.Name.PadRight(nameWidth)}  {c.Count.ToString("N0", inv).PadLeft(countWidth)}  {c.Share * 100,5:0.0}%\n");
        }
        var ratio = Ratio(ImbalanceRatio);
        sb.Append(inv, $"Imbalance ratio (largest / smallest class): {ratio}\n");
        if (IsImbalanced)
        {
            sb.Append(inv, $"Warning: the classes are imbalanced (ratio {ratio} > {WarnAbove:0.00}); accuracy alone can mislead, so compare per-class results or rebalance the classes.\n");
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToText();

    private static string Ratio(double r) => double.IsPositiveInfinity(r) ? "infinite (a class has no images)" : r.ToString("0.00", CultureInfo.InvariantCulture);
}
