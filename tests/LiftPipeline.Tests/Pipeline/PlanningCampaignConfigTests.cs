using System.Text;
using System.Text.RegularExpressions;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>campaign.json's <c>status</c> and <c>geoDesign</c>: a planning campaign's geo design settings.</summary>
public sealed partial class PlanningCampaignConfigTests
{
    private static CampaignConfig Parse(string json) => CampaignConfig.Parse("geo-plan", Encoding.UTF8.GetBytes(json));

    private static CampaignConfigException Fails(string json) => Assert.Throws<CampaignConfigException>(() => Parse(json));

    private static string Planning(string geoDesign, string extra = "") =>
        $$"""{ "id": "geo-plan", "name": "Plan", "status": "planning", "design": "panel", "metrics": ["conversions", "revenue"]{{extra}}, "geoDesign": {{geoDesign}} }""";

    [Fact]
    public void Existing_campaigns_without_a_status_are_measured_and_have_no_geo_design()
    {
        var config = Parse("""{ "id": "geo-plan", "name": "S", "design": "panel", "metrics": ["conversions"] }""");

        Assert.Equal(CampaignStatus.Measuring, config.Status);
        Assert.Null(config.GeoDesign);
    }

    [Fact]
    public void A_planning_campaign_with_geo_design_parses_to_the_options_it_names()
    {
        var config = Parse(Planning("""
            { "metric": "revenue", "sizes": [2, 3, 4, 5], "treatmentPeriods": [10, 15], "effectSizes": [0, 0.05, 0.1, 0.15, 0.2],
              "include": ["chicago"], "exclude": ["honolulu"], "controls": ["austin", "boston"], "cpic": 7.5, "budget": 100000, "alpha": 0.1, "power": 0.85,
              "lookback": 3, "calibrationWindows": 0, "estimator": "sdid", "permutations": 500, "permutation": "block", "seed": 42,
              "side": "one-sided", "ranking": "geolift", "holdout": [0.7, 0.95], "cells": 2 }
            """));

        Assert.Equal(CampaignStatus.Planning, config.Status);
        var settings = config.GeoDesign!;
        var o = settings.Options;
        Assert.Equal("revenue", settings.Metric);
        Assert.Equal([2, 3, 4, 5], o.Sizes);
        Assert.Equal([10, 15], o.TreatmentPeriods);
        Assert.Equal([0, 0.05, 0.1, 0.15, 0.2], o.EffectSizes);
        Assert.Equal(["chicago"], o.Include);
        Assert.Equal(["honolulu"], o.Exclude);
        Assert.Equal(["austin", "boston"], o.Controls);
        Assert.Equal(7.5, o.Cpic);
        Assert.Equal(100000, o.Budget);
        Assert.Equal(0.1, o.Alpha);
        Assert.Equal(0.85, o.Power);
        Assert.Equal(3, o.Lookback);
        Assert.Equal(0, o.CalibrationWindows);
        Assert.Equal("sdid", o.Estimator);
        Assert.Equal(500, o.Permutations);
        Assert.Equal(ConformalPermutation.MovingBlock, o.Permutation);
        Assert.Equal(42, o.Seed);
        Assert.Equal(TestSide.OneSided, o.Side);
        Assert.Equal(DesignRanking.GeoLift, o.Ranking);
        Assert.Equal((0.7, 0.95), o.HoldoutRange);
        Assert.Equal(2, o.Cells);
    }

    [Fact]
    public void A_planning_campaign_without_geo_design_gets_the_defaults_on_its_primary_metric_and_the_campaign_seed()
    {
        var config = Parse("""{ "id": "geo-plan", "name": "P", "status": "planning", "design": "panel", "metrics": ["conversions"], "seed": 7 }""");

        var settings = config.GeoDesign!;
        Assert.Equal("conversions", settings.Metric);
        Assert.Equal(7, settings.Options.Seed);
        // Field by field (the options hold lists): the inputs hash is a function of every option.
        Assert.Equal(LiftPipeline.Pipeline.Reports.DesignJson.InputsHash("d", "m", new GeoDesignOptions { Seed = 7, AlwaysValid = true, Alpha = 0.05 }, "e"),
            LiftPipeline.Pipeline.Reports.DesignJson.InputsHash("d", "m", settings.Options, "e"));
    }

    [Fact]
    public void Geo_design_defaults_are_the_engine_defaults_except_the_seed_which_is_the_campaigns()
    {
        var o = Parse(Planning("{}", """, "seed": 9""")).GeoDesign!.Options;
        var defaults = new GeoDesignOptions();

        Assert.Null(o.Sizes);
        Assert.Null(o.TreatmentPeriods);
        Assert.Equal(defaults.EffectSizes, o.EffectSizes);
        Assert.Null(o.Budget);
        Assert.Null(o.Controls);
        Assert.Null(o.HoldoutRange);
        Assert.True(o.AlwaysValid);
        Assert.Equal(0.05, o.Alpha);   // the campaign's alpha: the level of the intervals its nightly decisions read
        Assert.Equal(1000, o.Permutations);
        Assert.Equal(ConformalPermutation.Iid, o.Permutation);
        Assert.Equal("geolift", o.Estimator);
        Assert.Equal(DesignRanking.Mde, o.Ranking);
        Assert.Equal(9, o.Seed);
        Assert.Equal(1, o.Cells);
    }

