using ConvKit.Layers;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Layers.Normalization;
using ConvKit.Layers.Pooling;
using ConvKit.Layers.Regularization;
using ConvKit.Layers.Reshaping;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Zoo;

/// <summary>
/// The classic architectures of the lecture notes, built as their papers describe them: LeNet-5 (LeCun et al. 1998),
/// AlexNet (Krizhevsky et al. 2012, and torchvision's single-tower variant) and GoogLeNet (Szegedy et al. 2014).
/// </summary>
public static class ClassicModels
{
    /// <summary>
    /// LeNet-5's constant j of eq. 9: the squared distance to the right prototype below which the criterion stops
    /// pulling (the paper gives no value; 84 ±1 code bits each off by about 0.25 add up to 5).
    /// </summary>
    public const float RubbishDistance = 5f;

    /// <summary>
    /// LeNet-5 (LeCun, Bottou, Bengio and Haffner 1998, "Gradient-based learning applied to document recognition",
    /// section II-B, <see href="http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf"/>): a 32x32 input (smaller images,
    /// such as MNIST's 28x28, are zero-padded to 32x32), C1 6@5x5, S2 subsampling with a trainable coefficient and
    /// bias per map, C3 16@5x5 wired by the paper's Table I (<see cref="ConnectionTables.LeNet5ConnectionTable"/>), S4, C5 120@5x5,
    /// F6 84, every unit squashed by 1.7159·tanh(2a/3), and the output layer of Euclidean RBF units
    /// y_k = Σ_j (x_j − w_kj)² with fixed ±1 prototypes, whose logits −y_k go through a softmax with the paper's
    /// "rubbish class" of constant logit −j (<see cref="RubbishClassSoftmax"/>, j = <see cref="RubbishDistance"/>),
    /// so that cross-entropy is the paper's maximum-a-posteriori criterion (eq. 9).
    /// Trainable parameters: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164, in all 60,000; the RBF
    /// prototypes add 840 fixed ones. With <paramref name="rbfOutput"/> false the output is a plain Dense softmax.
    /// </summary>
    public static Model LeNet5(Shape inputShape, int classes, int seed, bool rbfOutput = true)
    {
        var layers = new List<Layer> { new InputLayer(inputShape) };
        var (h, w) = (inputShape[1], inputShape[2]);
        if (h < 32 || w < 32)
        {
            var padH = Math.Max(0, 32 - h);
            var padW = Math.Max(0, 32 - w);
            layers.Add(new ZeroPadding2D((padH / 2, padH - padH / 2), (padW / 2, padW - padW / 2), name: "pad_to_32"));
        }
        layers.Add(new Conv2D(6, 5, activation: "lecun_tanh", name: "c1"));
        layers.Add(new Subsampling2D(2, activation: "lecun_tanh", name: "s2"));
        layers.Add(new Conv2D(16, 5, activation: "lecun_tanh", connectionTable: ConnectionTables.LeNet5ConnectionTable(), name: "c3"));
        layers.Add(new Subsampling2D(2, activation: "lecun_tanh", name: "s4"));
        layers.Add(new Conv2D(120, 5, activation: "lecun_tanh", name: "c5"));
        layers.Add(new Flatten(name: "flatten"));
        layers.Add(new Dense(84, activation: "lecun_tanh", name: "f6"));
        if (rbfOutput)
        {
            layers.Add(new EuclideanRbf(classes, name: "rbf"));
            layers.Add(new RubbishClassSoftmax(-RubbishDistance, name: "output"));
        }
        else
        {
            layers.Add(new Dense(classes, activation: "softmax", name: "output"));
        }
        return new Sequential(rbfOutput ? "lenet5" : "lenet5_softmax", seed, [.. layers]);
    }

