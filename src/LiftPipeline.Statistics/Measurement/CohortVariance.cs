namespace LiftPipeline.Statistics.Measurement;

/// <summary>How a staggered design's uncertainty treats its adoption cohorts, which share the never-treated controls.</summary>
public enum CohortVariance
{
    /// <summary>
    /// Default. Each replication re-runs the whole staggered estimator: a placebo assigns disjoint sets of controls to
    /// every cohort's start at once (the real cohort sizes, the rest staying controls), a bootstrap resamples all units
    /// keeping their cohorts; the aggregate ATT and calendar effects of each replication give the standard errors.
    /// Only placebo and bootstrap replicate jointly; other methods fall back to <see cref="Independent"/> with a warning.
    /// </summary>
    Joint,

    /// <summary>
    /// Faster: the variance method runs on each cohort alone and se = √(Σ w_c² se_c²), as if the cohort estimates were
    /// independent. They share controls, so this is too small (10–15% on a 3-cohort panel); the uncertainty says so.
    /// </summary>
    Independent,
}

/// <summary>The names of <see cref="CohortVariance"/> as the command line (<c>--cohort-se</c>) and campaign.json (<c>cohortVariance</c>) spell them.</summary>
public static class CohortVariances
{
    /// <summary><c>joint</c> and <c>independent</c>, default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["joint", "independent"];

    /// <summary>The value named <paramref name="name"/> (ignoring case), if any.</summary>
    public static bool TryParse(string? name, out CohortVariance value)
    {
        value = string.Equals(name, "independent", StringComparison.OrdinalIgnoreCase) ? CohortVariance.Independent : CohortVariance.Joint;
        return string.Equals(name, "joint", StringComparison.OrdinalIgnoreCase) || value == CohortVariance.Independent;
    }

    /// <summary>The lower-case name of <paramref name="value"/>.</summary>
    public static string Name(CohortVariance value) => value == CohortVariance.Independent ? "independent" : "joint";
}
