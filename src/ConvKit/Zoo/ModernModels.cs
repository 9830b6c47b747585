using ConvKit.Initializers;
using ConvKit.Layers;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Merging;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Regularization;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Zoo;

/// <summary>
/// Small modern references sized for 28x28 and 32x32 inputs: a VGG-style net (Simonyan and Zisserman 2014,
/// <see href="https://arxiv.org/abs/1409.1556"/>) and a ResNet of basic blocks (He et al. 2015,
/// <see href="https://arxiv.org/abs/1512.03385"/>), both with batch normalisation.
/// </summary>
public static class ModernModels
{
    /// <summary>
    /// vgg-small: three VGG blocks of 3x3 'same' convolutions, each followed by batch norm and ReLU
    /// (32-32, 64-64, 128-128 filters), 2x2 max pooling and dropout (0.1, 0.2, 0.3) after each block, then Dense 256 with batch norm,
    /// dropout 0.3 and the classifier. On 28x28 the feature maps go 28 -> 14 -> 7 -> 3.
    /// </summary>
    public static Model VggSmall(Shape inputShape, int classes, int seed)
    {
        var layers = new List<Layer> { new InputLayer(inputShape) };
        var block = 0;
        foreach (var (filters, dropout) in new[] { (32, 0.1f), (64, 0.2f), (128, 0.3f) })
        {
            block++;
            for (var i = 1; i <= 2; i++)
            {
                layers.Add(new Conv2D(filters, 3, padding: Padding.Same, useBias: false, kernelInitializer: Initializer.HeNormal, name: $"block{block}_conv{i}"));
                layers.Add(new BatchNormalization(name: $"block{block}_bn{i}"));
                layers.Add(new ReLU(name: $"block{block}_relu{i}"));
            }
            layers.Add(new MaxPool2D(2, name: $"block{block}_pool"));
            layers.Add(new Dropout(dropout, seed + block, name: $"block{block}_dropout"));
        }
        layers.Add(new Flatten(name: "flatten"));
        layers.Add(new Dense(256, useBias: false, kernelInitializer: Initializer.HeNormal, name: "fc1"));
        layers.Add(new BatchNormalization(name: "fc1_bn"));
        layers.Add(new ReLU(name: "fc1_relu"));
        layers.Add(new Dropout(0.3f, seed + 10, name: "fc1_dropout"));
        layers.Add(new Dense(classes, activation: "softmax", name: "predictions"));
        return new Sequential("vgg_small", seed, [.. layers]);
    }

    /// <summary>
    /// resnet-small: a CIFAR-style ResNet (He et al. 2015, section 4.2) of basic blocks: a 3x3 stem with 16 filters,
    /// three stages of two basic blocks with 16, 32 and 64 filters (the second and third stages start with stride 2
    /// and a 1x1 projection shortcut; the other blocks use identity shortcuts), global average pooling and the
    /// classifier. Each basic block is conv3x3-BN-ReLU-conv3x3-BN, added to the shortcut, then ReLU.
    /// </summary>
    public static Model ResNetSmall(Shape inputShape, int classes, int seed) =>
        ResNet(inputShape, classes, seed, "resnet_small", [16, 32, 64], blocksPerStage: 2);

    /// <summary>A CIFAR-style ResNet with the given stage widths and basic blocks per stage.</summary>
    public static Model ResNet(Shape inputShape, int classes, int seed, string name, IReadOnlyList<int> widths, int blocksPerStage)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count == 0 || blocksPerStage < 1)
        {
            throw new ConvKitException($"A ResNet needs at least one stage and one block per stage, got {widths.Count} stage(s) of {blocksPerStage} block(s).");
        }
        var input = Input.Create(inputShape, "input");
        var x = ConvBn(input, widths[0], 3, 1, "stem");
        x = new ReLU(name: "stem_relu").Call(x);
        for (var stage = 0; stage < widths.Count; stage++)
        {
            for (var b = 0; b < blocksPerStage; b++)
            {
                var stride = stage > 0 && b == 0 ? 2 : 1;
                x = BasicBlock(x, widths[stage], stride, $"stage{stage + 1}_block{b + 1}");
            }
        }
        x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
        var output = new Dense(classes, activation: "softmax", name: "predictions").Call(x);
        return new Model(input, output, name, seed);
    }

    /// <summary>
    /// A basic residual block: y = ReLU(BN(conv3x3(ReLU(BN(conv3x3(x, stride))))) + shortcut(x)), where the shortcut is
    /// the identity when the shape is kept and a strided 1x1 convolution with batch norm (a projection) otherwise.
    /// </summary>
    public static SymbolicTensor BasicBlock(SymbolicTensor x, int filters, int stride, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = ConvBn(x, filters, 3, stride, name + "_conv1");
        y = new ReLU(name: name + "_relu1").Call(y);
        y = ConvBn(y, filters, 3, 1, name + "_conv2");
        var shortcut = stride != 1 || x.Shape[0] != filters
            ? ConvBn(x, filters, 1, stride, name + "_projection")
            : x;
        var sum = new Add(name: name + "_add").Call(y, shortcut);
        return new ReLU(name: name + "_out").Call(sum);
    }

    private static SymbolicTensor ConvBn(SymbolicTensor x, int filters, int kernel, int stride, string name)
    {
        var conv = new Conv2D(filters, kernel, stride, Padding.Same, useBias: false, kernelInitializer: Initializer.HeNormal, name: name);
        return new BatchNormalization(name: name + "_bn").Call(conv.Call(x));
    }
}
