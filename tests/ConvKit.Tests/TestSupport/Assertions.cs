namespace ConvKit.Tests.TestSupport;

/// <summary>Element-wise comparison with |a − e| ≤ atol + rtol·|e|, reporting the worst element.</summary>
public static class Assertions
{
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}.");
        var worst = -1;
        var worstExcess = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs((double)expected[i] - actual[i]);
            var allowed = atol + rtol * Math.Abs(expected[i]);
            if (!(diff <= allowed) && (worst < 0 || diff - allowed > worstExcess))
            {
                worst = i;
                worstExcess = diff - allowed;
            }
        }
        Assert.True(worst < 0, worst < 0 ? string.Empty : $"{what}: element {worst} is {actual[worst]}, expected {expected[worst]} (rtol {rtol}, atol {atol}).");
    }

    public static void Close(double expected, double actual, double rtol, double atol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= atol + rtol * Math.Abs(expected), $"{what}: got {actual}, expected {expected}.");
}
