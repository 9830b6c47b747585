using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using ConvKit.Backends;
using ConvKit.Layers;
using ConvKit.Layers.Convolution;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// What every explainer needs from a model: checking images against its input, finding layers, reading class
/// scores before the output activation, and backpropagating a class score or a layer seed to the input.
/// </summary>
internal static class ModelProbe
{
    /// <summary>The model's per-sample input shape (C, H, W); throws when the model does not take images.</summary>
    public static (int C, int H, int W) ImageShape(Model model, string method)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.InputShapes.Count != 1 || model.OutputShapes.Count != 1)
        {
            throw new ConvKitException($"{method} needs a model with one input and one output; '{model.Name}' has {model.InputShapes.Count} and {model.OutputShapes.Count}.");
        }
        var s = model.InputShapes[0];
        if (s.Rank != 3)
        {
            throw new ConvKitException($"{method} needs a model that takes images (channels, height, width); '{model.Name}' takes {s}.");
        }
        return (s[0], s[1], s[2]);
    }

    /// <summary>Checks that <paramref name="images"/> is a non-empty batch (N, C, H, W) of the model's input shape; returns N.</summary>
    public static int CheckImages(Model model, Tensor images, string method)
    {
        ArgumentNullException.ThrowIfNull(images);
        var (c, h, w) = ImageShape(model, method);
        var s = images.Shape;
        if (s.Rank != 4 || s[1] != c || s[2] != h || s[3] != w)
        {
            var got = s.Rank == 4 ? $"{s[1]}x{s[2]}x{s[3]} (batch of {s[0]})" : $"a tensor of shape {s}";
            throw new ConvKitException($"{method}: model '{model.Name}' takes images of {c}x{h}x{w} (channels x height x width) in a batch (N, {c}, {h}, {w}), got {got}.");
        }
        if (s[0] == 0)
        {
            throw new ConvKitException($"{method} was given an empty batch.");
        }
        return s[0];
    }

    /// <summary>The number of classes: the length of the model's output vector.</summary>
    public static int ClassCount(Model model, string method)
    {
        var s = model.OutputShapes[0];
        if (s.Rank != 1)
        {
            throw new ConvKitException($"{method} needs a model whose output is a vector of class scores; '{model.Name}' outputs {s} per sample.");
        }
        return s[0];
    }

    /// <summary>The layer's single node in the graph (a layer called twice has no single activation).</summary>
    public static Node Node(Model model, string layerName)
    {
        ArgumentNullException.ThrowIfNull(layerName);
        return model.Nodes[model.NodeIndexOf(layerName)];
    }

    /// <summary>The node of a layer whose output is a stack of feature maps (C, H, W); <paramref name="method"/> names the caller in errors.</summary>
    public static Node SpatialNode(Model model, string layerName, string method)
    {
        var node = Node(model, layerName);
        if (node.Layer is InputLayer)
        {
            throw new ConvKitException($"{method} needs a layer inside the network; '{layerName}' is the input.");
        }
        if (node.OutputShape.Rank != 3)
        {
            throw new ConvKitException($"{method} needs a layer with feature maps (channels, height, width); layer '{layerName}' ({node.Layer.TypeName}) outputs {node.OutputShape}. " +
                $"Layers with feature maps: {string.Join(", ", SpatialLayerNames(model))}.");
        }
        return node;
    }

    /// <summary>Names of the layers (other than the input) whose output is (C, H, W), in graph order.</summary>
    public static IReadOnlyList<string> SpatialLayerNames(Model model) =>
        model.Nodes.Where(n => n.Layer is not InputLayer && n.OutputShape.Rank == 3).Select(n => n.Layer.Name).Distinct().ToArray();

    /// <summary>The last <see cref="Conv2D"/> layer in graph order (Grad-CAM's default).</summary>
    public static string LastConvolution(Model model, string method) =>
        model.Nodes.LastOrDefault(n => n.Layer is Conv2D)?.Layer.Name
        ?? throw new ConvKitException($"{method}: model '{model.Name}' has no convolution layer; name a layer with feature maps instead.");

    /// <summary>
    /// The classes to explain: <paramref name="classes"/> when given (one per sample, each checked), otherwise the
    /// predicted class (arg max of <paramref name="output"/>, the model's output for the batch).
    /// </summary>
    public static int[] ResolveClasses(Model model, Tensor output, int[]? classes, string method)
    {
        var n = output.Shape[0];
        var k = ClassCount(model, method);
        if (classes is not null)
        {
            if (classes.Length != n)
            {
                throw new ConvKitException($"{method}: {classes.Length} classes given for a batch of {n} images; give one per image.");
            }
            foreach (var c in classes)
            {
                if ((uint)c >= (uint)k)
                {
                    throw new ConvKitException($"{method}: class {c} is outside 0..{k - 1} (model '{model.Name}' has {k} outputs).");
                }
            }
            return (int[])classes.Clone();
        }
        var values = output.AsSpan();
        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = TensorPrimitives.IndexOfMax(values.Slice(i * k, k));
        }
        return result;
    }

    /// <summary>A one-hot seed (N, classes) with 1 at each sample's class.</summary>
    public static Tensor OneHot(int count, int classCount, ReadOnlySpan<int> classes)
    {
        var seed = Tensor.Zeros(new Shape(count, classCount));
        var s = seed.AsSpan();
        for (var i = 0; i < count; i++)
        {
            s[i * classCount + classes[i]] = 1f;
        }
        return seed;
    }

    /// <summary>
    /// Backpropagates the class scores (before the output activation) of the last forward pass to the input:
    /// afterwards <see cref="Model.GetInputGradient"/> holds ∂z_c/∂x and every activation gradient is set.
    /// </summary>
    public static void BackwardClassScores(Model model, int count, ReadOnlySpan<int> classes, BackpropMode mode)
    {
        var k = model.OutputShapes[0][0];
        model.Backward(OneHot(count, k, classes), mode, preActivation: true);
    }

    /// <summary>
    /// Class probabilities of the last forward pass into <paramref name="probabilities"/> (N, classes): the output
    /// itself unless the output layer is linear, in which case the softmax of the output.
    /// </summary>
    public static void Probabilities(Model model, Tensor output, Span<float> probabilities)
    {
        var o = output.AsSpan();
        if (model.Nodes[model.OutputNodeIndex].Layer.FusedActivation != ActivationKind.Linear)
        {
            o.CopyTo(probabilities);
            return;
        }
        var k = output.Shape[1];
        for (var i = 0; i < output.Shape[0]; i++)
        {
            TensorPrimitives.SoftMax(o.Slice(i * k, k), probabilities.Slice(i * k, k));
        }
    }

    /// <summary>The input range [Low, High] as a checked pair.</summary>
    public static void CheckRange(float low, float high, string method)
    {
        if (!(float.IsFinite(low) && float.IsFinite(high) && low < high))
        {
            throw new ConvKitException($"{method}: the input range must be finite with low < high, got [{low}, {high}].");
        }
    }
}
