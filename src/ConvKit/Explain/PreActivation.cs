using ConvKit.Backends;
using ConvKit.Layers.Activations;
using ConvKit.Layers.Convolution;
using ConvKit.Layers.Core;
using ConvKit.Models;
using ConvKit.Tensors;

namespace ConvKit.Explain;

/// <summary>
/// Reads a layer's output before its own activation function from the last forward pass: the output itself when
/// the layer is linear; the input of a stand-alone activation layer (or of LeNet-5's rubbish-class softmax); x·W + b or the convolution recomputed from the
/// layer's input for a Dense or Conv2D layer with a fused activation. Explainers use it so that a target is a
/// score (a logit, a unit's net input) whose gradient does not vanish when a ReLU is off or a softmax saturates.
/// Buffers are made once per batch size.
/// </summary>
internal sealed class PreActivation
{
    private readonly Model _model;
    private readonly Node _node;
    private Tensor? _values;
    private Tensor? _workspace;

    public PreActivation(Model model, Node node)
    {
        _model = model;
        _node = node;
        var layer = node.Layer;
        if (layer.FusedActivation != ActivationKind.Linear && !(node.Inbound.Count == 1 && layer is Activation or RubbishClassSoftmax or Dense or Conv2D))
        {
            throw new ConvKitException($"Cannot read the output of layer '{layer.Name}' ({layer.TypeName}) before its {ActivationFunctions.ToName(layer.FusedActivation)} activation.");
        }
    }

    /// <summary>The pre-activation values of the last forward pass, batch first. Reused by the next call.</summary>
    public Tensor Read()
    {
        var layer = _node.Layer;
        var output = _model.GetActivation(layer.Name);
        if (layer.FusedActivation == ActivationKind.Linear)
        {
            return output;
        }
        var input = _model.GetActivation(_node.Inbound[0].Layer.Name);
        if (layer is Activation or RubbishClassSoftmax)
        {
            return input;
        }
        var backend = _model.Backend;
        if (_values is null || _values.Shape != output.Shape)
        {
            _values = backend.Allocate(output.Shape);
        }
        if (layer is Dense dense)
        {
            backend.MatMul(input, false, dense.Kernel.Value, false, _values, 0f);
            if (dense.Bias is { } b)
            {
                backend.AddRowBias(_values, b.Value);
            }
            return _values;
        }
        var conv = (Conv2D)layer;
        var size = Math.Max(1, backend.Conv2DWorkspaceSize(conv.Geometry, output.Shape[0]));
        if (_workspace is null || _workspace.Length != size)
        {
            _workspace = backend.Allocate(new Shape(size));
        }
        backend.Conv2DForward(input, conv.Kernel.Value, conv.Bias?.Value, _values, conv.Geometry, _workspace);
        return _values;
    }
}
