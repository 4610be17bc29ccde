using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Experiments;

public sealed class InformationTimeSequenceTests
{
    [Theory]
    [InlineData(2_000, 10_000)]
    [InlineData(10_000, 10_000)]
    [InlineData(80_000, 10_000)]
    public void At_fraction_n_over_n_star_it_is_the_holdout_confidence_sequence(long n, double tuningN)
    {
        var control = new SampleMoments(n / 2, n / 2 * 10.0, n / 2 * (100.0 + 16));
        var treatment = new SampleMoments(n / 2, n / 2 * 10.3, n / 2 * (106.09 + 16));

        var sequence = ConfidenceSequence.OfMeans(control, treatment, tuningN);
        var (lower, upper) = InformationTimeSequence.Interval(sequence.Effect, sequence.StandardError, n / tuningN, 0.05);

        Assert.Equal(sequence.Lower, lower, 12);
        Assert.Equal(sequence.Upper, upper, 12);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    [InlineData(1)]
    [InlineData(5)]
    public void The_always_valid_multiplier_is_wider_than_the_fixed_horizon_z(double fraction)
    {
        double m = InformationTimeSequence.Multiplier(fraction, 0.05);

        Assert.True(m > Normal.InvCDF(0, 1, 0.975), $"{m}");
        Assert.Equal(3.0352090, InformationTimeSequence.Multiplier(1, 0.05), 6);   // √((1 + κ)/κ · (ln(1 + κ) + 2 ln 20)), κ = 7.93615
        Assert.Equal(double.PositiveInfinity, InformationTimeSequence.Multiplier(0, 0.05));
    }

    [Fact]
    public void The_minimum_detectable_effect_is_read_at_the_planned_horizon_or_today_whichever_is_later()
    {
        double z80 = Normal.InvCDF(0, 1, 0.8);

        Assert.Equal((InformationTimeSequence.Multiplier(1, 0.05) + z80) * 0.01 * Math.Sqrt(0.25), InformationTimeSequence.MinimumDetectable(0.01, 0.25, 0.05, 0.8), 14);
        Assert.Equal((InformationTimeSequence.Multiplier(3, 0.05) + z80) * 0.01, InformationTimeSequence.MinimumDetectable(0.01, 3, 0.05, 0.8), 14);
    }

    [Fact]
    public void Looks_to_exclusion_is_the_first_look_whose_projected_interval_excludes_zero()
    {
        const double estimate = 0.02, se = 0.012, fraction = 0.2;
        int k = InformationTimeSequence.LooksToExclusion(estimate, se, fraction, 10, 200, 0.05)!.Value;

        double Half(int t) => se * Math.Sqrt(10.0 / t) * InformationTimeSequence.Multiplier(fraction * t / 10, 0.05);
        Assert.True(k > 0);
        Assert.True(Half(10 + k) < estimate && Half(10 + k - 1) >= estimate, $"{k}");
        Assert.Null(InformationTimeSequence.LooksToExclusion(estimate, se, fraction, 10, 10 + k - 1, 0.05));
        Assert.Equal(0, InformationTimeSequence.LooksToExclusion(0.2, se, fraction, 10, 10, 0.05));
        Assert.Null(InformationTimeSequence.LooksToExclusion(0, se, fraction, 10, 200, 0.05));
        Assert.Equal(k, InformationTimeSequence.LooksToExclusion(-estimate, se, fraction, 10, 200, 0.05));
    }

    [Fact]
    public void A_panel_basis_is_the_always_valid_interval_over_post_periods_and_an_extend_says_how_far_the_decision_is()
    {
        var effects = Enumerable.Range(20, 7).Select(t => new PeriodEffect(Period.FromDate(new DateOnly(2026, 11, 1).AddDays(t)), 1)).ToArray();
        var periods = Enumerable.Range(0, 27).Select(t => Period.FromDate(new DateOnly(2026, 11, 1).AddDays(t))).ToArray();
        var estimate = new MeasuredEstimate("sdid", null, 5, Uncertainty.FromStandardError("placebo", 5, 2.4, 200), 0.05, 35, default!, null, null, effects, ["a"],
            new Dictionary<string, double>()) { Periods = periods };

        var basis = RecommendationBasis.Of(estimate, 0.05, plannedPeriods: 28, unit: "days")!;
        var decision = RecommendationRule.Decide(basis, []);

        double half = 2.4 * InformationTimeSequence.Multiplier(7 / 28.0, 0.05);
        Assert.Equal((RecommendationBasis.AlwaysValid, 5 - half, 5 + half), (basis.Interval, basis.Lower, basis.Upper));
        Assert.Equal(Recommendation.Extend, decision.Action);   // the fixed interval 5 ± 4.7 excludes 0; the always-valid one does not
        int more = InformationTimeSequence.LooksToExclusion(5, 2.4, 0.25, 7, 28, 0.05)!.Value;
        Assert.Equal(new DecisionProgress(more, "days"), basis.Progress);
        Assert.EndsWith($"At today's rate the always-valid interval excludes 0 in about {more} more days.", decision.Reason);
        var tooShort = RecommendationRule.Decide(RecommendationBasis.Of(estimate, 0.05, plannedPeriods: 8, unit: "days"), []);   // one more day: 2.4·√(7/8)·m(1) = 6.8 > 5
        Assert.EndsWith("At today's rate the always-valid interval does not exclude 0 within the planned window.", tooShort.Reason);
    }
}
