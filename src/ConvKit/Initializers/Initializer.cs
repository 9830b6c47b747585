using ConvKit.Tensors;

namespace ConvKit.Initializers;

/// <summary>The built-in initialisers, by name as Keras spells them.</summary>
public static class Initializer
{
    public static IInitializer Zeros { get; } = new ConstantInitializer("zeros", 0f);

    public static IInitializer Ones { get; } = new ConstantInitializer("ones", 1f);

    /// <summary>U(-l, l) with l = sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio 2010); Keras' default for kernels.</summary>
    public static IInitializer GlorotUniform { get; } = new VarianceScalingInitializer("glorot_uniform", 1.0, FanMode.Average, uniform: true);

    /// <summary>N(0, σ²) truncated at 2σ, σ = sqrt(2 / fan_in) (He et al. 2015), as Keras' he_normal.</summary>
    public static IInitializer HeNormal { get; } = new VarianceScalingInitializer("he_normal", 2.0, FanMode.In, uniform: false);

    /// <summary>U(-l, l) with l = sqrt(6 / fan_in).</summary>
    public static IInitializer HeUniform { get; } = new VarianceScalingInitializer("he_uniform", 2.0, FanMode.In, uniform: true);

    /// <summary>U(-l, l) with l = sqrt(3 / fan_in) (LeCun et al. 1998).</summary>
    public static IInitializer LeCunUniform { get; } = new VarianceScalingInitializer("lecun_uniform", 1.0, FanMode.In, uniform: true);

    public static IInitializer GlorotNormal { get; } = new VarianceScalingInitializer("glorot_normal", 1.0, FanMode.Average, uniform: false);

    /// <summary>Looks an initialiser up by its Keras name.</summary>
    public static IInitializer FromName(string name) => name switch
    {
        "zeros" => Zeros,
        "ones" => Ones,
        "glorot_uniform" => GlorotUniform,
        "glorot_normal" => GlorotNormal,
        "he_normal" => HeNormal,
        "he_uniform" => HeUniform,
        "lecun_uniform" => LeCunUniform,
        _ => throw new ConvKitException($"Unknown initializer '{name}'. Known: zeros, ones, glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_uniform."),
    };

    internal static (double FanIn, double FanOut) Fans(Shape shape, WeightLayout layout) => layout switch
    {
        WeightLayout.DenseKernel => (shape[0], shape[1]),
        WeightLayout.ConvKernel => ((double)shape[1] * shape[2] * shape[3], (double)shape[0] * shape[2] * shape[3]),
        _ => (shape.Size, shape.Size),
    };

    private sealed class ConstantInitializer(string name, float value) : IInitializer
    {
        public string Name => name;

        public void Fill(Span<float> values, Shape shape, WeightLayout layout, Random random) => values.Fill(value);
    }
}
