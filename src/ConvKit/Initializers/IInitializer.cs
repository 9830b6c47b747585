using ConvKit.Tensors;

namespace ConvKit.Initializers;

/// <summary>Fills a new weight tensor. Fan-in and fan-out follow Keras: for a kernel (K, C, KH, KW) fan-in = C·KH·KW, fan-out = K·KH·KW; for a dense kernel (in, out) fan-in = in, fan-out = out.</summary>
public interface IInitializer
{
    /// <summary>A stable name used in saved architectures, e.g. <c>glorot_uniform</c>.</summary>
    string Name { get; }

    void Fill(Span<float> values, Shape shape, WeightLayout layout, Random random);
}
