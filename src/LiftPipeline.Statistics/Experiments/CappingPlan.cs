namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// Caps for a second, winsorised pass, taken from the quantile sketches of a first pass. The cap is pooled over arms — the
/// same threshold in every arm — so capping cannot itself create a difference between arms.
/// </summary>
public static class CappingPlan
{
    /// <summary>
    /// Caps <paramref name="outcome"/> above at its pooled <paramref name="quantile"/> (e.g. 0.999), within the sketch's
    /// relative accuracy; no lower cap.
    /// </summary>
    public static OutcomeCap FromQuantile(ExperimentStatistics statistics, string outcome, double quantile)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new OutcomeCap(double.NegativeInfinity, statistics.PooledSketch(outcome).Quantile(quantile));
    }

    /// <summary>Caps <paramref name="outcome"/> below at its pooled <paramref name="lowerQuantile"/> and above at <paramref name="upperQuantile"/>.</summary>
    public static OutcomeCap FromQuantiles(ExperimentStatistics statistics, string outcome, double lowerQuantile, double upperQuantile)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (!(lowerQuantile <= upperQuantile))
        {
            throw new ArgumentOutOfRangeException(nameof(lowerQuantile), lowerQuantile, $"the lower quantile must not exceed the upper ({upperQuantile})");
        }
        var sketch = statistics.PooledSketch(outcome);
        return new OutcomeCap(sketch.Quantile(lowerQuantile), sketch.Quantile(upperQuantile));
    }
}
