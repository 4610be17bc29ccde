using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Inference;

public sealed class ConformalInferenceTests
{
    private static readonly DifferenceInDifferences Did = new();

    /// <summary>CWZ 2021 for DiD by hand: d_t = ȳ_tr,t − θ·post − ȳ_co,t, û = d − mean(d), S over post, all T cyclic shifts.</summary>
    private static double ReferencePValue(BlockPanel data, double theta)
    {
        int T = data.T;
        var d = new double[T];
        for (int t = 0; t < T; t++)
        {
            d[t] = DirectDid.Mean(data, DirectDid.Range(data.N0, data.N), [t]) - (t >= data.T0 ? theta : 0)
                - DirectDid.Mean(data, DirectDid.Range(0, data.N0), [t]);
        }
        double mean = d.Average();
        var u = d.Select(x => x - mean).ToArray();
        double S(int shift) => Enumerable.Range(data.T0, data.T1).Sum(t => Math.Abs(u[(t + shift) % T])) / Math.Sqrt(data.T1);
        double observed = S(0);
        return Enumerable.Range(0, T).Count(j => S(j) >= observed - 1e-9) / (double)T;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-27.0)]
    [InlineData(-45.0)]
    [InlineData(10.0)]
    public void Moving_block_p_value_for_did_on_prop99_matches_a_direct_computation(double theta)
    {
        var data = ReferencePanels.Prop99;
        var estimate = Did.Estimate(data);

        double p = new ConformalInference().PValue(estimate, theta);

        Assert.Equal(ReferencePValue(data, theta), p, 12);
    }

    [Fact]
    public void Interval_on_prop99_holds_the_estimate_and_its_ends_are_where_the_p_value_crosses_alpha()
    {
        var estimate = Did.Estimate(ReferencePanels.Prop99);
        var conformal = new ConformalInference();

        var u = conformal.Estimate(estimate);

        Assert.Equal("conformal", u.Method);
        Assert.True(double.IsNaN(u.StandardError));
        Assert.Equal(31, u.Replications);
        Assert.Equal(ReferencePValue(ReferencePanels.Prop99, 0), u.PValue, 12);
        Assert.InRange(estimate.Att, u.CiLow, u.CiHigh);
        double width = u.CiHigh - u.CiLow;
        Assert.True(conformal.PValue(estimate, u.CiLow + 1e-3 * width) > 0.05);
        Assert.True(conformal.PValue(estimate, u.CiHigh - 1e-3 * width) > 0.05);
        Assert.True(conformal.PValue(estimate, u.CiLow - 1e-3 * width) <= 0.05);
        Assert.True(conformal.PValue(estimate, u.CiHigh + 1e-3 * width) <= 0.05);
    }

    [Theory]
    [InlineData("conformal")]
    [InlineData("conformal-iid")]
    public void Shifting_treated_post_outcomes_moves_the_interval_and_a_common_shift_leaves_it(string name)
    {
        var data = ReferencePanels.Prop99;
        var method = VarianceEstimators.Create(name, new VarianceOptions { Seed = 3 });
        var baseline = method.Estimate(Did.Estimate(data));
        var treatedShift = method.Estimate(Did.Estimate(data.WithTreatedRows((_, t, y) => t >= data.T0 ? y + 5 : y)));
        var common = new BlockPanel(data.Values.ToArray().Select(y => y + 100).ToArray(), data.N0, data.N1, data.T0, data.T1, data.Units, data.Periods);
        var commonShift = method.Estimate(Did.Estimate(common));

        double tolerance = 1e-3 * (baseline.CiHigh - baseline.CiLow);
        Assert.Equal(baseline.CiLow + 5, treatedShift.CiLow, tolerance);
        Assert.Equal(baseline.CiHigh + 5, treatedShift.CiHigh, tolerance);
        Assert.Equal(baseline.CiLow, commonShift.CiLow, tolerance);
        Assert.Equal(baseline.CiHigh, commonShift.CiHigh, tolerance);
        Assert.Equal(baseline.PValue, commonShift.PValue, 12);
    }

    [Fact]
    public void Iid_permutations_reproduce_from_the_seed_and_count_the_identity()
    {
        var estimate = Did.Estimate(ReferencePanels.Prop99);
        var options = new VarianceOptions { Replications = 99, Seed = 11 };

        var first = new ConformalInference(ConformalPermutation.Iid, options).Estimate(estimate);
        var second = new ConformalInference(ConformalPermutation.Iid, options).Estimate(estimate);

        Assert.Equal(first, second);
        Assert.Equal(100, first.Replications);
        Assert.Equal(0, first.PValue * 100 - Math.Round(first.PValue * 100), 9);
        Assert.InRange(first.PValue, 0.01, 1);
    }

    [Fact]
    public void Refit_on_all_periods_gives_did_residuals_that_sum_to_zero()
    {
        // Under the null the DiD intercept is fitted on all T periods, so the residuals average to zero.
        var data = ReferencePanels.Prop99;
        var augmented = ConformalRefit.WithPseudoPostPeriod(data);

        var residuals = ConformalRefit.Residuals(Did, data);

        Assert.Equal(data.T, augmented.T0);
        Assert.Equal(0, residuals.Sum(), 9);
    }
}
