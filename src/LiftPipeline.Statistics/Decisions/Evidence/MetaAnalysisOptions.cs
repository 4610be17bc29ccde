namespace LiftPipeline.Statistics.Decisions.Evidence;

/// <summary>How the between-study variance τ² is estimated.</summary>
public enum HeterogeneityEstimator
{
    /// <summary>No heterogeneity: τ² = 0, the inverse-variance fixed (common) effect.</summary>
    FixedEffect,

    /// <summary>DerSimonian and Laird's method-of-moments estimator, truncated at 0.</summary>
    DerSimonianLaird,

    /// <summary>Restricted maximum likelihood on τ² ≥ 0 (the default, as in metafor).</summary>
    RestrictedMaximumLikelihood,
}

/// <summary>How the interval and test of the pooled effect are formed.</summary>
public enum PooledIntervalMethod
{
    /// <summary>
    /// <see cref="ModifiedHartungKnapp"/> when 2 ≤ k is below <see cref="MetaAnalysisOptions.HartungKnappBelowStudies"/>,
    /// normal otherwise.
    /// </summary>
    Automatic,

    /// <summary>μ̂ ± z·SE with SE = 1/√Σw*.</summary>
    Normal,

    /// <summary>Hartung–Knapp–Sidik–Jonkman: the scaled variance q/Σw* with Student t on k − 1 degrees of freedom.</summary>
    HartungKnapp,

    /// <summary>
    /// Hartung–Knapp with the scale floored at 1, q* = max(1, q), so the interval is never narrower than the normal one
    /// with the same weights (Röver, Knapp and Friede 2015, BMC Med. Res. Methodol. 15:99; metafor's test = "adhoc").
    /// </summary>
    ModifiedHartungKnapp,
}

/// <summary>How a set of study estimates is pooled.</summary>
/// <param name="Estimator">The τ² estimator. Default REML.</param>
/// <param name="Interval">The interval method. Default <see cref="PooledIntervalMethod.Automatic"/>.</param>
/// <param name="Alpha">The interval covers with probability 1 − α; tests are two-sided at α. Default 0.05.</param>
/// <param name="HartungKnappBelowStudies">
/// With <see cref="PooledIntervalMethod.Automatic"/>, the modified Hartung–Knapp interval is used when 2 ≤ k is below
/// this count. Default 40: in our simulations the normal interval with an estimated τ² covers under 94% below it
/// (see docs/decisions.md).
/// </param>
public sealed record MetaAnalysisOptions(
    HeterogeneityEstimator Estimator = HeterogeneityEstimator.RestrictedMaximumLikelihood,
    PooledIntervalMethod Interval = PooledIntervalMethod.Automatic,
    double Alpha = 0.05,
    int HartungKnappBelowStudies = 40)
{
    /// <summary>REML, automatic interval, α = 0.05.</summary>
    public static MetaAnalysisOptions Default { get; } = new();

    /// <summary>The interval method used for k studies: Normal for k = 1, otherwise the requested or automatic one.</summary>
    public PooledIntervalMethod IntervalFor(int studies) => studies < 2
        ? PooledIntervalMethod.Normal
        : Interval switch
        {
            PooledIntervalMethod.Automatic => studies < HartungKnappBelowStudies ? PooledIntervalMethod.ModifiedHartungKnapp : PooledIntervalMethod.Normal,
            _ => Interval,
        };

    /// <summary>Throws when α is outside (0, 1).</summary>
    internal void Validate()
    {
        if (!(Alpha > 0 && Alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "The significance level alpha must lie strictly between 0 and 1 (e.g. 0.05).");
        }
    }
}
