using System.Text.Json.Nodes;
using ConvKit.Tensors;

namespace ConvKit.Layers.Reshaping;

/// <summary>
/// Removes rows and columns at the borders of every feature map (Keras' Cropping2D, slicing in PyTorch):
/// <para>y[n,c,h,w] = x[n,c,top + h,left + w].</para>
/// Input (N, C, H, W) -> output (N, C, H − top − bottom, W − left − right); at least one row and one column must
/// remain. No parameters.
/// </summary>
/// <example><code>new Cropping2D(1)                    // 30x30 -> 28x28
/// new Cropping2D((0, 1), (0, 1))      // drop the last row and column</code></example>
public sealed class Cropping2D : Layer
{
    public Cropping2D(int cropping, string? name = null) : this((cropping, cropping), (cropping, cropping), name)
    {
    }

    public Cropping2D((int Top, int Bottom) vertical, (int Left, int Right) horizontal, string? name = null) : base(name)
    {
        if (vertical.Top < 0 || vertical.Bottom < 0 || horizontal.Left < 0 || horizontal.Right < 0)
        {
            throw new ConvKitException($"Cropping2D needs cropping of zero or more, got vertical {vertical} and horizontal {horizontal}.");
        }
        Vertical = vertical;
        Horizontal = horizontal;
    }

    /// <summary>Rows removed at the top and bottom.</summary>
    public (int Top, int Bottom) Vertical { get; }

    /// <summary>Columns removed at the left and right.</summary>
    public (int Left, int Right) Horizontal { get; }

    public override string DefaultNameBase => "cropping2d";

    protected override Shape Build(IReadOnlyList<Shape> inputShapes)
    {
        var s = inputShapes[0];
        if (s.Rank != 3)
        {
            throw ShapeError($"expects input (channels, height, width), got {s}.");
        }
        var h = s[1] - Vertical.Top - Vertical.Bottom;
        var w = s[2] - Horizontal.Left - Horizontal.Right;
        if (h <= 0 || w <= 0)
        {
            throw ShapeError($"cropping {Vertical.Top}+{Vertical.Bottom} rows and {Horizontal.Left}+{Horizontal.Right} columns from input {s} " +
                $"leaves {h}x{w}; at most {s[1] - 1} rows and {s[2] - 1} columns can be cropped.");
        }
        return new Shape(s[0], h, w);
    }

    public override void Forward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output) =>
        context.Backend.Crop2D(inputs[0], output, Vertical.Top, Horizontal.Left);

    public override void Backward(LayerContext context, IReadOnlyList<Tensor> inputs, Tensor output, Tensor outputGradient, IReadOnlyList<Tensor?> inputGradients)
    {
        if (inputGradients[0] is { } dx)
        {
            context.Backend.ZeroPad2D(outputGradient, dx, Vertical.Top, Horizontal.Left);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["cropping"] = new JsonArray(new JsonArray(Vertical.Top, Vertical.Bottom), new JsonArray(Horizontal.Left, Horizontal.Right));
        return c;
    }
}
