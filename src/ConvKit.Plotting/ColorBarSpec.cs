namespace ConvKit.Plotting;

/// <summary>A vertical colour bar beside a grid: the colour map drawn from 0 (bottom) to 1 (top) with three labels.</summary>
internal sealed record ColorBarSpec(Func<float, Rgb> Map, string Top, string Middle, string Bottom)
{
    /// <summary>A bar for values scaled linearly from [min, max] to [0, 1].</summary>
    public static ColorBarSpec ForRange(Func<float, Rgb> map, double min, double max) =>
        new(map, Format(max), Format((min + max) / 2), Format(min));

    private static string Format(double v)
    {
        if (v == 0)
        {
            return "0";
        }
        var a = Math.Abs(v);
        return a is >= 1e-3 and < 1e5
            ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)
            : v.ToString("0.##e0", System.Globalization.CultureInfo.InvariantCulture);
    }
}
