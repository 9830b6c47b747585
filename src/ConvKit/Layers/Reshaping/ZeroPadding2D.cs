using System.Text.Json.Nodes;
using ConvKit.Tensors;

namespace ConvKit.Layers.Reshaping;

/// <summary>
/// Adds rows and columns of zeros around every feature map (Keras' ZeroPadding2D, PyTorch's <c>F.pad</c> with zeros):
/// <para>y[n,c,top + h,left + w] = x[n,c,h,w], and y = 0 elsewhere.</para>
/// Input (N, C, H, W) -> output (N, C, top + H + bottom, left + W + right). No parameters.
/// </summary>
/// <example><code>new ZeroPadding2D(2)                  // 28x28 -> 32x32 (LeNet-5's input)
/// new ZeroPadding2D((0, 1), (0, 1))    // one row at the bottom, one column at the right</code></example>
public sealed class ZeroPadding2D : Layer
{
    public ZeroPadding2D(int padding, string? name = null) : this((padding, padding), (padding, padding), name)
    {
    }

    public ZeroPadding2D((int Top, int Bottom) vertical, (int Left, int Right) horizontal, string? name = null) : base(name)
    {
        if (vertical.Top < 0 || vertical.Bottom < 0 || horizontal.Left < 0 || horizontal.Right < 0)
        {
            throw new ConvKitException($"ZeroPadding2D needs padding of zero or more, got vertical {vertical} and horizontal {horizontal}.");
        }
        Vertical = vertical;
        Horizontal = horizontal;
    }

    /// <summary>Rows added above and below.</summary>
    public (int Top, int Bottom) Vertical { get; }

    /// <summary>Columns added left and right.</summary>
    public (int Left, int Right) Horizontal { get; }

    public override string DefaultNameBase => "zero_padding2d";

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 3)
        {
            throw ShapeError($"expects input (channels, height, width), got {s}.");
        }
        return new Shape(s[0], s[1] + Vertical.Top + Vertical.Bottom, s[2] + Horizontal.Left + Horizontal.Right);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
        context.Backend.ZeroPad2D(inputs[0], output, Vertical.Top, Horizontal.Left);

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is { } dx)
        {
            context.Backend.Crop2D(outputGradient, dx, Vertical.Top, Horizontal.Left);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["padding"] = new JsonArray(new JsonArray(Vertical.Top, Vertical.Bottom), new JsonArray(Horizontal.Left, Horizontal.Right));
        return c;
    }
}
