using ConvKit.Tensors;

namespace ConvKit.Initializers;

/// <summary>
/// Keras' VarianceScaling: variance = scale / fan, where fan is fan-in, fan-out or their average. Uniform draws
/// from U(-l, l) with l = sqrt(3·variance); normal draws from a normal truncated at two standard deviations with
/// σ = sqrt(variance) / 0.87962566 (the correction Keras applies so the truncated distribution keeps the variance).
/// </summary>
public sealed class VarianceScalingInitializer : IInitializer
{
    private readonly double _scale;
    private readonly FanMode _mode;
    private readonly bool _uniform;

    public VarianceScalingInitializer(string name, double scale, FanMode mode, bool uniform)
    {
        Name = name;
        _scale = scale;
        _mode = mode;
        _uniform = uniform;
    }

    public string Name { get; }

    public void Fill(Span<float> values, Shape shape, WeightLayout layout, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (fanIn, fanOut) = Initializer.Fans(shape, layout);
        var fan = _mode switch
        {
            FanMode.In => fanIn,
            FanMode.Out => fanOut,
            _ => (fanIn + fanOut) / 2,
        };
        var variance = _scale / Math.Max(1.0, fan);
        if (_uniform)
        {
            var limit = Math.Sqrt(3 * variance);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2 - 1) * limit);
            }
            return;
        }
        var sigma = Math.Sqrt(variance) / 0.87962566103423978;
        for (var i = 0; i < values.Length; i++)
        {
            double z;
            do
            {
                // Box-Muller; redraw outside two standard deviations.
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
            while (Math.Abs(z) > 2);
            values[i] = (float)(z * sigma);
        }
    }
}