    /// <summary>
    /// AlexNet as in the paper (Krizhevsky, Sutskever and Hinton 2012, "ImageNet Classification with Deep
    /// Convolutional Neural Networks", section 3.5 and figure 2,
    /// <see href="https://papers.nips.cc/paper/4824-imagenet-classification-with-deep-convolutional-neural-networks"/>),
    /// on 227x227x3 inputs: conv1 96@11x11 stride 4, LRN, overlapping 3x3 stride-2 max pooling; conv2 256@5x5;
    /// LRN; pooling; conv3 384@3x3; conv4 384@3x3; conv5 256@3x3; pooling; two Dense 4096 with dropout 0.5; the
    /// classifier. The two-GPU split is kept as grouped convolution (groups 2 in conv2, conv4 and conv5; conv3 sees
    /// both towers). LRN: size 5, α 1e-4, β 0.75, k 2. 60,965,224 parameters for 1,000 classes.
    /// </summary>
    public static Model AlexNet(Shape inputShape, int classes, int seed) => new Sequential("alexnet", seed,
        new InputLayer(inputShape),
        new Conv2D(96, 11, strides: 4, activation: "relu", name: "conv1"),
        new LocalResponseNormalization(5, 1e-4f, 0.75f, 2f, name: "norm1"),
        new MaxPool2D(3, 2, name: "pool1"),
        new Conv2D(256, 5, padding: Padding.Explicit(2), groups: 2, activation: "relu", name: "conv2"),
        new LocalResponseNormalization(5, 1e-4f, 0.75f, 2f, name: "norm2"),
        new MaxPool2D(3, 2, name: "pool2"),
        new Conv2D(384, 3, padding: Padding.Explicit(1), activation: "relu", name: "conv3"),
        new Conv2D(384, 3, padding: Padding.Explicit(1), groups: 2, activation: "relu", name: "conv4"),
        new Conv2D(256, 3, padding: Padding.Explicit(1), groups: 2, activation: "relu", name: "conv5"),
        new MaxPool2D(3, 2, name: "pool5"),
        new Flatten(name: "flatten"),
        new Dense(4096, activation: "relu", name: "fc6"),
        new Dropout(0.5f, seed + 6, name: "drop6"),
        new Dense(4096, activation: "relu", name: "fc7"),
        new Dropout(0.5f, seed + 7, name: "drop7"),
        new Dense(classes, activation: "softmax", name: "fc8"));

    /// <summary>
    /// Single-tower AlexNet in torchvision's layout (<c>torchvision.models.alexnet</c>, after Krizhevsky 2014, "One
    /// weird trick", <see href="https://arxiv.org/abs/1404.5997"/>), on 224x224x3 inputs: 64@11x11 stride 4 pad 2,
    /// pooling, 192@5x5 pad 2, pooling, 384, 256, 256 @3x3 pad 1, pooling, dropout, Dense 4096, dropout, Dense 4096,
    /// classifier; no LRN, no groups. 61,100,840 parameters for 1,000 classes.
    /// </summary>
    public static Model AlexNetSingleTower(Shape inputShape, int classes, int seed) => new Sequential("alexnet_single", seed,
        new InputLayer(inputShape),
        new Conv2D(64, 11, strides: 4, padding: Padding.Explicit(2), activation: "relu", name: "conv1"),
        new MaxPool2D(3, 2, name: "pool1"),
        new Conv2D(192, 5, padding: Padding.Explicit(2), activation: "relu", name: "conv2"),
        new MaxPool2D(3, 2, name: "pool2"),
        new Conv2D(384, 3, padding: Padding.Explicit(1), activation: "relu", name: "conv3"),
        new Conv2D(256, 3, padding: Padding.Explicit(1), activation: "relu", name: "conv4"),
        new Conv2D(256, 3, padding: Padding.Explicit(1), activation: "relu", name: "conv5"),
        new MaxPool2D(3, 2, name: "pool5"),
        new Flatten(name: "flatten"),
        new Dropout(0.5f, seed + 6, name: "drop6"),
        new Dense(4096, activation: "relu", name: "fc6"),
        new Dropout(0.5f, seed + 7, name: "drop7"),
        new Dense(4096, activation: "relu", name: "fc7"),
        new Dense(classes, activation: "softmax", name: "fc8"));

