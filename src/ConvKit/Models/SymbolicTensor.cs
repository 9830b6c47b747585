using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>
/// A placeholder for a tensor in a model under construction (Keras' KerasTensor): the output of an
/// <see cref="Layers.Input"/> or of a layer called on other symbolic tensors. It carries the per-sample shape.
/// </summary>
public sealed class SymbolicTensor
{
    internal SymbolicTensor(Node node) => Node = node;

    public Node Node { get; }

    /// <summary>The per-sample shape (no batch dimension).</summary>
    public Shape Shape => Node.OutputShape;

    public override string ToString() => $"SymbolicTensor(shape=(None, {string.Join(", ", Shape.ToArray())}), from '{Node.Layer.Name}')";
}
