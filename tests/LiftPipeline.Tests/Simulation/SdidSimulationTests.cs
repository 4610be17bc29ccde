using LiftPipeline.Simulation;
using LiftPipeline.Statistics.Inference;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Simulation;

/// <summary>
/// SDID with the placebo and jackknife variance on the factor model (synthdid paper, section 5: interval coverage
/// and size of the placebo and jackknife procedures). Five treated units so the jackknife is defined; random
/// assignment, under which treated and control units are exchangeable, as both procedures assume. (With assignment on
/// a loading the treated units are more variable than the placebo draws and coverage falls to about 0.89; docs/variance.md.)
/// 600 panels: the Monte-Carlo sd of a 95% coverage is 0.0089, so [0.92, 0.98] is ±3.4 sd; size ≤ 0.08 leaves 3.4 sd.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class SdidSimulationTests(ITestOutputHelper output)
{
    private const int Panels = 1000;
    private static readonly VarianceOptions Options = new() { Replications = 200 };
    private static readonly FactorModel Design = new() { N0 = 50, N1 = 10, T0 = 20, T1 = 5 };

    [Theory]
    [InlineData("placebo")]
    [InlineData("jackknife")]
    public void Sdid_intervals_cover_the_true_effect_95_percent_of_the_time_without_bias(string variance)
    {
        var result = SimulationStudy.Run(Design with { Tau = 2 }, "sdid", [variance], Panels, seed: 41, Options)[0];
        output.WriteLine(SimulationStudy.Table([result]));

        Assert.Equal(0, result.Failures);
        Assert.InRange(result.Coverage, 0.92, 0.98);
        Assert.True(Math.Abs(result.Bias) < 0.1 * result.Sd, $"bias {result.Bias} vs sd {result.Sd}");
    }

    [Theory]
    [InlineData("placebo")]
    [InlineData("jackknife")]
    public void Sdid_rejects_a_zero_effect_at_most_about_5_percent_of_the_time(string variance)
    {
        var result = SimulationStudy.Run(Design with { Tau = 0 }, "sdid", [variance], Panels, seed: 43, Options)[0];
        output.WriteLine(SimulationStudy.Table([result]));

        Assert.InRange(result.RejectionRate, 0, 0.08);
    }

    [Fact]
    public void When_assignment_follows_a_loading_sdid_errs_far_less_than_did()
    {
        // The factor term DiD leaves in τ̂ is what SDID's weights remove: its RMSE is under half of DiD's on the same panels.
        var loading = Design with { Tau = 2, AssignmentOnLoading = 1 };
        var did = SimulationStudy.Run(loading, "did", ["placebo"], 200, seed: 47, Options)[0];
        var sdid = SimulationStudy.Run(loading, "sdid", ["placebo"], 200, seed: 47, Options)[0];
        output.WriteLine(SimulationStudy.Table([did, sdid]));

        Assert.True(sdid.Rmse < did.Rmse / 2, $"SDID RMSE {sdid.Rmse} vs DiD {did.Rmse}");
        Assert.True(Math.Abs(sdid.Bias) < 0.1 * sdid.Sd, $"SDID bias {sdid.Bias} vs sd {sdid.Sd}");
    }
}
