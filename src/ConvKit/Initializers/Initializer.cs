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

    /// <summary>
    /// Each value −1 or +1 with equal probability: the stand-in for LeNet-5's hand-drawn ±1 RBF prototypes
    /// (<see cref="Layers.Core.EuclideanRbf"/>).
    /// </summary>
    public static IInitializer RandomSign { get; } = new RandomSignInitializer();

    /// <summary>
    /// U(−limit, limit) whatever the fans; named <c>uniform(limit)</c>. LeNet-5 draws every weight from
    /// U(−2.4/F, 2.4/F) with F the unit's fan-in (LeCun et al. 1998, appendix C).
    /// </summary>
    public static IInitializer Uniform(double limit) => limit > 0 && double.IsFinite(limit)
        ? new UniformInitializer(limit)
        : throw new ConvKitException($"A uniform initialiser needs a positive finite limit, got {limit}.");

    /// <summary>Looks an initialiser up by its Keras name.</summary>
    public static IInitializer FromName(string name) => name switch
    {
        "random_sign" => RandomSign,
        _ when name.StartsWith("uniform(", StringComparison.Ordinal) && name.EndsWith(')') &&
            double.TryParse(name.AsSpan(8, name.Length - 9), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var limit)
            => Uniform(limit),
        "zeros" => Zeros,
        "ones" => Ones,
        "glorot_uniform" => GlorotUniform,
        "glorot_normal" => GlorotNormal,
        "he_normal" => HeNormal,
        "he_uniform" => HeUniform,
        "lecun_uniform" => LeCunUniform,
        _ => throw new ConvKitException($"Unknown initializer '{name}'. Known: zeros, ones, glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_uniform, random_sign, uniform(limit)."),
    };

    internal static (double FanIn, double FanOut) Fans(Shape shape, WeightLayout layout) => layout switch
    {
        WeightLayout.DenseKernel => (shape[0], shape[1]),
        WeightLayout.ConvKernel => ((double)shape[1] * shape[2] * shape[3], (double)shape[0] * shape[2] * shape[3]),
        _ => (shape.Size, shape.Size),
    };

    private sealed class RandomSignInitializer : IInitializer
    {
        public string Name => "random_sign";

        public void Fill(Span<float> values, Shape shape, WeightLayout layout, Random random)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = random.Next(2) == 0 ? -1f : 1f;
            }
        }
    }

    private sealed class UniformInitializer(double limit) : IInitializer
    {
        public string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"uniform({limit:R})");

        public void Fill(Span<float> values, Shape shape, WeightLayout layout, Random random)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2 - 1) * limit);
            }
        }
    }

    private sealed class ConstantInitializer(string name, float value) : IInitializer
    {
        public string Name => name;

        public void Fill(Span<float> values, Shape shape, WeightLayout layout, Random random) => values.Fill(value);
    }
}
