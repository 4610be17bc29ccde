using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using static LiftPipeline.Tests.Experiments.ExperimentExportKit;

namespace LiftPipeline.Tests.Decisions;

/// <summary>
/// The fairness guardrail on a simulated holdout with known truth (DuckDB): 60,000 customers, treated 50%, markets
/// de/fr/es (a third each), segments young/old (half each). Treatment lifts revenue by +10% in de and fr and lowers it by
/// 8% in es, the same in both age bands — so overall it helps (+4%) while harming es; market is the group that is hurt.
/// </summary>
public sealed class HoldoutFairnessTests : IClassFixture<HoldoutFairnessTests.Export>
{
    public sealed class Export : IDisposable
    {
        private readonly TempDirectory _dir = TestData.TempDirectory();

        public Export()
        {
            string path = Path.Combine(_dir.FullName, "fairness.parquet");
            Write(path, Select, 20_000);
            Statistics = ExperimentStatisticsBuilder.ComputeAsync(path).GetAwaiter().GetResult();
        }

        public ExperimentStatistics Statistics { get; }

        public void Dispose() => _dir.Dispose();
    }

    private static string U(int k) => $"(((hash(i * 7919 + {k}) % 1000003) + 0.5) / 1000003.0)";

    private static readonly string Select = $"""
        WITH b AS (
          SELECT i, CASE WHEN {U(1)} < 0.5 THEN 'holdout' ELSE 'treated' END AS arm,
            CASE WHEN {U(2)} < 1.0 / 3 THEN 'de' WHEN {U(2)} < 2.0 / 3 THEN 'fr' ELSE 'es' END AS market,
            CASE WHEN {U(3)} < 0.5 THEN 'young' ELSE 'old' END AS segment
          FROM range(60000) t(i))
        SELECT i AS customer_id, arm, segment, market,
          20 * exp(0.5 * sqrt(-2 * ln({U(4)})) * cos(2 * pi() * {U(5)}))
             * CASE WHEN arm = 'holdout' THEN 1.0 WHEN market = 'es' THEN 0.92 ELSE 1.10 END AS revenue
        FROM b
        """;

    private readonly Export _export;

    public HoldoutFairnessTests(Export export) => _export = export;

    private HoldoutMeasurement Measure(params string[] groups) => HoldoutMeasurer.Measure(_export.Statistics, new HoldoutMeasureOptions
    {
        Metrics = ["revenue"],
        Settings = new HoldoutSettings { Allocation = new Dictionary<string, double> { ["holdout"] = 0.5, ["treated"] = 0.5 } },
        Guardrails = new GuardrailThresholds { FairnessGroups = groups },
        FitTails = false,
    });

    [Fact]
    public void A_beneficial_overall_effect_that_harms_one_market_breaches()
    {
        var m = Measure("market");

        var check = Assert.Single(m.Fairness);
        Assert.Equal(("market", "treated", "holdout", "revenue"), (check.Dimension, check.Treatment, check.Control, check.Metric));
        Assert.True(check.Result.OverallIsBeneficial);
        Assert.True(check.Result.HarmsAGroup);
        var es = check.Result.Groups.Single(g => g.Group == "es");
        Assert.True(es.IsHarmed);
        Assert.InRange(es.Effect, -0.08 - 4 * es.StandardError, -0.08 + 4 * es.StandardError);
        foreach (var g in check.Result.Groups.Where(g => g.Group != "es"))
        {
            Assert.False(g.IsHarmed);
            Assert.True(g.IsBenefiting);
            Assert.InRange(g.Effect, 0.10 - 4 * g.StandardError, 0.10 + 4 * g.StandardError);
        }
        // The group effects are the report's per-market contrast rows.
        var row = m.Contrasts.Single(c => c.Market == "es" && c.Segment is null && c.Surface is null && c.Treatment == "treated");
        Assert.Equal(row.Relative, es.Effect);
        Assert.Equal(row.RelativeStandardError, es.StandardError);
        var guardrail = m.Guardrails.Single(g => g.Name == "fairness");
        Assert.Equal(GuardrailStatus.Breach, guardrail.Status);
        Assert.Contains("harms market es", guardrail.Message);
        Assert.True(guardrail.Evidence["harmPAdjusted.market.es"] < 0.05);
    }

    [Fact]
    public void Groups_with_the_same_effect_pass_and_the_segment_is_only_checked_when_named()
    {
        var bySegment = Measure("segment");

        var check = Assert.Single(bySegment.Fairness);
        Assert.Equal("segment", check.Dimension);
        Assert.False(check.Result.HarmsAGroup);
        Assert.DoesNotContain(check.Result.Groups, g => g.IsHarmed);
        // Young and old share the +4% average: Cochran's Q should not reject (p well above α at this seed).
        Assert.True(check.Result.Heterogeneity.PValue > 0.05, $"Q p = {check.Result.Heterogeneity.PValue}");
        Assert.Equal(GuardrailStatus.Pass, bySegment.Guardrails.Single(g => g.Name == "fairness").Status);

        var off = Measure();
        Assert.Empty(off.Fairness);
        Assert.DoesNotContain(off.Guardrails, g => g.Name == "fairness");
    }

    [Fact]
    public void A_harmed_group_when_nothing_is_recommended_warns()
    {
        // Only the harmed market and a benefiting one: the overall effect is small and not significant.
        var contrasts = Measure("market").Contrasts;
        var primary = contrasts.First(c => c.Segment is null && c.Surface is null && c.Market is null);
        var flat = primary with { Relative = 0.0, RelativeStandardError = 0.05 };

        var checks = GroupFairness.Check(contrasts, flat, new GuardrailThresholds(), 0.05);

        var check = Assert.Single(checks);
        Assert.False(check.Result.OverallIsBeneficial);
        Assert.False(check.Result.HarmsAGroup);
        var result = GroupFairness.Guardrail(checks)!;
        Assert.Equal(GuardrailStatus.Warn, result.Status);
        Assert.StartsWith("Market es (", result.Message);
    }

    [Fact]
    public void Lower_is_better_metrics_are_negated_before_the_check()
    {
        var m = Measure("market");
        var primary = m.Primary!;

        var checks = GroupFairness.Check(m.Contrasts, primary, new GuardrailThresholds { Harm = [new HarmCheck("revenue", 0.05, HigherIsBetter: false)] }, 0.05);

        var check = Assert.Single(checks);
        Assert.False(check.HigherIsBetter);
        // Read as "lower is better", the rise in de and fr is the harm and es benefits; overall is not beneficial.
        Assert.False(check.Result.OverallIsBeneficial);
        Assert.True(check.Result.Groups.Single(g => g.Group == "de").IsHarmed);
        Assert.True(check.Result.Groups.Single(g => g.Group == "es").IsBenefiting);
    }
}
