using LiftPipeline.Simulation;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Tests.Simulation;

/// <summary>
/// Coverage, bias and size of DiD with each variance method of this branch on the factor model with random assignment
/// (where DiD is unbiased and the treated unit is exchangeable with the controls and its periods with each other).
/// 600 panels per check: the Monte-Carlo sd of a 95% coverage is √(.95·.05/600) = 0.0089, so [0.92, 0.98] is ±3.4 sd,
/// a 5% size is ≤ 0.08 with 3.4 sd to spare, and the mean of τ̂ has sd 0.041·sd(τ̂), so |bias| &lt; 0.1·sd has 2.4 sd.
/// All draws are seeded, so the outcome is fixed.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class SimulationStudyTests
{
    private const int Panels = 600;
    private static readonly VarianceOptions Options = new() { Replications = 60 };

    /// <summary>One treated unit, one treated period (the setting of the placebo literature): every method applies.</summary>
    private static readonly FactorModel SingleCell = new() { T0 = 39, T1 = 1 };

    /// <summary>Ten post periods: the setting conformal inference and jackknife+ are built for.</summary>
    private static readonly FactorModel TenPostPeriods = new() { T0 = 30, T1 = 10 };

    public static TheoryData<string, bool> Methods => new()
    {
        { "conformal", false }, { "conformal-iid", false }, { "jackknife+", false },
        { "conformal", true }, { "conformal-iid", true }, { "jackknife+", true }, { "conditional", true }, { "time-placebo", true },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Did_intervals_cover_the_true_effect_95_percent_of_the_time_without_bias(string variance, bool singleCell)
    {
        var design = (singleCell ? SingleCell : TenPostPeriods) with { Tau = 2 };

        var result = SimulationStudy.Run(design, "did", [variance], Panels, seed: 17, Options)[0];

        Assert.Equal(0, result.Failures);
        Assert.InRange(result.Coverage, 0.92, 0.98);
        Assert.True(Math.Abs(result.Bias) < 0.1 * result.Sd, $"bias {result.Bias} vs sd {result.Sd}");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Did_rejects_a_zero_effect_at_most_about_5_percent_of_the_time(string variance, bool singleCell)
    {
        var design = (singleCell ? SingleCell : TenPostPeriods) with { Tau = 0 };

        var result = SimulationStudy.Run(design, "did", [variance], Panels, seed: 29, Options)[0];

        Assert.InRange(result.RejectionRate, 0, 0.08);
    }

    [Fact]
    public void A_large_effect_is_rejected_by_every_method()
    {
        // Power as a sanity check that the tests can fail: τ = 6 sd of τ̂ on the single-cell design.
        var design = SingleCell with { Tau = 12 };

        var results = SimulationStudy.Run(design, "did", ["conformal", "jackknife+", "conditional"], 100, seed: 3, Options);

        Assert.All(results, r => Assert.True(r.RejectionRate > 0.9, $"{r.Variance}: {r.RejectionRate}"));
    }

    [Fact]
    public void Table_lists_every_result_with_its_figures()
    {
        var results = SimulationStudy.Run(SingleCell with { Tau = 1 }, "did", ["conformal", "conditional"], 20, seed: 1, Options);

        var table = SimulationStudy.Table(results);

        Assert.Contains("| did | conformal | 20 | 1 |", table, StringComparison.Ordinal);
        Assert.Contains("| did | conditional | 20 | 1 |", table, StringComparison.Ordinal);
        Assert.Equal(4, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
