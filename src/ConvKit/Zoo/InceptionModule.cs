using ConvKit.Layers.Convolution;
using ConvKit.Layers.Merging;
using ConvKit.Layers.Pooling;
using ConvKit.Models;

namespace ConvKit.Zoo;

/// <summary>
/// The Inception v1 module (Szegedy et al. 2014, "Going deeper with convolutions", figure 2b,
/// <see href="https://arxiv.org/abs/1409.4842"/>) as a reusable functional block: four parallel branches (1x1;
/// 1x1 reduction then 3x3; 1x1 reduction then 5x5; 3x3 max pooling with stride 1 then a 1x1 projection), every
/// convolution followed by ReLU, concatenated along channels.
/// Input (N, C, H, W) -> output (N, c1 + c3 + c5 + pool, H, W).
/// Parameters: C·c1 + C·r3 + 9·r3·c3 + C·r5 + 25·r5·c5 + C·pool weights plus one bias per filter.
/// </summary>
/// <example><code>
/// var x = Input.Create(192, 28, 28);
/// var y = InceptionModule.Create(x, 64, 96, 128, 16, 32, 32, "inception_3a"); // (256, 28, 28)
/// </code></example>
public static class InceptionModule
{
    /// <summary>Builds the module on <paramref name="x"/>; the layers are named <c>{name}_1x1</c>, <c>{name}_3x3_reduce</c>, ...</summary>
    public static SymbolicTensor Create(SymbolicTensor x, int conv1x1, int reduce3x3, int conv3x3, int reduce5x5, int conv5x5, int poolProjection, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(name);
        if (conv1x1 < 1 || reduce3x3 < 1 || conv3x3 < 1 || reduce5x5 < 1 || conv5x5 < 1 || poolProjection < 1)
        {
            throw new ConvKitException($"Inception module '{name}': every branch needs at least one filter, got 1x1 {conv1x1}, 3x3 {reduce3x3}->{conv3x3}, 5x5 {reduce5x5}->{conv5x5}, pool {poolProjection}.");
        }
        var b1 = Conv(x, conv1x1, 1, name + "_1x1");
        var b3 = Conv(Conv(x, reduce3x3, 1, name + "_3x3_reduce"), conv3x3, 3, name + "_3x3");
        var b5 = Conv(Conv(x, reduce5x5, 1, name + "_5x5_reduce"), conv5x5, 5, name + "_5x5");
        var pooled = new MaxPool2D(3, 1, Padding.Same, name: name + "_pool").Call(x);
        var bp = Conv(pooled, poolProjection, 1, name + "_pool_proj");
        return new Concatenate(name: name + "_output").Call(b1, b3, b5, bp);
    }

    private static SymbolicTensor Conv(SymbolicTensor x, int filters, int kernel, string name) =>
        new Conv2D(filters, kernel, padding: Padding.Same, activation: "relu", name: name).Call(x);
}
