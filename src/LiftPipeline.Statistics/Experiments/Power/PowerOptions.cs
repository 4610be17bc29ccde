using LiftPipeline.Statistics.Experiments.Tails;
namespace LiftPipeline.Statistics.Experiments.Power;

/// <summary>
/// The design a <see cref="PowerAnalysis"/> plans for: error rates, arms, allocation and variance adjustments.
/// Defaults: α = 0.05 two-sided, power 0.8, one treatment arm, equal allocation, no CUPED, no inflation.
/// </summary>
public sealed record PowerOptions
{
    /// <summary>The family-wise significance level α. Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>The power 1 − β to detect the MDE in each treatment-vs-control comparison. Default 0.8.</summary>
    public double Power { get; init; } = 0.8;

    /// <summary>Two-sided tests (z at 1 − α/2) when true, the default; one-sided (z at 1 − α) when false.</summary>
    public bool TwoSided { get; init; } = true;

    /// <summary>k, the treatment arms each compared with the one control arm. Default 1.</summary>
    public int TreatmentArms { get; init; } = 1;

    /// <summary>
    /// Traffic shares of the k + 1 arms, control first, summing to 1; null (the default) for equal shares.
    /// </summary>
    public IReadOnlyList<double>? Allocation { get; init; }

    /// <summary>
    /// R² of the CUPED covariate (the squared correlation of the pre-period covariate with the outcome); the variance
    /// is multiplied by 1 − R² (Deng, Xu, Kohavi &amp; Walker 2013). Default 0.
    /// </summary>
    public double CupedR2 { get; init; }

    /// <summary>
    /// A variance multiplier ≥ 1 for heavy tails: the planning cushion when the metric's tail index is in the slow-
    /// convergence range (<see cref="TailVerdict.SlowConvergence"/>), or the ratio of raw to winsorised variance when
    /// the analysis will winsorise. Default 1.
    /// </summary>
    public double VarianceInflation { get; init; } = 1;

    /// <summary>
    /// Plan for the always-valid interval the nightly decisions read (the mixture confidence sequence tuned to be
    /// tightest at the planned total, N* = the plan's customers): its multiplier m(1, α′) of
    /// <see cref="Contrasts.InformationTimeSequence.Multiplier"/> replaces z₁₋α′/₂. Two-sided only. Default false
    /// (the classic fixed-horizon plan).
    /// </summary>
    public bool AlwaysValid { get; init; }
}
