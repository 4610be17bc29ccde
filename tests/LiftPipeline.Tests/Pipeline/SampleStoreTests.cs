using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>The sample store the demo runs on (samples/, see samples/README.md): its campaigns parse and its exports read as documented.</summary>
public sealed class SampleStoreTests
{
    private const string Malformed = "geolift-test/2021-q2-fix.parquet";

    private static string[] CampaignIds => [.. Directory.GetDirectories(TestData.Samples("campaigns")).Select(dir => Path.GetFileName(dir)).Order(StringComparer.Ordinal)];

    /// <summary>The panel campaigns (the vbo-holdout family and creative-holdout are customer-level holdouts; geo-plan is a panel campaign in planning).</summary>
    public static TheoryData<string> Campaigns => new(CampaignIds.Where(id => Config(id).Design != CampaignDesign.Holdout));

    /// <summary>Every export but the malformed one: campaign/file, units, periods, first and last period, treated cells.</summary>
    public static TheoryData<string, int, int, string, string, int> Exports => new()
    {
        { "prop99/california-1970-2000.parquet", 39, 31, "1970", "2000", 12 },
        { "geolift-test/2021-q1.parquet", 40, 90, "2021-01-01", "2021-03-31", 0 },
        { "geolift-test/2021-q2.parquet", 40, 15, "2021-04-01", "2021-04-15", 30 },
        { "multicell/2021-cells.parquet", 40, 105, "2021-01-01", "2021-04-15", 60 },
        { "geo-plan/GeoLift_PreTest.parquet", 40, 90, "2021-01-01", "2021-03-31", 0 },
    };

