using LiftPipeline.Statistics.Decisions.Fairness;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Decisions;

/// <summary>The fairness check: heterogeneity across groups and "beneficial overall while harming a group".</summary>
public sealed class GroupHeterogeneityTests(ITestOutputHelper output)
{
    [Fact]
    public void A_beneficial_recommendation_that_harms_one_country_is_flagged()
    {
        GroupEffect[] countries = [new("DE", 0.5, 0.1), new("FR", 0.4, 0.1), new("NL", -0.4, 0.1)];

        var result = GroupHeterogeneity.Check(countries, overallEffect: 0.2, overallStandardError: 0.05);

        Assert.True(result.OverallIsBeneficial);
        Assert.True(result.HarmsAGroup);
        Assert.Equal([false, false, true], result.Groups.Select(g => g.IsHarmed));
        Assert.Equal([true, true, false], result.Groups.Select(g => g.IsBenefiting));
        // NL: one-sided Φ(−4); Holm multiplies the smallest of three by 3.
        Assert.Equal(Normal.CDF(0, 1, -4), result.Groups[2].HarmPValue, 15);
        Assert.Equal(3 * Normal.CDF(0, 1, -4), result.Groups[2].AdjustedHarmPValue, 15);
        // Equal standard errors: Q = Σ(θ̂_g − mean)²/SE² = 0.4867/0.01.
        double mean = (0.5 + 0.4 - 0.4) / 3;
        double q = (Math.Pow(0.5 - mean, 2) + Math.Pow(0.4 - mean, 2) + Math.Pow(-0.4 - mean, 2)) / 0.01;
        Assert.Equal(q, result.Heterogeneity.Q, 10);
        Assert.True(result.Heterogeneity.PValue < 1e-6);
    }

    [Fact]
    public void A_harm_that_does_not_survive_holm_is_not_flagged()
    {
        // Age band 65+: z = −2, one-sided p = 0.023, but ×4 under Holm = 0.091 > 0.05.
        GroupEffect[] ages = [new("18-34", 0.3, 0.1), new("35-49", 0.3, 0.1), new("50-64", 0.3, 0.1), new("65+", -0.2, 0.1)];

        var result = GroupHeterogeneity.Check(ages, 0.2, 0.05);

        Assert.True(result.OverallIsBeneficial);
        Assert.Equal(4 * Normal.CDF(0, 1, -2), result.Groups[3].AdjustedHarmPValue, 12);
        Assert.False(result.Groups[3].IsHarmed);
        Assert.False(result.HarmsAGroup);
    }

    [Fact]
    public void A_harmed_group_is_not_flagged_when_nothing_is_recommended()
    {
        GroupEffect[] countries = [new("DE", 0.5, 0.1), new("NL", -0.5, 0.1)];

        var result = GroupHeterogeneity.Check(countries, overallEffect: 0.05, overallStandardError: 0.05);

        Assert.False(result.OverallIsBeneficial);
        Assert.True(result.Groups[1].IsHarmed);
        Assert.False(result.HarmsAGroup);
    }

    [Fact]
    public void A_group_without_a_usable_standard_error_is_rejected_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => GroupHeterogeneity.Check([new("DE", 0.1, 0.1), new("AT", 0.1, 0)], 0.1, 0.05));

        Assert.Contains("'AT'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GroupHeterogeneity.Check([], 0.1, 0.05));
    }

    // Known truth, 6 equal groups with SE 0.05: all equal (no harm, Q at its level), one group at exactly 0 (the
    // least favourable null for that group), one group harmed by −0.25 (5 SEs).
    [Theory]
    [InlineData(new[] { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 }, 0.0, 0.001)]
    [InlineData(new[] { 0.3, 0.3, 0.3, 0.3, 0.3, 0.0 }, 0.0, 0.05)]
    [InlineData(new[] { 0.3, 0.3, 0.3, 0.3, 0.3, -0.25 }, 0.95, 1.0)]
    public void Harm_flags_with_known_group_effects(double[] truth, double low, double high)
    {
        const double se = 0.05;
        var rng = new Random(1616);
        int flagged = 0, heterogeneous = 0;
        const int replications = 4000;
        var groups = new GroupEffect[truth.Length];
        for (int r = 0; r < replications; r++)
        {
            double overall = 0;
            for (int g = 0; g < truth.Length; g++)
            {
                groups[g] = new($"g{g}", truth[g] + se * Normal.Sample(rng, 0, 1), se);
                overall += groups[g].Effect / truth.Length;
            }
            // Equal-sized groups: the overall effect is their mean, with SE se/√G.
            var result = GroupHeterogeneity.Check(groups, overall, se / Math.Sqrt(truth.Length));
            flagged += result.HarmsAGroup ? 1 : 0;
            heterogeneous += result.Heterogeneity.PValue < 0.05 ? 1 : 0;
        }
        double rate = flagged / (double)replications, qRate = heterogeneous / (double)replications;
        output.WriteLine($"truth [{string.Join(", ", truth)}]: harm flagged {rate:F4}, Q rejects {qRate:F4}");

        Assert.InRange(rate, low, high);
        if (truth.Distinct().Count() == 1)
        {
            Assert.InRange(qRate, 0.04, 0.06);
        }
    }
}
