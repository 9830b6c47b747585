using ConvKit.Filters;

namespace ConvKit.Tests.Filters;

public class GradientTests
{
    [Fact]
    public void MagnitudeAndDirectionOfARampAreHandComputed()
    {
        // I = 3x + 4y: Sobel gives gx = 8·3 = 24, gy = 8·4 = 32, so |g| = 40 and atan2(32, 24) = 0.927295 rad.
        var image = new ImagePlanes(1, 6, 7);
        for (var y = 0; y < 6; y++)
        {
            for (var x = 0; x < 7; x++)
            {
                image[0, y, x] = 3 * x + 4 * y;
            }
        }
        var valid = new FilterOptions { Output = OutputMode.Valid };
        Assert.All(Gradients.Magnitude(image, GradientOperator.Sobel, 3, valid).Data, v => Assert.Equal(40, v, 1e-4f));
        Assert.All(Gradients.Direction(image, GradientOperator.Sobel, 3, valid).Data, v => Assert.Equal(0.927295f, v, 1e-5f));
        // Prewitt: gx = 6·3 = 18, gy = 6·4 = 24, |g| = 30.
        Assert.All(Gradients.Magnitude(image, GradientOperator.Prewitt, 3, valid).Data, v => Assert.Equal(30, v, 1e-4f));
        Assert.All(KernelCatalog.Create("prewitt-magnitude").Apply(image, valid).Data, v => Assert.Equal(30, v, 1e-4f));
    }

    [Fact]
    public void DirectionPointsTowardsBrighterPixels()
    {
        float[] gx = [1, 0, -1, 0, 0];
        float[] gy = [0, 1, 0, -1, 0];
        var d = new float[5];
        Gradients.Direction(gx, gy, d);
        Assert.Equal([0, MathF.PI / 2, MathF.PI, -MathF.PI / 2, 0], d);
    }

    [Fact]
    public void OtherSizesOnlyForSobel()
    {
        Assert.Equal(7, Gradients.Kernels(GradientOperator.Sobel, 7).X.Width);
        Assert.Throws<ConvKitException>(() => Gradients.Kernels(GradientOperator.Scharr, 5));
    }
}
