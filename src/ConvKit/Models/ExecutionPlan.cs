using ConvKit.Layers;
using ConvKit.Tensors;

namespace ConvKit.Models;

/// <summary>
/// Every buffer one batch size needs, made once: each node's output and gradient, its layer context (scratch),
/// and the argument arrays passed to the layers. Running a forward and backward pass on a plan allocates nothing.
/// </summary>
internal sealed class ExecutionPlan
{
    public ExecutionPlan(Model model, IReadOnlyList<Node> nodes, int[][] inbound, int[] fanOut, int batch)
    {
        var backend = model.Backend;
        Batch = batch;
        var n = nodes.Count;
        Outputs = new Tensor[n];
        Gradients = new Tensor[n];
        Contexts = new LayerContext[n];
        InputArgs = new Tensor[n][];
        GradientArgs = new Tensor?[n][];
        EdgeGradients = new Tensor?[n][];
        Touched = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var shape = nodes[i].OutputShape.WithBatch(batch);
            Outputs[i] = backend.Allocate(shape);
            Gradients[i] = backend.Allocate(shape);
            Contexts[i] = new LayerContext(backend, batch);
            InputArgs[i] = inbound[i].Select(p => Outputs[p]).ToArray();
            GradientArgs[i] = new Tensor?[inbound[i].Length];
            // A producer read by several consumers gets one private gradient buffer per edge; they are summed.
            EdgeGradients[i] = inbound[i].Select(p => fanOut[p] > 1 ? backend.Allocate(Outputs[p].Shape) : null).ToArray();
        }
    }

    public int Batch { get; }

    public Tensor[] Outputs { get; }

    public Tensor[] Gradients { get; }

    public LayerContext[] Contexts { get; }

    public Tensor[][] InputArgs { get; }

    public Tensor?[][] GradientArgs { get; }

    public Tensor?[][] EdgeGradients { get; }

    /// <summary>Whether a node's gradient holds a value in the current backward pass.</summary>
    public bool[] Touched { get; }
}