    [Fact]
    public void Bad_geo_design_fields_are_each_reported_at_their_json_path()
    {
        var error = Fails(Planning("""
            { "metric": "visits", "sizes": [2, 0, 2], "treatmentPeriods": "15", "effectSizes": [0.1, -1.5], "include": ["chicago"],
              "exclude": ["Chicago"], "cpic": -1, "budget": 0, "alpha": 0.7, "power": 1, "lookback": 0, "estimator": "magic",
              "permutations": 0, "permutation": "shuffle", "side": "left", "ranking": "best", "holdout": [0.9, 0.5], "cells": 0, "Seed": 3 }
            """));

        var paths = error.Errors.Select(e => e.Path).ToArray();
        Assert.Equal(
            ["geoDesign.Seed", "geoDesign.metric", "geoDesign.exclude[0]", "geoDesign.sizes[1]", "geoDesign.sizes[2]", "geoDesign.treatmentPeriods",
             "geoDesign.effectSizes[1]", "geoDesign.cpic", "geoDesign.budget", "geoDesign.alpha", "geoDesign.power", "geoDesign.lookback",
             "geoDesign.estimator", "geoDesign.permutations", "geoDesign.permutation", "geoDesign.side", "geoDesign.ranking", "geoDesign.holdout", "geoDesign.cells"],
            paths);
        Assert.Contains("did you mean 'seed'?", error.Errors[0].Message);
        Assert.Contains("'visits' is not one of the campaign's metrics (conversions, revenue)", error.Errors[1].Message);
        Assert.Contains("also in geoDesign.include", error.Errors[2].Message);
        Assert.Contains("[0.7, 0.95]", error.Errors.Single(e => e.Path == "geoDesign.holdout").Message);
    }

    [Fact]
    public void Planning_is_refused_for_a_holdout_and_a_geo_design_is_refused_beside_one()
    {
        var error = Fails("""
            { "id": "geo-plan", "name": "H", "status": "planning", "design": "holdout", "metrics": ["revenue"],
              "treatment": { "start": "2026-10-01" }, "geoDesign": {} }
            """);

        Assert.Equal(["status", "geoDesign"], error.Errors.Select(e => e.Path));
        Assert.Contains("use \"design\": \"panel\"", error.Errors[0].Message);
    }

    [Fact]
    public void An_unknown_status_names_the_values()
    {
        var error = Fails("""{ "id": "geo-plan", "name": "S", "status": "live", "design": "panel", "metrics": ["conversions"] }""");

        var only = Assert.Single(error.Errors);
        Assert.Equal("status", only.Path);
        Assert.Contains("\"measuring\", \"planning\"", only.Message);
    }

    [Fact]
    public void A_measuring_panel_campaign_keeps_its_geo_design_section()
    {
        var config = Parse("""{ "id": "geo-plan", "name": "S", "design": "panel", "metrics": ["conversions"], "geoDesign": { "sizes": [2] } }""");

        Assert.Equal(CampaignStatus.Measuring, config.Status);
        Assert.Equal([2], config.GeoDesign!.Options.Sizes);
    }

    [Fact]
    public void The_documented_planning_example_parses_to_the_walkthrough_settings()
    {
        string markdown = File.ReadAllText(CampaignDocsTests.Docs("campaign.md"));
        string example = ExampleBlock().Match(markdown[markdown.IndexOf("A planning campaign", StringComparison.Ordinal)..]).Groups[1].Value;

        var config = CampaignConfig.Parse("geo-plan", Encoding.UTF8.GetBytes(example));

        Assert.Equal(CampaignStatus.Planning, config.Status);
        Assert.Equal([2, 3, 4, 5], config.GeoDesign!.Options.Sizes);
        Assert.Equal(["honolulu"], config.GeoDesign.Options.Exclude);
        Assert.Equal(7.5, config.GeoDesign.Options.Cpic);
    }

    [Fact]
    public void The_sample_planning_campaign_is_geolifts_published_walkthrough()
    {
        var config = CampaignConfig.Parse("geo-plan", File.ReadAllBytes(TestData.Samples("campaigns", "geo-plan", "campaign.json")));
        using var walkthrough = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(TestData.Path("design", "geolift-walkthrough.json")));
        var published = walkthrough.RootElement.GetProperty("options");
        var o = config.GeoDesign!.Options;

        Assert.Equal(CampaignStatus.Planning, config.Status);
        Assert.Equal(published.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()), o.Sizes);
        Assert.Equal(published.GetProperty("treatmentPeriods").EnumerateArray().Select(e => e.GetInt32()), o.TreatmentPeriods);
        Assert.Equal(published.GetProperty("effectSizes").EnumerateArray().Select(e => e.GetDouble()), o.EffectSizes);
        Assert.Equal(published.GetProperty("include").EnumerateArray().Select(e => e.GetString()), o.Include);
        Assert.Equal(published.GetProperty("exclude").EnumerateArray().Select(e => e.GetString()), o.Exclude);
        Assert.Equal(published.GetProperty("lookback").GetInt32(), o.Lookback);
        Assert.Equal(published.GetProperty("cpic").GetDouble(), o.Cpic);
        Assert.Equal(published.GetProperty("budget").GetDouble(), o.Budget);
        Assert.Equal(published.GetProperty("alpha").GetDouble(), o.Alpha);
        Assert.Equal(published.GetProperty("permutations").GetInt32(), o.Permutations);
        Assert.False(o.AlwaysValid);
    }

    [Theory]
    [InlineData(", \"alpha\": 0.1", "{}", true, 0.1)]
    [InlineData("", "{\"fixedHorizon\": true}", false, 0.1)]
    [InlineData(", \"alpha\": 0.1", "{\"fixedHorizon\": true, \"alpha\": 0.2}", false, 0.2)]
    public void The_design_plans_for_the_campaigns_always_valid_interval_unless_fixed_horizon_is_asked_for(string campaign, string geoDesign, bool alwaysValid, double alpha)
    {
        var o = Parse(Planning(geoDesign, campaign)).GeoDesign!.Options;

        Assert.Equal(alwaysValid, o.AlwaysValid);
        Assert.Equal(alpha, o.Alpha);
    }

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
