namespace LiftPipeline.Statistics.Decisions.Fairness;

/// <summary>
/// A measure's effect in one group of customers (a country, an age band), oriented so that positive is good for the
/// group (flip the sign of a metric where lower is better).
/// </summary>
/// <param name="Group">The group's name.</param>
/// <param name="Effect">The estimated effect in the group.</param>
/// <param name="StandardError">Its standard error; must be finite and positive.</param>
public sealed record GroupEffect(string Group, double Effect, double StandardError);

/// <summary>One group's verdict in a <see cref="GroupHeterogeneity"/> check.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Effect">The estimated effect in the group.</param>
/// <param name="StandardError">Its standard error.</param>
/// <param name="HarmPValue">One-sided p-value of "not harmed" (effect ≥ 0): Φ(effect/SE).</param>
/// <param name="AdjustedHarmPValue">Holm-adjusted across the groups.</param>
/// <param name="AdjustedBenefitPValue">Holm-adjusted one-sided p-value of "no benefit" (effect ≤ 0): 1 − Φ(effect/SE).</param>
/// <param name="IsHarmed">The adjusted harm p-value is below α: the group is significantly worse off.</param>
/// <param name="IsBenefiting">The adjusted benefit p-value is below α: the group significantly gains.</param>
public sealed record GroupVerdict(
    string Group,
    double Effect,
    double StandardError,
    double HarmPValue,
    double AdjustedHarmPValue,
    double AdjustedBenefitPValue,
    bool IsHarmed,
    bool IsBenefiting);