    /// <summary>
    /// GoogLeNet (Szegedy et al. 2014, "Going deeper with convolutions", Table 1 and figure 3,
    /// <see href="https://arxiv.org/abs/1409.4842"/>) on 224x224x3: conv 7x7/2 64, max pool 3x3/2, LRN, conv 1x1 64 and
    /// 3x3 192, LRN, max pool, Inception 3a and 3b, max pool, 4a-4e, max pool, 5a and 5b, average pooling, dropout 40%,
    /// the linear classifier with softmax. Every convolution uses ReLU; pools use 'same' padding so the maps are 112,
    /// 56, 28, 14 and 7 as in Table 1. With <paramref name="auxiliaryClassifiers"/> the two side heads of section 5
    /// (on 4a and 4d: 5x5/3 average pooling, 1x1 conv 128, Dense 1024, dropout 70%, softmax) become the model's
    /// second and third outputs, trained with loss weight 0.3 each (<see cref="Model.DefaultLossWeights"/>);
    /// <c>Predict</c> and <c>Evaluate</c> use the main output.
    /// </summary>
    public static Model GoogLeNet(Shape inputShape, int classes, int seed, bool auxiliaryClassifiers = false)
    {
        var input = Input.Create(inputShape, "input");
        var x = new Conv2D(64, 7, strides: 2, padding: Padding.Same, activation: "relu", name: "conv1_7x7").Call(input);
        x = new MaxPool2D(3, 2, Padding.Same, name: "pool1").Call(x);
        x = new LocalResponseNormalization(name: "norm1").Call(x);
        x = new Conv2D(64, 1, activation: "relu", name: "conv2_3x3_reduce").Call(x);
        x = new Conv2D(192, 3, padding: Padding.Same, activation: "relu", name: "conv2_3x3").Call(x);
        x = new LocalResponseNormalization(name: "norm2").Call(x);
        x = new MaxPool2D(3, 2, Padding.Same, name: "pool2").Call(x);
        x = InceptionModule.Create(x, 64, 96, 128, 16, 32, 32, "inception_3a");
        x = InceptionModule.Create(x, 128, 128, 192, 32, 96, 64, "inception_3b");
        x = new MaxPool2D(3, 2, Padding.Same, name: "pool3").Call(x);
        x = InceptionModule.Create(x, 192, 96, 208, 16, 48, 64, "inception_4a");
        var aux1 = auxiliaryClassifiers ? AuxiliaryClassifier(x, classes, seed + 1, "aux1") : null;
        x = InceptionModule.Create(x, 160, 112, 224, 24, 64, 64, "inception_4b");
        x = InceptionModule.Create(x, 128, 128, 256, 24, 64, 64, "inception_4c");
        x = InceptionModule.Create(x, 112, 144, 288, 32, 64, 64, "inception_4d");
        var aux2 = auxiliaryClassifiers ? AuxiliaryClassifier(x, classes, seed + 2, "aux2") : null;
        x = InceptionModule.Create(x, 256, 160, 320, 32, 128, 128, "inception_4e");
        x = new MaxPool2D(3, 2, Padding.Same, name: "pool4").Call(x);
        x = InceptionModule.Create(x, 256, 160, 320, 32, 128, 128, "inception_5a");
        x = InceptionModule.Create(x, 384, 192, 384, 48, 128, 128, "inception_5b");
        x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
        x = new Dropout(0.4f, seed, name: "dropout").Call(x);
        var output = new Dense(classes, activation: "softmax", name: "classifier").Call(x);
        if (!auxiliaryClassifiers)
        {
            return new Model(input, output, "googlenet", seed);
        }
        return new Model([input], [output, aux1!, aux2!], "googlenet_aux", seed) { DefaultLossWeights = [1f, 0.3f, 0.3f] };
    }

    private static SymbolicTensor AuxiliaryClassifier(SymbolicTensor x, int classes, int seed, string name)
    {
        x = new AvgPool2D(5, 3, name: name + "_avg_pool").Call(x);
        x = new Conv2D(128, 1, activation: "relu", name: name + "_conv").Call(x);
        x = new Flatten(name: name + "_flatten").Call(x);
        x = new Dense(1024, activation: "relu", name: name + "_fc").Call(x);
        x = new Dropout(0.7f, seed, name: name + "_dropout").Call(x);
        return new Dense(classes, activation: "softmax", name: name + "_classifier").Call(x);
    }
}
