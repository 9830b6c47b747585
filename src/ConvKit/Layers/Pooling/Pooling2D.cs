using System.Text.Json.Nodes;
using ConvKit.Kernels.Cpu.Pooling;
using ConvKit.Layers.Convolution;
using ConvKit.Tensors;

namespace ConvKit.Layers.Pooling;

/// <summary>
/// The shared part of max and average pooling: a window of <c>poolSize</c> moved by <c>strides</c> (the pool size
/// when not given; a stride smaller than the window gives overlapping pooling, as in AlexNet) over every channel.
/// Input (N, C, H, W) -> output (N, C, OH, OW). No parameters.
/// </summary>
public abstract class Pooling2D : Layer
{
    private Pool2DGeometry _geometry;

    protected Pooling2D((int Height, int Width) poolSize, (int Height, int Width)? strides, Padding? padding, string? name) : base(name)
    {
        var s = strides ?? poolSize;
        if (poolSize.Height <= 0 || poolSize.Width <= 0 || s.Height <= 0 || s.Width <= 0)
        {
            throw new ConvKitException($"{GetType().Name} pool size and strides must be positive, got pool {poolSize} and strides {s}.");
        }
        PoolSize = poolSize;
        Strides = s;
        Padding = padding ?? Padding.Valid;
        if (Padding.Mode == PaddingMode.Full)
        {
            throw new ConvKitException("Pooling supports valid, same or explicit padding, not full.");
        }
    }

    public (int Height, int Width) PoolSize { get; }

    public (int Height, int Width) Strides { get; }

    public Padding Padding { get; }

    public Pool2DGeometry Geometry => _geometry;

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 3)
        {
            throw ShapeError($"expects input (channels, height, width), got {s}.");
        }
        var (padTop, oh) = Padding.Resolve(s[1], PoolSize.Height, Strides.Height, 1, vertical: true);
        var (padLeft, ow) = Padding.Resolve(s[2], PoolSize.Width, Strides.Width, 1, vertical: false);
        if (oh <= 0 || ow <= 0)
        {
            throw ShapeError($"a {PoolSize.Height}x{PoolSize.Width} window does not fit input {s}.");
        }
        if (padTop >= PoolSize.Height || padLeft >= PoolSize.Width)
        {
            throw ShapeError($"padding ({padTop}, {padLeft}) must be smaller than the pool window {PoolSize.Height}x{PoolSize.Width}.");
        }
        _geometry = new Pool2DGeometry(s[1], s[2], PoolSize.Height, PoolSize.Width, Strides.Height, Strides.Width, padTop, padLeft, oh, ow);
        return new Shape(s[0], oh, ow);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["pool_size"] = new JsonArray(PoolSize.Height, PoolSize.Width);
        c["strides"] = new JsonArray(Strides.Height, Strides.Width);
        c["padding"] = LayerConfig.PaddingToJson(Padding);
        return c;
    }
}
