using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Inference;

public sealed class JackknifePlusVarianceTests
{
    [Fact]
    public void Jackknife_plus_for_did_on_prop99_matches_a_direct_leave_one_out_computation()
    {
        var data = ReferencePanels.Prop99;
        var pre = DirectDid.Range(0, data.T0);
        var post = DirectDid.Range(data.T0, data.T);
        var lower = new double[data.N0];
        var upper = new double[data.N0];
        for (int i = 0; i < data.N0; i++)
        {
            var others = DirectDid.Range(0, data.N0).Where(r => r != i).ToArray();
            double leaveOut = DirectDid.Tau(data, others, DirectDid.Range(data.N0, data.N), pre, post);
            double residual = Math.Abs(DirectDid.Tau(data, others, [i], pre, post));
            lower[i] = leaveOut - residual;
            upper[i] = leaveOut + residual;
        }
        Array.Sort(lower);
        Array.Sort(upper);
        // α = 0.05, n = 38: q⁻ is the ⌊0.05·39⌋ = 1st smallest, q⁺ the ⌈0.95·39⌉ = 38th smallest.
        var u = new JackknifePlusVariance().Estimate(new DifferenceInDifferences().Estimate(data));

        Assert.Equal(lower[0], u.CiLow, 9);
        Assert.Equal(upper[37], u.CiHigh, 9);
        Assert.Equal(38, u.Replications);
        Assert.True(double.IsNaN(u.StandardError));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-10.0)]
    [InlineData(-30.0)]
    [InlineData(25.0)]
    public void P_value_is_at_most_alpha_exactly_when_the_interval_excludes_zero(double shift)
    {
        var data = ReferencePanels.Prop99.WithTreatedRows((_, t, y) => t >= ReferencePanels.Prop99.T0 ? y + shift : y);
        var estimate = new DifferenceInDifferences().Estimate(data);

        foreach (double level in new[] { 0.5, 0.8, 0.9, 0.95 })
        {
            var u = new JackknifePlusVariance(new VarianceOptions { Level = level }).Estimate(estimate);
            bool excludesZero = u.CiLow > 0 || u.CiHigh < 0;
            Assert.Equal(excludesZero, u.PValue <= 1 - level + 1e-12);
        }
    }
}