    [Fact]
    public void The_store_holds_the_nine_documented_campaigns_and_eleven_exports()
    {
        Assert.Equal(["creative-holdout", "geo-plan", "geolift-test", "multicell", "prop99", "vbo-holdout", "vbo-holdout-spring", "vbo-holdout-summer", "vbo-holdout-winter"], CampaignIds);
        var exports = Directory.GetFiles(TestData.Samples("exports"), "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(TestData.Samples("exports"), file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(["creative-holdout/customers.parquet", "geo-plan/GeoLift_PreTest.parquet", "geolift-test/2021-q1.parquet", "geolift-test/2021-q2-fix.parquet", "geolift-test/2021-q2.parquet", "multicell/2021-cells.parquet", "prop99/california-1970-2000.parquet",
            "vbo-holdout-spring/customers.parquet", "vbo-holdout-summer/customers.parquet", "vbo-holdout-winter/customers.parquet", "vbo-holdout/customers.parquet"], exports);
    }

    [Theory]
    [MemberData(nameof(Campaigns))]
    public void Every_campaign_parses_with_its_folder_as_id_no_subscribers_and_the_maximum_late_allowance(string campaign)
    {
        var config = Config(campaign);

        Assert.Equal(campaign, config.Id);
        Assert.Equal(CampaignDesign.Panel, config.Design);
        Assert.Empty(config.Subscribers);
        Assert.Equal(36_500, config.Guardrails.LateAfterDays);
        Assert.Equal("placebo", config.Variance);
        Assert.Equal(200, config.Replications);
    }

    [Fact]
    public void Campaigns_run_the_documented_estimators_on_their_metric()
    {
        Assert.Equal(["sdid", "sc", "did"], Config("prop99").Estimators);
        Assert.Equal(["packs_per_capita"], Config("prop99").Metrics);
        Assert.Equal(["geolift", "sdid"], Config("geolift-test").Estimators);
        Assert.Equal(["conversions"], Config("geolift-test").Metrics);
        Assert.Equal(["sdid"], Config("multicell").Estimators);
        Assert.Equal(["conversions"], Config("multicell").Metrics);
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Every_export_reads_as_an_increment_with_its_campaigns_settings(string export, int units, int periods, string first, string last, int treatedCells)
    {
        var panel = await ReadAsync(export);

        Assert.Equal(units, panel.Units.Count);
        Assert.Equal(periods, panel.Periods.Count);
        Assert.Equal(first, panel.Periods[0].ToString());
        Assert.Equal(last, panel.Periods[^1].ToString());
        Assert.Equal(treatedCells, panel.TreatedCellCount);
        Assert.Equal(Config(CampaignOf(export)).Metrics, panel.MetricNames);
    }

    [Fact]
    public async Task The_two_geolift_test_exports_merge_into_exactly_the_geolift_test_panel()
    {
        var q1 = await ReadAsync("geolift-test/2021-q1.parquet");
        var q2 = await ReadAsync("geolift-test/2021-q2.parquet");

        Assert.Empty(q1.Periods.Intersect(q2.Periods));
        PanelSlice.AssertEqual(ReferencePanels.GeoLiftTestAsPanel, PanelMerge.Merge(q1, q2, "2021-q2.parquet"));
        PanelSlice.AssertEqual(ReferencePanels.GeoLiftTestAsPanel, PanelMerge.Merge(q2, q1, "2021-q1.parquet"));
    }

    [Fact]
    public async Task The_q2_export_alone_is_accepted_only_as_an_increment_because_it_has_no_pre_period()
    {
        var whole = Config("geolift-test").ToPanelExportOptions();

        var invalid = await Assert.ThrowsAsync<ExportValidationException>(() => PanelExportReader.ReadAsync(TestData.Samples("exports", "geolift-test", "2021-q2.parquet"), whole));

        Assert.Equal(ExportErrorCodes.NoPrePeriod, invalid.Code);
    }

    [Fact]
    public async Task The_malformed_fix_export_is_rejected_for_duplicate_unit_period_rows_naming_column_and_rows()
    {
        var invalid = await Assert.ThrowsAsync<ExportValidationException>(() => ReadAsync(Malformed));

        var error = Assert.Single(invalid.Errors);
        Assert.Equal(ExportErrorCodes.DuplicateCell, error.Code);
        Assert.Equal("period", error.Column);
        Assert.Equal([15L, 120L, 16L, 121L, 17L], error.Rows);
        Assert.Equal("2021-q2-fix.parquet: [duplicate-cell] column 'period': (unit, period) rows repeat, e.g. unit 'chicago' in period 2021-04-13 in 12 rows (rows 15, 120, 16, 121, 17)", invalid.Message);
    }

    [Fact]
    public async Task Copied_into_a_folder_store_every_export_but_the_fix_is_merged_and_the_fix_is_quarantined()
    {
        using var root = TestData.TempDirectory();
        var store = new FolderStore(root.FullName);
        var names = new List<string>();
        foreach (var file in Directory.GetFiles(TestData.Samples(), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(TestData.Samples(), file).Replace('\\', '/');
            if (name.StartsWith("campaigns/", StringComparison.Ordinal) || name.StartsWith("exports/", StringComparison.Ordinal))
            {
                await store.WriteAsync(name, await File.ReadAllBytesAsync(file));
                names.Add(name);
            }
        }
        var handler = new ExportArrivedHandler(store, new ManualClock(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero)));

        var outcomes = new Dictionary<string, ExportOutcome>();
        foreach (var name in names.Where(n => n.StartsWith("exports/", StringComparison.Ordinal) && !n.EndsWith("/customers.parquet", StringComparison.Ordinal)))
        {
            outcomes[name] = await handler.HandleAsync(name, RunId.Parse("demo"));
        }

        Assert.Equal(ExportDisposition.Quarantined, outcomes["exports/" + Malformed].Disposition);
        Assert.Equal(5, outcomes.Values.Count(o => o.Disposition == ExportDisposition.Accepted));   // the five holdout exports are not panels
        Assert.NotNull(await store.ReadAsync("quarantine/geolift-test/2021-q2-fix.parquet.error.json"));
        PanelSlice.AssertEqual(ReferencePanels.GeoLiftTestAsPanel, (await new CampaignDataset(store, CampaignId.Parse("geolift-test")).ReadPanelAsync())!);
        PanelSlice.AssertEqual(ReferencePanels.Prop99AsPanel, (await new CampaignDataset(store, CampaignId.Parse("prop99")).ReadPanelAsync())!);
        var multicell = (await new CampaignDataset(store, CampaignId.Parse("multicell")).ReadPanelAsync())!;
        PanelSlice.AssertEqual(ReferencePanels.GeoLiftMultiCell, multicell);
        Assert.Equal(ReferencePanels.GeoLiftMultiCell.Arms, multicell.Arms);
    }

    [Fact]
    public async Task The_holdout_sample_has_its_documented_arms_and_segments_and_parses_as_a_holdout()
    {
        var config = Config("vbo-holdout");
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(TestData.Samples("exports", "vbo-holdout", "customers.parquet"));

        Assert.Equal(CampaignDesign.Holdout, config.Design);
        Assert.Equal(["revenue", "conversions", "unsubscribes"], config.Metrics);
        Assert.Equal(200_000, statistics.N);
        Assert.Equal(["holdout", "vbo", "vbo_1p"], statistics.Arms);
        Assert.Equal(["pre_revenue"], statistics.Covariates);
        Assert.InRange(statistics.ForArm("holdout").N / 200_000.0, 0.19, 0.21);
        Assert.Equal(["new", "regular", "vip"], statistics.ByArmAnd(ExperimentDimension.Segment).Select(c => c.Key.Segment).Distinct().OfType<string>().Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The three concluded seasons (samples/vbo-holdout-history.sql), measured with their campaign.json through the
    /// pipeline's holdout measurement: vbo_1p over vbo covers each season's true overall lift (+4.5%, +4.2%, +3.9%), and
    /// the summer's harm to es (true −11.8%) breaches the fairness guardrail while winter and spring pass.
    /// </summary>
    [Theory]
    [InlineData("vbo-holdout-winter", 80_000, 1.0448, "pass")]
    [InlineData("vbo-holdout-spring", 80_000, 1.0422, "pass")]
    [InlineData("vbo-holdout-summer", 100_000, 1.0392, "breach")]
    public async Task The_concluded_seasons_cover_their_true_lift_and_only_summer_breaches_fairness(string campaign, int customers, double trueRatio, string fairness)
    {
        var config = Config(campaign);
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(TestData.Samples("exports", campaign, "customers.parquet"));

        var m = HoldoutMeasurer.Measure(statistics, HoldoutCampaignMeasurement.MeasureOptions(config) with { FitTails = false });

        Assert.Equal(customers, statistics.N);
        Assert.NotNull(config.Treatment?.End);
        var primary = m.Primary!;
        Assert.Equal(("vbo_1p", "vbo", "revenue"), (primary.Treatment, primary.Control, primary.Metric));
        Assert.InRange(trueRatio - 1, primary.RelativeCi.Lower, primary.RelativeCi.Upper);
        Assert.Equal(fairness, m.Guardrails.Single(g => g.Name == "fairness").Status.ToString().ToLowerInvariant());
        if (fairness == "breach")
        {
            var es = m.Fairness.Single().Result.Groups.Single(g => g.Group == "es");
            Assert.True(es.IsHarmed);
            Assert.InRange(-0.118, es.Effect - 4 * es.StandardError, es.Effect + 4 * es.StandardError);
        }
    }

    [Fact]
    public async Task The_creative_sample_shares_100000_customers_with_vbo_holdout_and_follows_its_holdout_list_for_most_of_them()
    {
        var config = Config("creative-holdout");
        string creative = TestData.Samples("exports", "creative-holdout", "customers.parquet"), vbo = TestData.Samples("exports", "vbo-holdout", "customers.parquet");
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(creative);
        var table = LiftPipeline.Tests.Audiences.CustomerExportKit.Query($"""
            SELECT v.arm, c.arm, count(*) FROM '{creative}' c JOIN '{vbo}' v USING (customer_id) GROUP BY ALL ORDER BY ALL
            """).ToDictionary(r => $"{r[0]}/{r[1]}", r => Convert.ToInt64(r[2], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((CampaignDesign.Holdout, "holdout"), (config.Design, config.Holdout!.Control));
        Assert.Equal(150_000, statistics.N);
        Assert.Equal(["creative", "holdout"], statistics.Arms.Order(StringComparer.Ordinal));
        Assert.InRange(statistics.ForArm("holdout").N / 150_000.0, 0.19, 0.21);
        Assert.Equal(100_000, table.Values.Sum());
        // 70% follow vbo-holdout's holdout list, so a vbo-holdout holdout customer is in this holdout 76% of the time (0.7 + 0.3 · 0.2), a treated one 6%.
        Assert.InRange(table["holdout/holdout"] / (double)(table["holdout/holdout"] + table["holdout/creative"]), 0.74, 0.78);
        Assert.InRange(table["vbo/holdout"] / (double)(table["vbo/holdout"] + table["vbo/creative"]), 0.05, 0.07);
    }

    private static string CampaignOf(string export) => export[..export.IndexOf('/', StringComparison.Ordinal)];

    private static CampaignConfig Config(string campaign) =>
        CampaignConfig.Parse(campaign, File.ReadAllBytes(TestData.Samples("campaigns", campaign, "campaign.json")));

    /// <summary>Reads an export as the pipeline does: named by its file name, with the campaign's settings, as an increment.</summary>
    private static async Task<Panel> ReadAsync(string export)
    {
        await using var stream = File.OpenRead(TestData.Samples(["exports", .. export.Split('/')]));
        await using var file = await ExportFile.OpenAsync(stream, Path.GetFileName(export));
        return await PanelExportReader.ReadAsync(file, Config(CampaignOf(export)).ToPanelExportOptions() with { Increment = true });
    }
}
