using System.Text;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Pipeline;

public sealed class CampaignConfigTests
{
    private static CampaignConfig Parse(string json, string campaign = "spring-geo") => CampaignConfig.Parse(campaign, Encoding.UTF8.GetBytes(json));

    private static CampaignConfigException Fails(string json, string campaign = "spring-geo") =>
        Assert.Throws<CampaignConfigException>(() => Parse(json, campaign));

    [Fact]
    public void A_minimal_panel_config_takes_every_documented_default()
    {
        var config = Parse("""{ "id": "spring-geo", "name": "Spring", "design": "panel", "metrics": ["conversions"] }""");

        Assert.True(config.Active);
        Assert.Equal(CampaignDesign.Panel, config.Design);
        Assert.Equal(["sdid"], config.Estimators);
        Assert.Equal("placebo", config.Variance);
        Assert.Equal(200, config.Replications);
        Assert.Equal(1, config.Seed);
        Assert.Equal(WeightSolver.Exact, config.Solver);
        Assert.Null(config.Treatment);
        Assert.Null(config.Arms);
        Assert.Equal(0.05, config.Alpha);
        Assert.Empty(config.Subscribers);
        Assert.Equal(0.5, config.Guardrails.MaxScaledL2Imbalance);
        Assert.Equal(0.05, config.Guardrails.PlaceboInTimeAlpha);
        Assert.Equal(0, config.Guardrails.MaxMissingPeriods);
        Assert.Equal(3, config.Guardrails.LateAfterDays);
        Assert.Empty(config.Columns);
        Assert.Equal("unit", config.ColumnMapping.Resolve("unit"));
    }

