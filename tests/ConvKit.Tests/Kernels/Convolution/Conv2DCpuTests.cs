using ConvKit.Kernels.Cpu.Activations;
using ConvKit.Kernels.Cpu.Convolution;
using ConvKit.Kernels.Cpu.Threading;

namespace ConvKit.Tests.Kernels.Convolution;

public class Conv2DCpuTests
{
    public Conv2DCpuTests()
    {
        if (CpuThreads.Count < 2)
        {
            CpuThreads.Count = 2;
        }
    }

    public static TheoryData<string> Cases => ConvCases.Names();

    /// <summary>Every case on the im2col, shifted-rows and Winograd paths (each falls back to im2col where it does not suit the geometry or the machine).</summary>
    public static TheoryData<string, string> CasesOnEveryPath()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _) in ConvCases.All)
        {
            data.Add(name, nameof(ConvPath.Im2Col));
            data.Add(name, nameof(ConvPath.Shifted));
            data.Add(name, nameof(ConvPath.Winograd));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesOnEveryPath))]
    public void ForwardMatchesReferenceAndIgnoresThreadCount(string name, string pathName)
    {
        var g = ConvCases.Get(name);
        var path = Enum.Parse<ConvPath>(pathName);
        foreach (var batch in new[] { 1, 3 })
        {
            var input = ConvCases.Random(batch * g.InputSize, 1);
            var weight = ConvCases.Random(g.WeightSize, 2);
            foreach (var bias in new[] { ConvCases.Random(g.Filters, 3), [] })
            {
                var expected = new float[batch * g.OutputSize];
                Conv2DReference.Forward(input, weight, bias, batch, g, expected);
                float[]? previous = null;
                foreach (var threads in new[] { 1, 2 })
                {
                    var output = new float[batch * g.OutputSize];
                    output.AsSpan().Fill(float.NaN);
                    var workspace = new float[Conv2DCpu.WorkspaceSize(g, batch, threads, path, backwardData: false)];
                    Conv2DCpu.ForwardCore(input, weight, bias, batch, g, output, workspace, threads, relu: false, path);
                    ConvCases.AssertClose(expected, output, g.ColumnRows, $"{name} output (batch {batch}, {threads} threads, {Conv2DCpu.Choose(g, path, false)})");
                    if (previous is not null)
                    {
                        Assert.Equal(previous, output);
                    }
                    previous = output;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(CasesOnEveryPath))]
    public void BackwardDataMatchesReferenceAndIgnoresThreadCount(string name, string pathName)
    {
        var g = ConvCases.Get(name);
        var path = Enum.Parse<ConvPath>(pathName);
        foreach (var batch in new[] { 1, 3 })
        {
            var dOutput = ConvCases.Random(batch * g.OutputSize, 4);
            var weight = ConvCases.Random(g.WeightSize, 5);
            var expected = new float[batch * g.InputSize];
            Conv2DReference.BackwardData(dOutput, weight, batch, g, expected);
            float[]? previous = null;
            foreach (var threads in new[] { 1, 2 })
            {
                var dInput = new float[batch * g.InputSize];
                dInput.AsSpan().Fill(float.NaN);
                var workspace = new float[Conv2DCpu.WorkspaceSize(g, batch, threads, path, backwardData: true)];
                Conv2DCpu.BackwardDataCore(dOutput, weight, batch, g, dInput, workspace, threads, path);
                ConvCases.AssertClose(expected, dInput, g.GroupFilters * g.KernelHeight * g.KernelWidth, $"{name} dInput (batch {batch}, {threads} threads, {Conv2DCpu.Choose(g, path, true)})");
                if (previous is not null)
                {
                    Assert.Equal(previous, dInput);
                }
                previous = dInput;
            }
        }
    }

    [Theory]
    [MemberData(nameof(CasesOnEveryPath))]
    public void BackwardDataThroughAReluIsTheReluBackwardOfThePlainOne(string name, string pathName)
    {
        var g = ConvCases.Get(name);
        var path = Enum.Parse<ConvPath>(pathName);
        const int batch = 3;
        var dOutput = ConvCases.Random(batch * g.OutputSize, 4);
        var weight = ConvCases.Random(g.WeightSize, 5);
        // A ReLU output: about half zeros, with a NaN, which is not above 0 either.
        var reluInput = ConvCases.Random(batch * g.InputSize, 6).Select(v => Math.Max(v, 0f)).ToArray();
        reluInput[reluInput.Length / 2] = float.NaN;
        foreach (var threads in new[] { 1, 2 })
        {
            var workspace = new float[Conv2DCpu.WorkspaceSize(g, batch, threads, path, backwardData: true)];
            var expected = new float[batch * g.InputSize];
            Conv2DCpu.BackwardDataCore(dOutput, weight, batch, g, expected, workspace, threads, path);
            ActivationsCpu.ReluBackward(reluInput, expected, expected);
            var dInput = new float[batch * g.InputSize];
            dInput.AsSpan().Fill(float.NaN);
            Conv2DCpu.BackwardDataCore(dOutput, weight, batch, g, dInput, workspace, threads, path, reluInput);
            Assert.Equal(expected, dInput);
        }
        Assert.Throws<ArgumentException>(() => Conv2DCpu.BackwardData(dOutput, weight, batch, g, new float[batch * g.InputSize],
            new float[Conv2DCpu.BackwardDataWorkspaceSize(g, batch, 1)], 1, new float[batch * g.InputSize - 1]));
    }

    /// <summary>Every case on the im2col and Winograd filter-gradient paths (Winograd falls back to im2col where it does not suit).</summary>
    public static TheoryData<string, string> CasesOnEveryFilterPath()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _) in ConvCases.All)
        {
            data.Add(name, nameof(ConvPath.Im2Col));
            data.Add(name, nameof(ConvPath.Shifted));
            data.Add(name, nameof(ConvPath.Winograd));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesOnEveryFilterPath))]
    public void BackwardFilterAccumulatesLikeReferenceAndIgnoresThreadCount(string name, string pathName)
    {
        var g = ConvCases.Get(name);
        var path = Enum.Parse<ConvPath>(pathName);
        foreach (var batch in new[] { 1, 3 })
        {
            var input = ConvCases.Random(batch * g.InputSize, 6);
            var dOutput = ConvCases.Random(batch * g.OutputSize, 7);
            var initialWeight = ConvCases.Random(g.WeightSize, 8);
            var initialBias = ConvCases.Random(g.Filters, 9);
            var expectedWeight = (float[])initialWeight.Clone();
            var expectedBias = (float[])initialBias.Clone();
            Conv2DReference.BackwardFilter(input, dOutput, batch, g, expectedWeight, expectedBias);
            float[]? previous = null;
            foreach (var threads in new[] { 1, 2 })
            {
                var dWeight = (float[])initialWeight.Clone();
                var dBias = (float[])initialBias.Clone();
                var workspace = new float[Conv2DCpu.FilterWorkspaceSize(g, batch, threads, path)];
                Conv2DCpu.BackwardFilterCore(input, dOutput, batch, g, dWeight, dBias, workspace, threads, path);
                var terms = batch * g.OutPlane;
                var what = $"(batch {batch}, {threads} threads, {Conv2DCpu.ChooseFilter(g, path)})";
                ConvCases.AssertClose(expectedWeight, dWeight, terms, $"{name} dWeight {what}");
                ConvCases.AssertClose(expectedBias, dBias, terms, $"{name} dBias {what}");
                if (previous is not null)
                {
                    Assert.Equal(previous, dWeight.Concat(dBias).ToArray());
                }
                previous = dWeight.Concat(dBias).ToArray();
            }
        }
    }

    [Theory]
    [InlineData("seed-mnist conv2", Conv2DCpu.MaxFilterPartitions + 5)]
    [InlineData("odd channels", Conv2DCpu.MaxFilterPartitions + 5)]
    [InlineData("pointwise", Conv2DCpu.MaxFilterPartitions + 5)]
    // Winograd: 65 images of 24 tiles in blocks of 48 are 33 blocks, so runs of 2 or 3 blocks, the last of them
    // partial after a whole one.
    [InlineData("33 to 12 odd sizes", 65)]
    [InlineData("32 to 12 rows of 13", 37)]
    public void BackwardFilterOverManyImagesIgnoresThreadCount(string name, int batch)
    {
        // More images than partial gradients, in runs of unequal length: the batch is cut the same way for any thread
        // count (by images on the im2col path, by blocks of tiles on the Winograd one).
        var g = ConvCases.Get(name);
        Assert.Equal(Conv2DCpu.MaxFilterPartitions, Conv2DCpu.FilterPartitions(g, batch));
        var input = ConvCases.Random(batch * g.InputSize, 21);
        var dOutput = ConvCases.Random(batch * g.OutputSize, 22);
        var initialWeight = ConvCases.Random(g.WeightSize, 23);
        var expectedWeight = (float[])initialWeight.Clone();
        var expectedBias = new float[g.Filters];
        Conv2DReference.BackwardFilter(input, dOutput, batch, g, expectedWeight, expectedBias);
        float[]? previous = null;
        foreach (var threads in new[] { 1, 2, 3 })
        {
            var dWeight = (float[])initialWeight.Clone();
            var dBias = new float[g.Filters];
            var workspace = new float[Conv2DCpu.BackwardFilterWorkspaceSize(g, batch, threads)];
            Conv2DCpu.BackwardFilter(input, dOutput, batch, g, dWeight, dBias, workspace, threads);
            ConvCases.AssertClose(expectedWeight, dWeight, batch * g.OutPlane, $"{name} dWeight ({threads} threads)");
            ConvCases.AssertClose(expectedBias, dBias, batch * g.OutPlane, $"{name} dBias ({threads} threads)");
            var bits = dWeight.Concat(dBias).ToArray();
            if (previous is not null)
            {
                Assert.Equal(previous, bits);
            }
            previous = bits;
        }
    }

    [Theory]
    [InlineData("seed-mnist conv2", "Shifted")]
    [InlineData("10 to 8 2x2", "Shifted")]
    [InlineData("5x5 same 9 filters", "Shifted")]
    [InlineData("33 to 12 odd sizes", "Winograd")]
    [InlineData("odd channels", "Im2Col")]
    public void BackwardFilterIgnoresWhatTheWorkspaceHeld(string name, string pathName)
    {
        // A workspace from other layers holds anything; every path must clear what it reads before it writes it.
        var g = ConvCases.Get(name);
        var path = Enum.Parse<ConvPath>(pathName);
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.Equal(path, Conv2DCpu.ChooseFilter(g, path));
        }
        const int batch = 3;
        var input = ConvCases.Random(batch * g.InputSize, 31);
        var dOutput = ConvCases.Random(batch * g.OutputSize, 32);
        float[] Run(float fill)
        {
            var dWeight = new float[g.WeightSize];
            var dBias = new float[g.Filters];
            var workspace = new float[Conv2DCpu.FilterWorkspaceSize(g, batch, 2, path)];
            workspace.AsSpan().Fill(fill);
            Conv2DCpu.BackwardFilterCore(input, dOutput, batch, g, dWeight, dBias, workspace, 2, path);
            return dWeight.Concat(dBias).ToArray();
        }
        var clean = Run(0f);
        Assert.All(clean, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(clean, Run(float.NaN));
    }

    [Fact]
    public void BackwardFilterWithoutBiasLeavesOnlyWeightsChanged()
    {
        var g = ConvCases.Get("odd channels");
        var input = ConvCases.Random(2 * g.InputSize, 1);
        var dOutput = ConvCases.Random(2 * g.OutputSize, 2);
        var dWeight = new float[g.WeightSize];
        var expected = new float[g.WeightSize];
        Conv2DReference.BackwardFilter(input, dOutput, 2, g, expected, []);
        Conv2DCpu.BackwardFilter(input, dOutput, 2, g, dWeight, [], new float[Conv2DCpu.BackwardFilterWorkspaceSize(g, 2, 2)]);
        ConvCases.AssertClose(expected, dWeight, 2 * g.OutPlane, "dWeight");
    }

    [Fact]
    public void BatchSplitOverThreadsMatchesOneThreadOnAModelLayer()
    {
        // Enough images that both threads get several, with the seed-mnist second convolution.
        var g = ConvCases.Get("seed-mnist conv2");
        const int batch = 8;
        var input = ConvCases.Random(batch * g.InputSize, 11);
        var weight = ConvCases.Random(g.WeightSize, 12);
        var bias = ConvCases.Random(g.Filters, 13);
        var one = new float[batch * g.OutputSize];
        var two = new float[batch * g.OutputSize];
        Conv2DCpu.Forward(input, weight, bias, batch, g, one, new float[Conv2DCpu.ForwardWorkspaceSize(g, batch, 1)], 1);
        Conv2DCpu.Forward(input, weight, bias, batch, g, two, new float[Conv2DCpu.ForwardWorkspaceSize(g, batch, 2)], 2);
        Assert.Equal(one, two);
        var expected = new float[batch * g.OutputSize];
        Conv2DReference.Forward(input, weight, bias, batch, g, expected);
        ConvCases.AssertClose(expected, two, g.ColumnRows, "output");
    }

    [Fact]
    public void ShiftedRowsTakeSmallStrideOneUngroupedConvolutionsOnAvx512()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported || !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.False(ShiftedConv.Suits(ConvCases.Get("seed-mnist conv2")));
            return;
        }
        foreach (var name in new[] { "seed-mnist conv1", "5x5 same 9 filters", "seed-mnist conv2", "8 to 10 dilated asymmetric" })
        {
            Assert.True(ShiftedConv.Suits(ConvCases.Get(name)), name);
        }
        // Backward data runs the transposed geometry, whose filters are the input channels.
        Assert.True(ShiftedConv.Suits(ShiftedConv.Transposed(ConvCases.Get("seed-mnist conv2"))));
        Assert.True(ShiftedConv.Suits(ShiftedConv.Transposed(ConvCases.Get("8 to 10 dilated asymmetric"))));
        Assert.False(ShiftedConv.Suits(ShiftedConv.Transposed(ConvCases.Get("seed-mnist conv1"))));
        foreach (var name in new[] { "3x3 same", "odd channels", "3x3 valid stride 2", "groups 2", "depthwise", "pointwise", "2x3 strides 1,2" })
        {
            Assert.False(ShiftedConv.Suits(ConvCases.Get(name)), name);
        }
        // keras-mnist-cnn's first layer: 32 filters of 26 x 28 frame positions, copied out 8 filters at a time.
        Assert.True(ShiftedConv.Suits(ConvCases.Get("keras-mnist conv1")));
        // Larger images keep the im2col path: the padded copy or a block's frame would not stay in L1.
        Assert.False(ShiftedConv.Suits(ConvCases.Get("keras-mnist conv2")));
        Assert.False(ShiftedConv.Suits(Conv2DGeometry.Create(64, 112, 112, 64, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)));
    }

    [Fact]
    public void WinogradTakesStrideOneUngrouped3x3ConvolutionsOnAvx512()
    {
        string[] forward = ["keras-mnist conv2", "17 to 11 odd sizes", "20 to 16 odd sizes", "16 to 8 wide", "24 to 9 narrow", "seed-mnist conv2", "32 to 12 rows of 13"];
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported || !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.All(forward, name => Assert.Equal(ConvPath.Im2Col, Conv2DCpu.Choose(ConvCases.Get(name), ConvPath.Winograd, false)));
            Assert.Equal(ConvPath.Im2Col, Conv2DCpu.ChooseFilter(ConvCases.Get("keras-mnist conv2"), ConvPath.Fastest));
            Assert.Equal(ConvPath.Im2Col, Conv2DCpu.ChooseFilter(ConvCases.Get("seed-mnist conv2"), ConvPath.Fastest));
            return;
        }
        Assert.All(forward, name => Assert.Equal(ConvPath.Winograd, Conv2DCpu.Choose(ConvCases.Get(name), ConvPath.Winograd, false)));
        // The filter gradient takes 32 channels or more.
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.ChooseFilter(ConvCases.Get("keras-mnist conv2"), ConvPath.Fastest));
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.ChooseFilter(ConvCases.Get("33 to 12 odd sizes"), ConvPath.Fastest));
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.ChooseFilter(ConvCases.Get("32 to 12 rows of 13"), ConvPath.Fastest));
        // Fewer channels: shifted rows, which take any stride-1 ungrouped layer with 8 filters or more.
        Assert.Equal(ConvPath.Shifted, Conv2DCpu.ChooseFilter(ConvCases.Get("20 to 16 odd sizes"), ConvPath.Fastest));
        Assert.Equal(ConvPath.Shifted, Conv2DCpu.ChooseFilter(ConvCases.Get("seed-mnist conv2"), ConvPath.Fastest));
        Assert.Equal(ConvPath.Shifted, Conv2DCpu.ChooseFilter(ConvCases.Get("seed-mnist conv1"), ConvPath.Fastest));
        Assert.Equal(ConvPath.Shifted, Conv2DCpu.ChooseFilter(ConvCases.Get("keras-mnist conv1"), ConvPath.Fastest));
        Assert.Equal(ConvPath.Shifted, Conv2DCpu.ChooseFilter(ConvCases.Get("10 to 8 2x2"), ConvPath.Fastest));
        Assert.Equal(ConvPath.Im2Col, Conv2DCpu.ChooseFilter(ConvCases.Get("3x3 same"), ConvPath.Shifted));
        Assert.Equal(ConvPath.Im2Col, Conv2DCpu.ChooseFilter(ConvCases.Get("groups 2"), ConvPath.Shifted));
        Assert.Equal(ConvPath.Im2Col, Conv2DCpu.ChooseFilter(ConvCases.Get("3x3 valid stride 2"), ConvPath.Shifted));
        // Wide layers keep im2col: 16 partials of 256 x 256 x 9 weights would take 36 MiB.
        Assert.Equal(ConvPath.Im2Col, Conv2DCpu.ChooseFilter(Conv2DGeometry.Create(256, 14, 14, 256, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), ConvPath.Fastest));
        Assert.Equal(ConvPath.Im2Col, Conv2DCpu.ChooseFilter(ConvCases.Get("keras-mnist conv2"), ConvPath.Im2Col));
        // Backward data needs the transposed geometry to suit too: at least 16 filters become its channels.
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.Choose(ConvCases.Get("keras-mnist conv2"), ConvPath.Winograd, true));
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.Choose(ConvCases.Get("20 to 16 odd sizes"), ConvPath.Winograd, true));
        Assert.Equal(ConvPath.Im2Col, Conv2DCpu.Choose(ConvCases.Get("17 to 11 odd sizes"), ConvPath.Winograd, true));
        foreach (var name in new[] { "3x3 same", "odd channels", "3x3 valid stride 2", "dilation 2", "groups 2", "asymmetric 4x4", "keras-mnist conv1", "full padding" })
        {
            Assert.Equal(ConvPath.Im2Col, Conv2DCpu.Choose(ConvCases.Get(name), ConvPath.Winograd, false));
        }
        // The fastest path: Winograd where it suits, shifted rows where only they do (a first layer).
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.Choose(ConvCases.Get("keras-mnist conv2"), ConvPath.Fastest, false));
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.Choose(ConvCases.Get("keras-mnist conv2"), ConvPath.Fastest, true));
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.Choose(ConvCases.Get("seed-mnist conv2"), ConvPath.Fastest, false));
        Assert.Equal(ConvPath.Winograd, Conv2DCpu.Choose(ConvCases.Get("seed-mnist conv2"), ConvPath.Fastest, true));
        Assert.Equal(ConvPath.Shifted, Conv2DCpu.Choose(ConvCases.Get("seed-mnist conv1"), ConvPath.Fastest, false));
    }

    [Theory]
    [InlineData("seed-mnist conv2")] // blocks of 48 tiles start inside rows of 7
    [InlineData("20 to 16 odd sizes")]
    [InlineData("keras-mnist conv2")]
    public void WinogradBackwardDataIgnoresWhatTheWorkspaceHeld(string name)
    {
        // A workspace from other layers holds anything: the scratch rows read past a block's own tiles (a tile row
        // that starts in the previous block) must not reach the result.
        var g = ConvCases.Get(name);
        if (Conv2DCpu.Choose(g, ConvPath.Winograd, backwardData: true) != ConvPath.Winograd)
        {
            return;
        }
        const int batch = 3;
        var dOutput = ConvCases.Random(batch * g.OutputSize, 41);
        var weight = ConvCases.Random(g.WeightSize, 42);
        float[] Run(float fill, int threads)
        {
            var dInput = new float[batch * g.InputSize];
            var workspace = new float[Conv2DCpu.WorkspaceSize(g, batch, threads, ConvPath.Winograd, backwardData: true)];
            workspace.AsSpan().Fill(fill);
            Conv2DCpu.BackwardDataCore(dOutput, weight, batch, g, dInput, workspace, threads, ConvPath.Winograd);
            return dInput;
        }
        var clean = Run(0f, 1);
        Assert.All(clean, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(clean, Run(float.NaN, 1));
        Assert.Equal(clean, Run(float.NaN, 2));
    }

    [Theory]
    [InlineData("17 to 11 odd sizes", false)]
    [InlineData("20 to 16 odd sizes", true)]
    [InlineData("24 to 9 narrow", false)]
    public void WinogradWritesOnlyItsOutput(string name, bool backwardData)
    {
        var g = ConvCases.Get(name);
        const int batch = 3;
        var inputSize = backwardData ? g.OutputSize : g.InputSize;
        var outputSize = backwardData ? g.InputSize : g.OutputSize;
        var input = ConvCases.Random(batch * inputSize, 31);
        var weight = ConvCases.Random(g.WeightSize, 32);
        // One vector of sentinels before and after the output, which the masked stores must not touch.
        var padded = new float[batch * outputSize + 32];
        padded.AsSpan().Fill(12345f);
        var output = padded.AsSpan(16, batch * outputSize);
        var workspace = new float[Conv2DCpu.WorkspaceSize(g, batch, 2, ConvPath.Winograd, backwardData)];
        var expected = new float[batch * outputSize];
        if (backwardData)
        {
            Conv2DCpu.BackwardDataCore(input, weight, batch, g, output, workspace, 2, ConvPath.Winograd);
            Conv2DReference.BackwardData(input, weight, batch, g, expected);
        }
        else
        {
            Conv2DCpu.ForwardCore(input, weight, [], batch, g, output, workspace, 2, relu: false, ConvPath.Winograd);
            Conv2DReference.Forward(input, weight, [], batch, g, expected);
        }
        ConvCases.AssertClose(expected, output, 9 * (backwardData ? g.Filters : g.Channels), name);
        Assert.All(padded[..16], v => Assert.Equal(12345f, v));
        Assert.All(padded[^16..], v => Assert.Equal(12345f, v));
    }

    /// <summary>
    /// Blocks of 48 tiles start and end inside tile rows when a row has 5, 13 or 15 tiles: run one block at a time, each
    /// must write exactly its own tiles, with the reference's values (kept only where keep is above 0), and nothing of
    /// its neighbours', which another thread may be writing.
    /// </summary>
    [Theory]
    [InlineData("16 to 8 wide", false)]
    [InlineData("20 to 16 odd sizes", false)]
    [InlineData("20 to 16 odd sizes", true)]
    [InlineData("keras-mnist conv2", true)]
    [InlineData("32 to 12 rows of 13", false)]
    public void EachWinogradBlockWritesExactlyItsOwnTiles(string name, bool transposed)
    {
        var g = transposed ? ShiftedConv.Transposed(ConvCases.Get(name)) : ConvCases.Get(name);
        if (!WinogradConv.Suits(g))
        {
            return;
        }
        const int batch = 3;
        var input = ConvCases.Random(batch * g.InputSize, 51);
        var weight = ConvCases.Random(g.WeightSize, 52);
        var bias = ConvCases.Random(g.Filters, 53);
        var keep = ConvCases.Random(batch * g.OutputSize, 54);
        var expected = new float[batch * g.OutputSize];
        Conv2DReference.Forward(input, weight, bias, batch, g, expected);
        var packed = new float[WinogradConv.PackedLength(g)];
        WinogradConv.TransformWeights(weight, g, transposeFlip: false, packed);
        var scratch = new float[WinogradConv.ThreadLength(g)];
        var (tileWidth, tileHeight) = ((g.OutWidth + 1) / 2, (g.OutHeight + 1) / 2);
        var blocks = WinogradConv.Blocks(g, batch);
        var tolerance = 1e-5 * Math.Sqrt(g.ColumnRows) * (1 + expected.Max(Math.Abs));
        Assert.Equal((batch * tileHeight * tileWidth + 47) / 48, blocks);
        var written = 0;
        for (var block = 0; block < blocks; block++)
        {
            var output = new float[batch * g.OutputSize];
            output.AsSpan().Fill(float.NaN);
            WinogradConv.Run(input, packed, bias, g, batch, output, block, block + 1, scratch, relu: false, keep);
            for (var i = 0; i < output.Length; i++)
            {
                var n = i / g.OutputSize;
                var ow = i % g.OutWidth;
                var oh = i / g.OutWidth % g.OutHeight;
                var tile = ((long)n * tileHeight + oh / 2) * tileWidth + ow / 2;
                if (tile / 48 != block)
                {
                    Assert.True(float.IsNaN(output[i]), $"{name} block {block} wrote [{i}] (tile {tile}).");
                    continue;
                }
                written++;
                var want = keep[i] > 0 ? expected[i] : 0f;
                Assert.True(Math.Abs(output[i] - want) <= tolerance, $"{name} block {block} [{i}] = {output[i]}, expected {want}.");
            }
        }
        Assert.Equal(expected.Length, written);
    }

    [Fact]
    public void AWeightCacheGivesTheSameBitsAndIsRedoneOnlyWhenTheWeightsChange()
    {
        var g = ConvCases.Get("17 to 11 odd sizes");
        const int batch = 2;
        var input = ConvCases.Random(batch * g.InputSize, 41);
        var weight = ConvCases.Random(g.WeightSize, 42);
        var bias = ConvCases.Random(g.Filters, 43);
        var workspace = new float[Conv2DCpu.ForwardWorkspaceSize(g, batch, 2)];
        var size = Conv2DCpu.WeightCacheSize(g);
        if (Conv2DCpu.Choose(g, ConvPath.Fastest, false) != ConvPath.Winograd)
        {
            Assert.Equal(0, size);
            return;
        }
        var cache = new float[size];
        float[] Plain()
        {
            var y = new float[batch * g.OutputSize];
            Conv2DCpu.Forward(input, weight, bias, batch, g, y, workspace, relu: true);
            return y;
        }
        float[] Cached()
        {
            var y = new float[batch * g.OutputSize];
            Conv2DCpu.ForwardWithWeightCache(input, weight, bias, batch, g, y, workspace, cache, relu: true);
            return y;
        }
        Assert.Equal(Plain(), Cached());
        Assert.Equal(Plain(), Cached());
        // The cache is what the second call used: spoil the transformed weights and the output changes...
        var saved = (float[])cache.Clone();
        cache.AsSpan(0, size - g.WeightSize).Fill(0f);
        Assert.NotEqual(Plain(), Cached());
        // ...until the weights change, which redoes the transform (a sign of zero counts as a change).
        Array.Copy(saved, cache, size);
        weight[5] += 0.25f;
        Assert.Equal(Plain(), Cached());
        weight[7] = 0f;
        Assert.Equal(Plain(), Cached());
        weight[7] = -0f;
        Assert.Equal(Plain(), Cached());
        // A cache too short for the geometry is ignored.
        var y = new float[batch * g.OutputSize];
        Conv2DCpu.ForwardWithWeightCache(input, weight, bias, batch, g, y, workspace, new float[size - 1], relu: true);
        Assert.Equal(Plain(), y);
    }

    [Fact]
    public void WorkspaceSizes()
    {
        var g = ConvCases.Get("3x3 same");
        var columns = g.ColumnRows * g.OutPlane;
        Assert.Equal(3 * 3 * 3 * 7 * 7, columns);
        Assert.False(ShiftedConv.Suits(g));
        Assert.Equal(columns, Conv2DCpu.ForwardWorkspaceSize(g, 1, 4));
        Assert.Equal(2 * columns, Conv2DCpu.ForwardWorkspaceSize(g, 5, 2));
        Assert.Equal(2 * columns, Conv2DCpu.BackwardDataWorkspaceSize(g, 5, 2));
        var s = ConvCases.Get("seed-mnist conv1");
        if (Conv2DCpu.Choose(s, ConvPath.Fastest, backwardData: false) == ConvPath.Shifted)
        {
            // 16 packed filters of 9 rows; per thread a 1x30x30 padded image plus slack (30 + 32) and one 8-filter
            // block's 8 x 864 frame (28 rows of 30 rounded up to 32-wide steps) with one vector to spare.
            Assert.Equal(16 * 9 + 2 * (30 * 30 + 30 + 32 + 8 * 864 + 16), Conv2DCpu.ForwardWorkspaceSize(s, 5, 2));
        }
        Assert.Equal(2 * columns, Conv2DCpu.BackwardFilterWorkspaceSize(g, 1, 2));
        Assert.Equal(0, Conv2DCpu.ForwardWorkspaceSize(ConvCases.Get("pointwise"), 5, 2));
        Assert.Equal(0, Conv2DCpu.BackwardFilterWorkspaceSize(g, 0, 2));
    }

    [Fact]
    public void RejectsShortSpans()
    {
        var g = ConvCases.Get("3x3 same");
        var input = new float[2 * g.InputSize];
        var weight = new float[g.WeightSize];
        var output = new float[2 * g.OutputSize];
        var workspace = new float[Conv2DCpu.ForwardWorkspaceSize(g, 2, 1)];
        Assert.Throws<ArgumentException>("input", () => Conv2DCpu.Forward(input.AsSpan(1), weight, [], 2, g, output, workspace));
        Assert.Throws<ArgumentException>("weight", () => Conv2DCpu.Forward(input, weight.AsSpan(1), [], 2, g, output, workspace));
        Assert.Throws<ArgumentException>("bias", () => Conv2DCpu.Forward(input, weight, new float[3], 2, g, output, workspace));
        Assert.Throws<ArgumentException>("output", () => Conv2DCpu.Forward(input, weight, [], 2, g, output.AsSpan(1), workspace));
        Assert.Throws<ArgumentException>("workspace", () => Conv2DCpu.Forward(input, weight, [], 2, g, output, workspace.AsSpan(1)));
        Assert.Throws<ArgumentException>("workspace", () => Conv2DCpu.BackwardFilter(input, output, 2, g, weight, [], []));
        Assert.Throws<ArgumentException>("dInput", () => Conv2DCpu.BackwardData(output, weight, 2, g, input.AsSpan(1), workspace));
    }

    [Fact]
    public void DoesNotAllocateAfterWarmUp()
    {
        var g = ConvCases.Get("seed-mnist conv2");
        const int batch = 4;
        var input = ConvCases.Random(batch * g.InputSize, 1);
        var weight = ConvCases.Random(g.WeightSize, 2);
        var bias = ConvCases.Random(g.Filters, 3);
        var output = new float[batch * g.OutputSize];
        var dInput = new float[batch * g.InputSize];
        var dWeight = new float[g.WeightSize];
        var dBias = new float[g.Filters];
        var workspace = new float[Math.Max(Conv2DCpu.ForwardWorkspaceSize(g, batch, 2), Conv2DCpu.BackwardFilterWorkspaceSize(g, batch, 2))];
        void Step()
        {
            Conv2DCpu.Forward(input, weight, bias, batch, g, output, workspace, 2);
            Conv2DCpu.BackwardData(output, weight, batch, g, dInput, workspace, 2);
            Conv2DCpu.BackwardFilter(input, output, batch, g, dWeight, dBias, workspace, 2);
        }
        Step();
        Step();
        // A real per-call allocation shows in every attempt; the runtime's own one-off work (tiered compilation
        // finishing in the middle of a step) does not.
        var allocated = new long[3];
        for (var attempt = 0; attempt < allocated.Length; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Step();
            allocated[attempt] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated.Min());
    }
}
