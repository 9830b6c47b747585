using System.CommandLine;
using ConvKit.Explain;

namespace ConvKit.Cli.Commands;

/// <summary>
/// The gradient-ascent settings of <c>explain maximize</c>. The defaults suit models of images in [0, 1] such as
/// MNIST. Class scores (logits around 10 to 30) get L2 and total-variation penalties, which give smooth,
/// dark-background pictures whose scores still end well above a typical real digit's; a filter's mean response or a
/// unit is far smaller, and the same penalties would flatten its picture to black, so those go without by default.
/// </summary>
internal sealed class MaximizeSettingOptions
{
    private const float DefaultLearningRate = 0.02f;
    private const float ClassL2 = 20f;
    private const float ClassTotalVariation = 100f;
    private const int DefaultJitter = 2;

    public Option<int> Steps { get; } = new("--steps") { Description = "Gradient-ascent steps.", DefaultValueFactory = _ => 200 };

    public Option<float> LearningRate { get; } = new("--learning-rate") { Description = "Step size: the root mean square change of the image per step.", DefaultValueFactory = _ => DefaultLearningRate };

    public Option<float> L1 { get; } = new("--l1") { Description = "Weight of the L1 penalty mean|x|.", DefaultValueFactory = _ => 0f };

    public Option<float?> L2 { get; } = new("--l2") { Description = $"Weight of the L2 penalty mean(x^2), which keeps the image from going white everywhere (default: {ClassL2} for classes, 0 for filters and neurons)." };

    public Option<float?> TotalVariation { get; } = new("--tv") { Description = $"Weight of the total-variation penalty, which favours smooth images (default: {ClassTotalVariation} for classes, 0 for filters and neurons)." };

    public Option<int> Jitter { get; } = new("--jitter") { Description = "Random shift of up to this many pixels before each step.", DefaultValueFactory = _ => DefaultJitter };

    public Option<bool> NoClip { get; } = new("--no-clip") { Description = "Do not clip the image to [0, 1] after each step." };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the start images and the jitter.", DefaultValueFactory = _ => 0 };

    /// <summary>The settings for class targets with every option at its default and <paramref name="steps"/> steps (what <c>explain report</c> uses).</summary>
    public static MaximizationOptions ClassDefaults(int steps) =>
        new() { Steps = steps, LearningRate = DefaultLearningRate, L2 = ClassL2, TotalVariation = ClassTotalVariation, Jitter = DefaultJitter };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Steps, LearningRate, L1, L2, TotalVariation, Jitter, NoClip, Seed })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The settings given, with the penalties' defaults for <paramref name="forClasses"/> (class targets) or not.</summary>
    public MaximizationOptions Read(ParseResult r, bool forClasses) => new()
    {
        Steps = r.GetValue(Steps),
        LearningRate = r.GetValue(LearningRate),
        L1 = r.GetValue(L1),
        L2 = r.GetValue(L2) ?? (forClasses ? ClassL2 : 0f),
        TotalVariation = r.GetValue(TotalVariation) ?? (forClasses ? ClassTotalVariation : 0f),
        Jitter = r.GetValue(Jitter),
        Clip = !r.GetValue(NoClip),
        Seed = r.GetValue(Seed),
    };
}
