namespace LiftPipeline.Statistics.Experiments.Tails;

/// <summary>
/// One bucket of a histogram: <see cref="Count"/> values fell in [<see cref="Lower"/>, <see cref="Upper"/>). The shape
/// a streaming sketch exposes (log-bucketed, relative width of about 1%) and the input of
/// <see cref="SplicedBinnedPareto.Fit"/>.
/// </summary>
/// <param name="Lower">Inclusive lower edge.</param>
/// <param name="Upper">Exclusive upper edge; greater than <paramref name="Lower"/>.</param>
/// <param name="Count">Values in the bucket; not negative.</param>
public readonly record struct HistogramBucket(double Lower, double Upper, long Count)
{
    /// <summary>The bucket's midpoint, the mean of a value spread uniformly over it.</summary>
    public double Midpoint => 0.5 * (Lower + Upper);
}
