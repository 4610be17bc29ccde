namespace LiftPipeline.Statistics.Experiments.Tails;

/// <summary>
/// Whether a normal (CLT) interval for a mean is trustworthy given a fitted tail index ξ. A GPD tail has finite
/// moments of order below 1/ξ (Coles 2001, §4.2), so the rule is:
/// ξ &lt; 0.25 — the fourth moment is finite, the sample variance itself converges at √n and the usual standard error
/// is reliable; 0.25 ≤ ξ &lt; 0.5 — the variance is finite but its estimate is erratic and the mean converges slowly
/// (warn); ξ ≥ 0.5 — the variance is infinite and a normal interval has no guarantee.
/// </summary>
public enum TailVerdict
{
    /// <summary>ξ &lt; 0.25: a CLT-based interval is fine.</summary>
    NormalIntervalOk,

    /// <summary>0.25 ≤ ξ &lt; 0.5: finite variance, slow convergence; prefer trimming, winsorising or a larger sample.</summary>
    SlowConvergence,

    /// <summary>ξ ≥ 0.5: infinite variance; do not report a normal interval for the mean.</summary>
    TooHeavyForNormalInterval,
}

/// <summary>The ξ thresholds of <see cref="TailVerdict"/>.</summary>
public static class TailVerdictRule
{
    /// <summary>ξ at and above which convergence is slow (the fourth moment is infinite).</summary>
    public const double SlowConvergenceShape = 0.25;

    /// <summary>ξ at and above which the variance is infinite.</summary>
    public const double InfiniteVarianceShape = 0.5;

    /// <summary>The verdict for a point estimate of ξ.</summary>
    public static TailVerdict Classify(double shape) => shape switch
    {
        >= InfiniteVarianceShape => TailVerdict.TooHeavyForNormalInterval,
        >= SlowConvergenceShape => TailVerdict.SlowConvergence,
        _ => TailVerdict.NormalIntervalOk,
    };
}
