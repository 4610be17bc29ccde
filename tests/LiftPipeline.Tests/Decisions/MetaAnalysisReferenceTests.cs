using System.Globalization;
using LiftPipeline.Statistics.Decisions.Evidence;

namespace LiftPipeline.Tests.Decisions;

/// <summary>
/// The BCG vaccine trials (metafor's dat.bcg, 13 trials, log risk ratios as escalc(measure = "RR")) against metafor's
/// published output, asserted to the printed precision.
/// </summary>
public sealed class MetaAnalysisReferenceTests
{
    private static readonly Lazy<StudyEstimate[]> Bcg = new(ReadBcg);

    [Fact]
    public void Bcg_log_risk_ratios_match_escalc()
    {
        var first = Bcg.Value[0];
        var madras = Bcg.Value[7];

        Assert.Equal(-0.8893, first.Effect, 4);
        Assert.Equal(0.3256, first.Variance, 4);
        Assert.Equal(0.0120, madras.Effect, 4);
        Assert.Equal(0.0040, madras.Variance, 4);
    }

    [Fact]
    public void Reml_on_bcg_matches_metafor()
    {
        var result = MetaAnalysis.Pool(Bcg.Value, new(Interval: PooledIntervalMethod.Normal));

        Assert.Equal(0.3132, result.Tau2, 4);
        Assert.Equal(0.5597, result.Tau, 4);
        Assert.Equal(92.22, 100 * result.I2, 2);
        Assert.Equal(12.86, result.H2, 2);
        Assert.Equal(152.2330, result.Heterogeneity.Q, 4);
        Assert.Equal(12, result.Heterogeneity.DegreesOfFreedom);
        Assert.True(result.Heterogeneity.PValue < 1e-4);
        Assert.Equal(-0.7145, result.Estimate, 4);
        Assert.Equal(0.1798, result.StandardError, 4);
        Assert.Equal(-3.9744, result.Estimate / result.StandardError, 4);
        Assert.Equal(-1.0669, result.Lower, 4);
        Assert.Equal(-0.3622, result.Upper, 4);
        Assert.True(result.PValue < 1e-4);
        Assert.Equal(PooledIntervalMethod.Normal, result.IntervalMethod);
    }

    [Fact]
    public void Reml_with_hartung_knapp_on_bcg_matches_metafor_knha()
    {
        var result = MetaAnalysis.Pool(Bcg.Value, new(Interval: PooledIntervalMethod.HartungKnapp));

        Assert.Equal(-0.7145, result.Estimate, 4);
        Assert.Equal(0.1808, result.StandardError, 4);
        Assert.Equal(12, result.DegreesOfFreedom);
        Assert.Equal(-3.9522, result.Estimate / result.StandardError, 4);
        Assert.Equal(0.0019, result.PValue, 4);
        Assert.Equal(-1.1084, result.Lower, 4);
        Assert.Equal(-0.3206, result.Upper, 4);
    }

    [Fact]
    public void The_default_uses_modified_hartung_knapp_which_equals_knha_on_bcg_because_q_exceeds_1()
    {
        var result = MetaAnalysis.Pool(Bcg.Value);

        Assert.Equal(PooledIntervalMethod.ModifiedHartungKnapp, result.IntervalMethod);
        Assert.Equal(0.1808, result.StandardError, 4);
        Assert.Equal(-1.1084, result.Lower, 4);
    }

    [Fact]
    public void DerSimonian_laird_on_bcg_matches_metafor_and_metan()
    {
        var result = MetaAnalysis.Pool(Bcg.Value, new(HeterogeneityEstimator.DerSimonianLaird, PooledIntervalMethod.Normal));

        Assert.Equal(0.3088, result.Tau2, 4);
        Assert.Equal(92.1173, 100 * result.I2, 4);
        Assert.Equal(-0.7141, result.Estimate, 4);
        Assert.Equal(0.1787, result.StandardError, 4);
        Assert.Equal(-3.9952, result.Estimate / result.StandardError, 4);
        Assert.Equal(-1.0644, result.Lower, 4);
        Assert.Equal(-0.3638, result.Upper, 4);
    }

    [Fact]
    public void Fixed_effect_on_bcg_matches_metafor_and_metan()
    {
        var result = MetaAnalysis.Pool(Bcg.Value, new(HeterogeneityEstimator.FixedEffect, PooledIntervalMethod.Normal));

        Assert.Equal(0, result.Tau2);
        Assert.Equal(-0.4303, result.Estimate, 4);
        Assert.Equal(-10.6247, result.Estimate / result.StandardError, 4);
        Assert.Equal(-0.5097, result.Lower, 4);
        Assert.Equal(-0.3509, result.Upper, 4);
        Assert.Equal(152.2330, result.Heterogeneity.Q, 4);
        Assert.Equal(result.Estimate, result.Heterogeneity.CommonEffect, 12);
    }

    [Fact]
    public void Prediction_interval_uses_t_with_k_minus_2_degrees_of_freedom()
    {
        var result = MetaAnalysis.Pool(Bcg.Value, new(Interval: PooledIntervalMethod.Normal));

        // t_{11, 0.975} = 2.200985; √(0.3132 + 0.1798²) = 0.58782 from the published figures.
        Assert.Equal(-2.008, result.PredictionLower, 3);
        Assert.Equal(0.579, result.PredictionUpper, 3);
    }

    [Fact]
    public void Weights_are_shares_that_sum_to_one_and_favour_precise_studies()
    {
        var result = MetaAnalysis.Pool(Bcg.Value);

        Assert.Equal(1, result.Weights.Sum(), 12);
        Assert.True(result.Weights[7] > result.Weights[0], "TPT Madras (v = 0.004) outweighs Aronson (v = 0.33)");
    }

    internal static StudyEstimate[] ReadBcg()
    {
        var lines = File.ReadAllLines(TestData.Path("meta", "dat_bcg.csv"));
        var studies = new StudyEstimate[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            double a = int.Parse(f[3], CultureInfo.InvariantCulture), b = int.Parse(f[4], CultureInfo.InvariantCulture);
            double c = int.Parse(f[5], CultureInfo.InvariantCulture), d = int.Parse(f[6], CultureInfo.InvariantCulture);
            // escalc(measure = "RR"): log of the risk ratio and its large-sample variance.
            double logRiskRatio = Math.Log(a / (a + b) / (c / (c + d)));
            double variance = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d);
            studies[i - 1] = new($"{f[1]} {f[2]}", logRiskRatio, variance, f[8]);
        }
        return studies;
    }
}
