namespace ConvKit.Explain;

/// <summary>What Deep Dream maximises on the chosen layer's activations a (per image).</summary>
public enum DreamObjective
{
    /// <summary>The L2 norm ‖a‖₂ = sqrt(Σ a²); its gradient a / ‖a‖ makes every unit more of what it already is (Mordvintsev et al. 2015, "Inceptionism").</summary>
    Norm,

    /// <summary>The notes' target O' = Σ sign(a)·a = Σ |a|: positive activations are made larger and negative ones smaller, each with the same push. After a ReLU it is the summed activation.</summary>
    Amplify,
}
