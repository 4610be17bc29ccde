namespace LiftPipeline.Statistics.Conflation;

/// <summary>One cell of shared customers (an arm of each test): count, mean outcome and sample variance. Immutable.</summary>
/// <param name="N">Customers in the cell.</param>
/// <param name="Mean">Mean outcome ȳ.</param>
/// <param name="Variance">Sample variance s² (n − 1 denominator).</param>
public readonly record struct CellSummary(long N, double Mean, double Variance)
{
    /// <summary>Summarises <paramref name="y"/> in one pass (Welford).</summary>
    public static CellSummary Of(ReadOnlySpan<double> y)
    {
        double mean = 0, m2 = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double d = y[i] - mean;
            mean += d / (i + 1);
            m2 += d * (y[i] - mean);
        }
        return new CellSummary(y.Length, mean, y.Length > 1 ? m2 / (y.Length - 1) : 0);
    }
}
