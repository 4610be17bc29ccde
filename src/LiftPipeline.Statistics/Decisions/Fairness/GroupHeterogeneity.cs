using LiftPipeline.Statistics.Decisions.Evidence;
using LiftPipeline.Statistics.Experiments.Contrasts;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Decisions.Fairness;

/// <summary>The fairness check of a recommendation across groups.</summary>
/// <param name="Heterogeneity">Cochran's Q across the group effects (do the groups' effects differ?).</param>
/// <param name="OverallEffect">The effect the recommendation rests on.</param>
/// <param name="OverallPValue">Its two-sided p-value (normal reference).</param>
/// <param name="OverallIsBeneficial">The overall effect is positive and significant at α: a roll-out would be recommended.</param>
/// <param name="Groups">One verdict per group, in input order.</param>
/// <param name="HarmsAGroup">
/// The recommendation rests on a beneficial overall effect while at least one group is significantly harmed (Holm
/// across groups, one-sided at α).
/// </param>
/// <param name="Alpha">The significance level used for every test.</param>
public sealed record GroupHeterogeneityResult(
    HeterogeneityTest Heterogeneity,
    double OverallEffect,
    double OverallPValue,
    bool OverallIsBeneficial,
    IReadOnlyList<GroupVerdict> Groups,
    bool HarmsAGroup,
    double Alpha);

/// <summary>
/// Whether a measure's effect differs across groups (Cochran's Q, the same test as across campaigns) and whether a
/// recommendation rests on an overall benefit while harming a group. The rule: flag when the overall effect is
/// positive with two-sided p &lt; α, and some group's effect is negative with its one-sided harm p-value
/// Φ(θ̂_g/SE_g), Holm-adjusted across the G groups, below α. Holm keeps the chance of a false harm flag at most α
/// whatever the other groups' effects. Pure and thread-safe.
/// </summary>
public static class GroupHeterogeneity
{
    /// <summary>Checks the group effects against the overall effect a recommendation rests on.</summary>
    /// <param name="groups">At least one group, each with a finite positive standard error.</param>
    /// <param name="overallEffect">The overall effect (positive = good).</param>
    /// <param name="overallStandardError">Its standard error, finite and positive.</param>
    /// <param name="alpha">Significance level of every test. Default 0.05.</param>
    /// <exception cref="ArgumentException">No groups, or a standard error that is not finite and positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">α outside (0, 1).</exception>
    public static GroupHeterogeneityResult Check(IReadOnlyList<GroupEffect> groups, double overallEffect, double overallStandardError, double alpha = 0.05)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The significance level alpha must lie strictly between 0 and 1 (e.g. 0.05).");
        }
        if (!(overallStandardError > 0 && double.IsFinite(overallStandardError)))
        {
            throw new ArgumentException($"The overall standard error is {overallStandardError}; it must be finite and positive.", nameof(overallStandardError));
        }
        int g = groups.Count;
        if (g == 0)
        {
            throw new ArgumentException("At least one group effect is needed.", nameof(groups));
        }
        var effects = new double[g];
        var variances = new double[g];
        var harm = new double[g];
        var benefit = new double[g];
        for (int i = 0; i < g; i++)
        {
            if (!(groups[i].StandardError > 0 && double.IsFinite(groups[i].StandardError)) || !double.IsFinite(groups[i].Effect))
            {
                throw new ArgumentException(
                    $"Group '{groups[i].Group}' has effect {groups[i].Effect} with standard error {groups[i].StandardError}; the effect must be finite and the standard error finite and positive.",
                    nameof(groups));
            }
            (effects[i], variances[i]) = (groups[i].Effect, groups[i].StandardError * groups[i].StandardError);
            double z = groups[i].Effect / groups[i].StandardError;
            (harm[i], benefit[i]) = (Normal.CDF(0, 1, z), 1 - Normal.CDF(0, 1, z));
        }
        var q = HeterogeneityTest.CochranQ(effects, variances);
        double[] harmAdjusted = MultipleTesting.Holm(harm), benefitAdjusted = MultipleTesting.Holm(benefit);
        var verdicts = new GroupVerdict[g];
        bool anyHarmed = false;
        for (int i = 0; i < g; i++)
        {
            verdicts[i] = new(groups[i].Group, effects[i], groups[i].StandardError, harm[i], harmAdjusted[i], benefitAdjusted[i],
                harmAdjusted[i] < alpha, benefitAdjusted[i] < alpha);
            anyHarmed |= verdicts[i].IsHarmed;
        }
        double overallP = 2 * Normal.CDF(0, 1, -Math.Abs(overallEffect / overallStandardError));   // the lower tail keeps precision for large |z|
        bool beneficial = overallEffect > 0 && overallP < alpha;
        return new(q, overallEffect, overallP, beneficial, verdicts, beneficial && anyHarmed, alpha);
    }
}
