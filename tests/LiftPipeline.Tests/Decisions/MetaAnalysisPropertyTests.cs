using LiftPipeline.Statistics.Decisions.Evidence;

namespace LiftPipeline.Tests.Decisions;

/// <summary>Edge cases, invariances and the subgroup analysis of <see cref="MetaAnalysis"/>.</summary>
public sealed class MetaAnalysisPropertyTests
{
    [Fact]
    public void One_study_is_its_own_estimate_with_no_tau2_and_a_normal_interval()
    {
        var result = MetaAnalysis.Pool([0.3], [0.04]);

        Assert.Equal(1, result.Studies);
        Assert.Equal(0.3, result.Estimate, 12);
        Assert.Equal(0.2, result.StandardError, 12);
        Assert.Equal(PooledIntervalMethod.Normal, result.IntervalMethod);
        Assert.Equal(0.3 - 1.959964 * 0.2, result.Lower, 5);
        Assert.True(double.IsNaN(result.Tau2));
        Assert.True(double.IsNaN(result.I2));
        Assert.True(double.IsNaN(result.PredictionLower));
        Assert.Equal(0, result.Heterogeneity.DegreesOfFreedom);
    }

    [Fact]
    public void A_zero_variance_is_rejected_with_a_message_naming_the_study()
    {
        var error = Assert.Throws<ArgumentException>(() => MetaAnalysis.Pool([0.1, 0.2, 0.3], [0.01, 0, 0.02]));

        Assert.Contains("Study 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("variance", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_studies_and_mismatched_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => MetaAnalysis.Pool([], []));
        Assert.Throws<ArgumentException>(() => MetaAnalysis.Pool([0.1, 0.2], [0.01]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MetaAnalysis.Pool([0.1, 0.2], [0.01, 0.02], new(Alpha: 1)));
    }

    [Fact]
    public void Homogeneous_studies_give_tau2_zero_and_the_fixed_effect()
    {
        // Q = Σ(y − ȳ)²/v = 0.2675 < k − 1, so both the moment and REML estimates sit on the boundary.
        double[] y = [0.10, 0.15, 0.12, 0.08], v = [0.01, 0.01, 0.01, 0.01];

        var reml = MetaAnalysis.Pool(y, v);
        var dl = MetaAnalysis.Pool(y, v, new(HeterogeneityEstimator.DerSimonianLaird));

        Assert.Equal(0, reml.Tau2);
        Assert.Equal(0, dl.Tau2);
        Assert.Equal(0.1125, reml.Estimate, 12);
        Assert.Equal(0.2675, reml.Heterogeneity.Q, 10);
        Assert.Equal(0, reml.I2);
        Assert.Equal(1, reml.H2, 12);
    }

    [Theory]
    [InlineData(HeterogeneityEstimator.DerSimonianLaird)]
    [InlineData(HeterogeneityEstimator.RestrictedMaximumLikelihood)]
    public void Shifting_every_study_by_c_moves_the_estimate_by_c_and_leaves_tau2_and_q(HeterogeneityEstimator estimator)
    {
        double[] y = [0.3, -0.1, 0.5, 0.2, 0.9, -0.4], v = [0.02, 0.05, 0.01, 0.08, 0.03, 0.04];
        double[] shifted = y.Select(x => x + 2.5).ToArray();

        var a = MetaAnalysis.Pool(y, v, new(estimator));
        var b = MetaAnalysis.Pool(shifted, v, new(estimator));

        Assert.True(a.Tau2 > 0);
        Assert.Equal(a.Estimate + 2.5, b.Estimate, 10);
        Assert.Equal(a.Tau2, b.Tau2, 10);
        Assert.Equal(a.Heterogeneity.Q, b.Heterogeneity.Q, 10);
        Assert.Equal(a.StandardError, b.StandardError, 10);
    }

    [Fact]
    public void Reml_tau2_sets_the_restricted_score_to_zero()
    {
        double[] y = [0.3, -0.1, 0.5, 0.2, 0.9, -0.4], v = [0.02, 0.05, 0.01, 0.08, 0.03, 0.04];

        double tau2 = BetweenStudyVariance.RestrictedMaximumLikelihood(y, v);

        // The REML fixed point (Viechtbauer 2005, eq. 10): τ² = Σw²((y − μ̂)² − v)/Σw² + 1/Σw.
        double sw = 0, sw2 = 0, swy = 0, num = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double w = 1 / (v[i] + tau2);
            (sw, sw2, swy) = (sw + w, sw2 + w * w, swy + w * y[i]);
        }
        for (int i = 0; i < y.Length; i++)
        {
            double w = 1 / (v[i] + tau2);
            num += w * w * ((y[i] - swy / sw) * (y[i] - swy / sw) - v[i]);
        }
        Assert.Equal(num / sw2 + 1 / sw, tau2, 9);
    }

    [Fact]
    public void Automatic_interval_switches_to_normal_at_the_threshold()
    {
        var options = MetaAnalysisOptions.Default;

        Assert.Equal(PooledIntervalMethod.Normal, options.IntervalFor(1));
        Assert.Equal(PooledIntervalMethod.ModifiedHartungKnapp, options.IntervalFor(2));
        Assert.Equal(PooledIntervalMethod.ModifiedHartungKnapp, options.IntervalFor(39));
        Assert.Equal(PooledIntervalMethod.Normal, options.IntervalFor(40));
        Assert.Equal(PooledIntervalMethod.HartungKnapp, (options with { Interval = PooledIntervalMethod.HartungKnapp }).IntervalFor(100));
    }

    [Fact]
    public void Modified_hartung_knapp_is_never_narrower_than_normal_while_plain_hartung_knapp_can_be()
    {
        double[] y = [0.10, 0.15, 0.12, 0.08], v = [0.01, 0.01, 0.01, 0.01];

        var normal = MetaAnalysis.Pool(y, v, new(Interval: PooledIntervalMethod.Normal));
        var knapp = MetaAnalysis.Pool(y, v, new(Interval: PooledIntervalMethod.HartungKnapp));
        var modified = MetaAnalysis.Pool(y, v);

        // q = Q/(k − 1) = 0.2675/3 here, so plain HKSJ shrinks the SE by √q; the modification keeps 1/√Σw.
        Assert.Equal(PooledIntervalMethod.ModifiedHartungKnapp, modified.IntervalMethod);
        Assert.Equal(normal.StandardError * Math.Sqrt(0.2675 / 3), knapp.StandardError, 12);
        Assert.Equal(normal.StandardError, modified.StandardError, 12);
        Assert.Equal(3, modified.DegreesOfFreedom);
        Assert.True(modified.Upper - modified.Lower > normal.Upper - normal.Lower);
    }

    [Fact]
    public void Subgroups_that_repeat_the_same_studies_do_not_differ()
    {
        StudyEstimate[] studies =
        [
            new("a1", 0.2, 0.01, "A"), new("a2", 0.4, 0.02, "A"), new("a3", 0.1, 0.015, "A"),
            new("b1", 0.2, 0.01, "B"), new("b2", 0.4, 0.02, "B"), new("b3", 0.1, 0.015, "B"),
        ];

        var result = SubgroupAnalysis.Run(studies);

        Assert.Equal(["A", "B"], result.Subgroups.Select(s => s.Group));
        Assert.Equal(result.Subgroups[0].Result.Estimate, result.Subgroups[1].Result.Estimate, 12);
        Assert.Equal(0, result.Between.Q, 12);
        Assert.Equal(1, result.Between.DegreesOfFreedom);
        Assert.Equal(1, result.Between.PValue, 12);
    }

    [Fact]
    public void Subgroups_with_opposite_effects_are_told_apart()
    {
        StudyEstimate[] studies =
        [
            new("a1", 0.30, 0.01, "helps"), new("a2", 0.25, 0.01, "helps"), new("a3", 0.35, 0.01, "helps"),
            new("b1", -0.05, 0.01, "no effect"), new("b2", 0.02, 0.01, "no effect"), new("b3", 0.00, 0.01, "no effect"),
        ];

        var result = SubgroupAnalysis.Run(studies, new(Interval: PooledIntervalMethod.Normal));

        // Each subgroup is homogeneous (τ² = 0), so the between test is Q on means 0.30 and −0.01 with variances 0.01/3.
        Assert.Equal(0.30, result.Subgroups[0].Result.Estimate, 10);
        Assert.Equal(-0.01, result.Subgroups[1].Result.Estimate, 10);
        Assert.Equal(0.31 * 0.31 / (2 * 0.01 / 3), result.Between.Q, 8);
        Assert.True(result.Between.PValue < 0.001);
        Assert.True(result.Overall.Tau2 > 0, "pooling both subgroups shows heterogeneity");
    }

    [Fact]
    public void Subgroup_analysis_needs_a_group_on_every_study()
    {
        var error = Assert.Throws<ArgumentException>(() => SubgroupAnalysis.Run([new("a", 0.1, 0.01, "A"), new("b", 0.2, 0.01)]));

        Assert.Contains("'b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bcg_by_allocation_matches_each_subgroup_pooled_alone()
    {
        var bcg = MetaAnalysisReferenceTests.ReadBcg();

        var result = SubgroupAnalysis.Run(bcg);
        var random = MetaAnalysis.Pool(bcg.Where(s => s.Group == "random").ToArray());

        Assert.Equal(["random", "alternate", "systematic"], result.Subgroups.Select(s => s.Group));
        Assert.Equal(7, result.Subgroups[0].Result.Studies);
        Assert.Equal(random.Estimate, result.Subgroups[0].Result.Estimate, 12);
        Assert.Equal(2, result.Between.DegreesOfFreedom);
        Assert.Equal(-0.7145, result.Overall.Estimate, 4);
    }
}
