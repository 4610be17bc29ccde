using System.Text;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Pipeline;

public sealed class CampaignConfigHoldoutTests
{
    private const string Head = """ "id": "vbo-test", "name": "VBO vs VBO+1P", "design": "holdout", "metrics": ["conversions", "revenue", "orders", "unsubscribes"], "treatment": {"start": "2026-10-01"} """;

    private static CampaignConfig Parse(string rest) => CampaignConfig.Parse("vbo-test", Encoding.UTF8.GetBytes("{" + Head + rest + "}"));

    [Fact]
    public void A_holdout_without_a_holdout_section_takes_the_documented_defaults()
    {
        var config = Parse("");

        var holdout = config.Holdout!;
        Assert.Equal(("holdout", MultipleTestingAdjustment.Holm, 10_000), (holdout.Control, holdout.Adjustment, holdout.SequentialTuningN));
        Assert.Null(holdout.Allocation);
        Assert.Null(holdout.CapQuantile);
        Assert.Empty(holdout.Contrasts);
        Assert.Null(holdout.PrimaryContrast);
        Assert.Equal((0.001, 0.01), (config.Guardrails.SrmAlpha, config.Guardrails.MaxControlExposure));
        Assert.Null(config.Guardrails.TargetRelativeMde);
        Assert.Empty(config.Guardrails.Harm);
    }

    [Fact]
    public void Every_holdout_field_is_read()
    {
        var config = Parse("""
            , "holdout": {
                "control": "holdout", "allocation": {"holdout": 0.2, "vbo": 0.4, "vbo_1p": 0.4},
                "contrasts": [{"treatment": "vbo_1p", "control": "vbo"}],
                "conversionMetric": "conversions", "revenueMetric": "revenue",
                "ratios": [{"name": "revenue_per_order", "numerator": "revenue", "denominator": "orders"}],
                "capQuantile": 0.999, "adjustment": "bh", "sequentialTuningN": 5000, "spend": {"vbo": 12000, "vbo_1p": 15000.5},
                "primaryContrast": "vbo_1p:vbo"
              },
              "guardrails": {"srmAlpha": 0.005, "maxControlExposure": 0.02, "targetRelativeMde": 0.03,
                "harm": [{"metric": "unsubscribes", "margin": 0.02, "higherIsBetter": false}]}
            """);

        var holdout = config.Holdout!;
        Assert.Equal(0.4, holdout.Allocation!["vbo_1p"]);
        Assert.Equal(new ArmContrast("vbo_1p", "vbo"), Assert.Single(holdout.Contrasts));
        Assert.Equal(new RatioMetric("revenue_per_order", "revenue", "orders"), Assert.Single(holdout.Ratios));
        Assert.Equal((0.999, MultipleTestingAdjustment.BenjaminiHochberg, 5000), (holdout.CapQuantile!.Value, holdout.Adjustment, holdout.SequentialTuningN));
        Assert.Equal(15000.5, holdout.Spend!["vbo_1p"]);
        Assert.Equal(new ArmContrast("vbo_1p", "vbo"), holdout.PrimaryContrast);
        Assert.Equal((0.005, 0.02, 0.03), (config.Guardrails.SrmAlpha, config.Guardrails.MaxControlExposure, config.Guardrails.TargetRelativeMde!.Value));
        Assert.Equal(new HarmCheck("unsubscribes", 0.02, false), Assert.Single(config.Guardrails.Harm));
    }

    [Fact]
    public void Holdout_mistakes_are_all_reported_with_their_paths()
    {
        var error = Assert.Throws<CampaignConfigException>(() => Parse("""
            , "holdout": {
                "allocation": {"vbo": 0.5, "vbo_1p": 0.6},
                "contrasts": [{"treatment": "vbo", "control": "vbo"}],
                "ratios": [{"name": "aov", "numerator": "revenue", "denominator": "baskets"}],
                "capQuantile": 0.3, "adjustment": "bonferroni"
              },
              "guardrails": {"harm": [{"metric": "complaints"}]}
            """));

        foreach (var path in new[] { "holdout.allocation: shares sum to 1.1", "holdout.allocation: has no share for the control arm 'holdout'",
            "holdout.contrasts[0]: compares 'vbo' with itself", "holdout.ratios[0].denominator: 'baskets' is not one of the campaign's metrics",
            "holdout.capQuantile", "holdout.adjustment", "guardrails.harm[0].metric: 'complaints'" })
        {
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_primary_contrast_naming_an_arm_the_campaign_does_not_list_is_an_error_naming_the_arms()
    {
        var error = Assert.Throws<CampaignConfigException>(() => Parse("""
            , "arms": ["holdout", "vbo", "vbo_1p"], "holdout": {"primaryContrast": "vbo_2p:vbo"}
            """));

        Assert.Contains("holdout.primaryContrast: names arm 'vbo_2p', which is not one of the campaign's arms (holdout, vbo, vbo_1p)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_holdout_section_on_a_panel_campaign_is_an_error()
    {
        var error = Assert.Throws<CampaignConfigException>(() => CampaignConfig.Parse("geo", Encoding.UTF8.GetBytes(
            """{"id": "geo", "name": "Geo", "design": "panel", "metrics": ["conversions"], "holdout": {"control": "holdout"}}""")));

        Assert.Contains("holdout: is only for \"design\": \"holdout\"", error.Message, StringComparison.Ordinal);
    }
}
