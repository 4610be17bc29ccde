namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// Compensated summation of arrays of running sums (Neumaier 1974, the improved Kahan–Babuška algorithm): each sum
/// carries the rounding error lost so far, so totals do not depend on how the rows were split beyond ~1e-16 relative.
/// </summary>
internal static class NeumaierSum
{
    /// <summary>Adds <paramref name="values"/> into (<paramref name="sums"/>, <paramref name="compensations"/>) element-wise.</summary>
    public static void Add(Span<double> sums, Span<double> compensations, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double x = values[i];
            double s = sums[i];
            double t = s + x;
            compensations[i] += Math.Abs(s) >= Math.Abs(x) ? (s - t) + x : (x - t) + s;
            sums[i] = t;
        }
    }
}