    [Fact]
    public void A_file_saved_with_a_utf8_byte_order_mark_parses()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{ "id": "spring-geo", "name": "Spring", "design": "panel", "metrics": ["conversions"] }""")];

        Assert.Equal("spring-geo", CampaignConfig.Parse("spring-geo", json).Id);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        var config = Parse("""
            {
              // the id must match the folder
              "id": "spring-geo", /* display */ "name": "Spring",
              "design": "panel",
              "metrics": ["conversions", "revenue",],
            }
            """);

        Assert.Equal(["conversions", "revenue"], config.Metrics);
    }

    [Fact]
    public void Measure_options_carry_metric_estimators_solver_seed_replications_and_level()
    {
        var config = Parse("""
            { "id": "spring-geo", "name": "S", "design": "panel", "metrics": ["conversions", "revenue"], "estimators": ["sc", "did"],
              "variance": "jackknife", "replications": 50, "seed": 9, "solver": "synthdid", "alpha": 0.1 }
            """);

        var options = config.ToPanelMeasureOptions();
        var revenue = config.ToPanelMeasureOptions("revenue");

        Assert.Equal("conversions", options.Metric);
        Assert.Equal("revenue", revenue.Metric);
        Assert.Equal(["sc", "did"], options.Estimators);
        Assert.Equal(WeightSolver.Synthdid, options.Settings.Solver);
        Assert.Equal(9, options.Settings.Seed);
        Assert.Equal("jackknife", options.Variance);
        Assert.Equal(50, options.VarianceOptions.Replications);
        Assert.Equal(9, options.VarianceOptions.Seed);
        Assert.Equal(0.9, options.VarianceOptions.Level, 12);
        Assert.Throws<ArgumentException>(() => config.ToPanelMeasureOptions("orders"));
    }

    [Fact]
    public void Variance_none_means_point_estimates_only()
    {
        var config = Parse("""{ "id": "spring-geo", "name": "S", "design": "panel", "metrics": ["m"], "variance": "none" }""");

        Assert.Null(config.Variance);
        Assert.Null(config.ToPanelMeasureOptions().Variance);
    }

    [Fact]
    public void Treatment_windows_are_dates_or_integers()
    {
        var dates = Parse("""{ "id": "spring-geo", "name": "S", "design": "holdout", "metrics": ["m"], "treatment": { "start": "2024-03-01", "end": "2024-03-31" } }""");
        var weeks = Parse("""{ "id": "spring-geo", "name": "S", "design": "panel", "metrics": ["m"], "treatment": { "start": 40 } }""");

        Assert.Equal(new TreatmentWindow(Period.FromDate(new DateOnly(2024, 3, 1)), Period.FromDate(new DateOnly(2024, 3, 31))), dates.Treatment);
        Assert.Equal(CampaignDesign.Holdout, dates.Design);
        Assert.Equal(new TreatmentWindow(Period.FromInteger(40), null), weeks.Treatment);
    }

    [Fact]
    public void Column_mapping_resolves_mapped_contract_names_and_feeds_the_export_options()
    {
        var config = Parse("""{ "id": "spring-geo", "name": "S", "design": "panel", "metrics": ["m"], "columns": { "unit": "dma", "treated": "is_test" } }""");

        var export = config.ToPanelExportOptions();

        Assert.Equal("dma", export.Columns.Resolve("unit"));
        Assert.Equal("is_test", export.Columns.Resolve("treated"));
        Assert.Equal("period", export.Columns.Resolve("period"));
        Assert.Equal(["m"], export.Metrics);
    }

    [Fact]
    public void Subscribers_keep_name_url_and_secret_name()
    {
        var config = Parse("""
            { "id": "spring-geo", "name": "S", "design": "panel", "metrics": ["m"],
              "subscribers": [ { "name": "a", "url": "https://hooks.example.com/a", "secretName": "HookA" }, { "name": "b", "url": "http://127.0.0.1:8080/b" } ] }
            """);

        Assert.Equal(
            [new CampaignSubscriber("a", new Uri("https://hooks.example.com/a"), "HookA"), new CampaignSubscriber("b", new Uri("http://127.0.0.1:8080/b"), null)],
            config.Subscribers);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_json_path_and_the_campaign()
    {
        var error = Fails("""
            {
              "id": "autumn", "name": "", "design": "geo", "metrics": [],
              "estimators": ["sdid", "magic", "sdid"], "variance": "guess", "replications": 0, "solver": "fast",
              "alpha": 0.7, "treatment": { "start": "2024-03-10", "end": 3 },
              "subscribers": [ { "name": "a", "url": "https://ok.example.com" }, { "name": "a", "url": "ftp://x", "token": "t" } ],
              "guardrails": { "maxScaledL2Imbalance": -1, "lateafterdays": 2 },
              "columns": { "unit": "dma", "geo": "x" },
              "Active": true
            }
            """);

        Assert.Equal("spring-geo", error.Campaign);
        var paths = error.Errors.Select(e => e.Path).ToHashSet();
        string[] expected =
        [
            "id", "name", "design", "metrics", "estimators[1]", "estimators[2]", "variance", "replications", "solver", "alpha",
            "treatment.end", "subscribers[1].name", "subscribers[1].url", "subscribers[1].token",
            "guardrails.maxScaledL2Imbalance", "guardrails.lateafterdays", "columns.geo", "Active",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), paths.Order(StringComparer.Ordinal));
        Assert.Contains("campaigns/spring-geo/campaign.json", error.Message);
        Assert.Contains("subscribers[1].url: 'ftp://x' is not an absolute http:// or https:// address", error.Message);
        Assert.Contains("did you mean 'active'?", error.Errors.Single(e => e.Path == "Active").Message);
        Assert.Contains("did you mean 'lateAfterDays'?", error.Errors.Single(e => e.Path == "guardrails.lateafterdays").Message);
        Assert.Contains("\"id\": \"spring-geo\"", error.Errors.Single(e => e.Path == "id").Message);
    }

    [Fact]
    public void Missing_required_fields_are_each_named()
    {
        var error = Fails("{}");

        Assert.Equal(["design", "id", "metrics", "name"], error.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_null_design_counts_as_missing()
    {
        var error = Fails("""{ "id": "spring-geo", "name": "S", "design": null, "metrics": ["m"] }""");

        Assert.Equal("design", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void A_holdout_without_a_treatment_window_is_an_error()
    {
        var error = Fails("""{ "id": "spring-geo", "name": "S", "design": "holdout", "metrics": ["m"] }""");

        Assert.Equal("treatment", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void An_end_before_the_start_is_an_error()
    {
        var error = Fails("""{ "id": "spring-geo", "name": "S", "design": "panel", "metrics": ["m"], "treatment": { "start": 10, "end": 4 } }""");

        Assert.Equal("treatment.end", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void A_repeated_property_is_an_error()
    {
        var error = Fails("""{ "id": "spring-geo", "name": "S", "name": "T", "design": "panel", "metrics": ["m"] }""");

        Assert.Equal("name", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var error = Fails("{\n  \"id\": \"spring-geo\",\n  \"name\": \n}");

        var only = Assert.Single(error.Errors);
        Assert.Equal("$", only.Path);
        Assert.Contains("line 4", only.Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    public void A_document_that_is_not_an_object_is_an_error(string json)
    {
        Assert.Equal("$", Assert.Single(Fails(json).Errors).Path);
    }

    [Fact]
    public void A_folder_name_that_is_not_a_campaign_id_is_rejected_before_parsing()
    {
        var error = Fails("{}", campaign: "../etc");

        Assert.Equal("$", Assert.Single(error.Errors).Path);
    }
}
