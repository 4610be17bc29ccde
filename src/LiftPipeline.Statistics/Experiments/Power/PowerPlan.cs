namespace LiftPipeline.Statistics.Experiments.Power;

/// <summary>
/// The result of a <see cref="PowerAnalysis"/>: arm sizes, the detectable effect and, given traffic, the duration.
/// </summary>
/// <param name="ArmSizes">Customers per arm, control first (rounded up when solved for).</param>
/// <param name="MdeAbsolute">The minimum detectable difference in means, in the metric's units.</param>
/// <param name="MdeRelative">The MDE over |baseline mean|; NaN when no baseline was given.</param>
/// <param name="Days">Days to enrol <see cref="TotalN"/> at the given daily traffic (rounded up); null without traffic.</param>
/// <param name="AlphaPerComparison">α after the Bonferroni split over treatment arms, α/k.</param>
/// <param name="EffectiveStandardDeviation">σ·√((1 − R²)·inflation), the standard deviation the plan used.</param>
public sealed record PowerPlan(
    IReadOnlyList<long> ArmSizes, double MdeAbsolute, double MdeRelative, long? Days, double AlphaPerComparison, double EffectiveStandardDeviation)
{
    /// <summary>Customers over all arms.</summary>
    public long TotalN => ArmSizes.Sum();
}
