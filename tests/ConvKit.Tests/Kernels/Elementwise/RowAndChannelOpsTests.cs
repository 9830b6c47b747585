using ConvKit.Kernels.Cpu.Elementwise;
using ConvKit.Tests.TestSupport;

namespace ConvKit.Tests.Kernels.Elementwise;

/// <summary>The channel affine map and the row ops around MatMul against their naive twins on awkward sizes.</summary>
public class RowAndChannelOpsTests
{
    private static float[] Values(int count, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 3, 17)]
    [InlineData(3, 6, 196)]
    [InlineData(1, 16, 25)]
    [InlineData(0, 4, 4)]
    public void ChannelAffineMatchesItsTwin(int n, int c, int s)
    {
        var x = Values(n * c * s, 1);
        var dy = Values(n * c * s, 2);
        var scale = Values(c, 3);
        var bias = Values(c, 4);
        var y = new float[x.Length];
        var yRef = new float[x.Length];
        ChannelAffineCpu.Forward(x, n, c, s, scale, bias, y);
        ChannelAffineReference.Forward(x, n, c, s, scale, bias, yRef);
        Assertions.Close(yRef, y, 1e-6, 1e-6, "y");

        var (dx, dxRef) = (new float[x.Length], new float[x.Length]);
        var (ds, dsRef) = (Values(c, 5), Values(c, 5));
        var (db, dbRef) = (Values(c, 6), Values(c, 6));
        ChannelAffineCpu.Backward(x, dy, n, c, s, scale, dx, ds, db);
        ChannelAffineReference.Backward(x, dy, n, c, s, scale, dxRef, dsRef, dbRef);
        Assertions.Close(dxRef, dx, 1e-6, 1e-6, "dx");
        Assertions.Close(dsRef, ds, 1e-5, 1e-5, "dScale");
        Assertions.Close(dbRef, db, 1e-5, 1e-5, "dBias");

        // dx may alias dy; an empty dx skips the input gradient.
        var inPlace = (float[])dy.Clone();
        ChannelAffineCpu.Backward(x, inPlace, n, c, s, scale, inPlace, new float[c], new float[c]);
        Assert.Equal(dx, inPlace);
        ChannelAffineCpu.Backward(x, dy, n, c, s, scale, [], new float[c], new float[c]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 12)]
    [InlineData(7, 84)]
    [InlineData(10, 33)]
    [InlineData(0, 5)]
    public void RowOpsMatchTheirTwins(int rows, int cols)
    {
        var x = Values(rows * cols, 1);
        var (norms, normsRef) = (new float[rows], new float[rows]);
        RowOpsCpu.SquaredNorms(x, rows, cols, norms);
        RowOpsReference.SquaredNorms(x, rows, cols, normsRef);
        Assertions.Close(normsRef, norms, 1e-5, 1e-5, "norms");

        var (sums, sumsRef) = (new float[rows], new float[rows]);
        RowOpsCpu.Sums(x, rows, cols, sums);
        RowOpsReference.Sums(x, rows, cols, sumsRef);
        Assertions.Close(sumsRef, sums, 1e-5, 1e-5, "sums");

        var rowTerm = Values(rows, 2);
        var colTerm = Values(cols, 3);
        var (y, yRef) = (Values(rows * cols, 4), Values(rows * cols, 4));
        RowOpsCpu.AddOuterSum(y, rows, cols, -2f, rowTerm, colTerm, -1f);
        RowOpsReference.AddOuterSum(yRef, rows, cols, -2f, rowTerm, colTerm, -1f);
        Assertions.Close(yRef, y, 1e-5, 1e-5, "outer sum");

        var (z, zRef) = (Values(rows * cols, 5), Values(rows * cols, 5));
        RowOpsCpu.AddRowScaled(x, rows, cols, rowTerm, 2f, z, -2f);
        RowOpsReference.AddRowScaled(x, rows, cols, rowTerm, 2f, zRef, -2f);
        Assertions.Close(zRef, z, 1e-5, 1e-5, "row scaled");
    }

    [Fact]
    public void ShortSpansAndOverlapsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => RowOpsCpu.SquaredNorms(new float[5], 2, 3, new float[2]));
        Assert.Throws<ArgumentException>(() => RowOpsCpu.Sums(new float[6], 2, 3, new float[1]));
        var buffer = new float[6];
        Assert.Throws<ArgumentException>(() => RowOpsCpu.AddRowScaled(buffer, 2, 3, new float[2], 1f, buffer, 1f));
        Assert.Throws<ArgumentException>(() => ChannelAffineCpu.Forward(new float[6], 1, 2, 3, new float[1], new float[2], new float[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelAffineCpu.Forward(new float[6], -1, 2, 3, new float[2], new float[2], new float[6]));
    }
}
