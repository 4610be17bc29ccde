namespace LiftPipeline.Statistics.Experiments.Tails;

/// <summary>
/// One fitted tail of a <see cref="SplicedBinnedPareto"/>: beyond <see cref="Threshold"/> (above it for the upper tail,
/// below it for the lower) lie a share <see cref="Probability"/> of the values, and their distance from the threshold
/// follows <see cref="Fit"/>'s generalized Pareto.
/// </summary>
/// <param name="Threshold">The bucket edge where the tail starts.</param>
/// <param name="Probability">The share of all values beyond the threshold.</param>
/// <param name="Fit">The GPD fit to the exceedances, with standard errors.</param>
public sealed record ParetoTail(double Threshold, double Probability, GeneralizedParetoFit Fit)
{
    /// <summary>The tail index ξ.</summary>
    public double Shape => Fit.Distribution.Shape;

    /// <summary>The standard error of ξ.</summary>
    public double ShapeStandardError => Fit.ShapeStandardError;

    /// <summary>Whether a normal interval for the mean survives this tail (<see cref="TailVerdictRule"/>).</summary>
    public TailVerdict Verdict => TailVerdictRule.Classify(Shape);
}
