namespace ConvKit.Backends;

/// <summary>How gradients pass backwards through ReLU units, for saliency methods.</summary>
public enum BackpropMode
{
    /// <summary>The true gradient: dx = dy where the unit was active.</summary>
    Vanilla,

    /// <summary>Guided backpropagation (Springenberg et al. 2015): only positive gradients through active units.</summary>
    Guided,

    /// <summary>Deconvnet-style rectification (Zeiler and Fergus 2014): dx = max(dy, 0) whatever the unit's input.</summary>
    Rectified,
}
