namespace ConvKit.Kernels.Cpu.Pooling;

/// <summary>The part of a pooling window that lies inside the input, along one axis.</summary>
internal static class PoolWindow
{
    /// <summary>
    /// Input range [Start, End) covered by output position <paramref name="o"/>: the window
    /// [o * stride - pad, o * stride - pad + pool) clipped to [0, size). Empty (Start &gt;= End) when the window is all padding.
    /// </summary>
    public static (int Start, int End) Clip(int o, int stride, int pad, int pool, int size)
    {
        var begin = (long)o * stride - pad;
        var start = (int)Math.Clamp(begin, 0, size);
        var end = (int)Math.Clamp(begin + pool, 0, size);
        return (start, end);
    }
}
