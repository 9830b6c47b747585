using ConvKit.Tensors;

namespace ConvKit.Tests;

public class ShapeTests
{
    [Fact]
    public void SizeAndFormatting()
    {
        var s = new Shape(2, 3, 4);
        Assert.Equal(24, s.Size);
        Assert.Equal("(2, 3, 4)", s.ToString());
        Assert.Equal("(10,)", new Shape(10).ToString());
        Assert.Equal(new Shape(5, 2, 3, 4), s.WithBatch(5));
        Assert.Throws<ArgumentException>(() => new Shape(1, -1));
    }
}
