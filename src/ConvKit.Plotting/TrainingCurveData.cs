namespace ConvKit.Plotting;

/// <summary>
/// Per-epoch metrics for <see cref="TrainingCurves"/>: element i belongs to epoch i + 1. Validation series are
/// optional; when given they must have one value per epoch, like the training series. Non-finite values (a
/// diverged loss) are left out of the lines.
/// </summary>
/// <param name="TrainLoss">Mean training loss per epoch, at least one epoch.</param>
/// <param name="TrainAccuracy">Training accuracy per epoch (as a fraction or a percentage; drawn as given).</param>
/// <param name="ValidationLoss">Validation loss per epoch, or null.</param>
/// <param name="ValidationAccuracy">Validation accuracy per epoch, or null.</param>
/// <example>
/// <code>
/// var data = new TrainingCurveData([0.9, 0.4, 0.3], [0.71, 0.88, 0.91], ValidationLoss: [0.5, 0.35, 0.33], ValidationAccuracy: [0.85, 0.9, 0.9]);
/// </code>
/// </example>
public sealed record TrainingCurveData(
    double[] TrainLoss,
    double[] TrainAccuracy,
    double[]? ValidationLoss = null,
    double[]? ValidationAccuracy = null);
