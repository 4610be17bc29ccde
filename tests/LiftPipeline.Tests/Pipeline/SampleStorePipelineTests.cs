using System.Text.Json;
using LiftPipeline.Core.Estimators;
using LiftPipeline.Core.Guardrails;
using LiftPipeline.Core.Pipeline;
using LiftPipeline.Core.Reports;
using LiftPipeline.Core.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The demo's sample store through one <c>lift run</c> pass (<see cref="LocalPipeline.RunOnceAsync"/>): the published
/// Prop 99 estimates come out of the pipeline, the two GeoLift exports measure like the whole test, the multi-cell test
/// is measured per cell, and the malformed export is quarantined. One pass is shared by the tests (it takes seconds).
/// </summary>
public sealed class SampleStorePipelineTests(SampleStorePipelineTests.Run run) : IClassFixture<SampleStorePipelineTests.Run>
{
    public sealed class Run : IAsyncLifetime
    {
        private readonly TempDirectory _root = TestData.TempDirectory();

        public FolderStore Store { get; private set; } = null!;

        public PipelineRunSummary Summary { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Store = new FolderStore(_root.FullName);
            foreach (var file in Directory.GetFiles(TestData.Samples(), "*", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(TestData.Samples(), file).Replace('\\', '/');
                if (name.StartsWith("campaigns/", StringComparison.Ordinal) || name.StartsWith("exports/", StringComparison.Ordinal))
                {
                    await Store.WriteAsync(name, await File.ReadAllBytesAsync(file));
                }
            }
            using var kit = new AlertTestKit();
            Summary = await new LocalPipeline(Store, kit.Sink, new ManualClock(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero))).RunOnceAsync("demo");
        }

        public Task DisposeAsync()
        {
            _root.Dispose();
            return Task.CompletedTask;
        }

        public MeasureOutcome Measured(string campaign) => Summary.Measurements.Single(m => m.Campaign == campaign);
    }

    [Fact]
    public void Every_campaign_is_measured_in_one_run_and_only_the_malformed_export_is_quarantined()
    {
        Assert.Equal(["geolift-test", "multicell", "prop99"], run.Summary.Measurements.Select(m => m.Campaign));
        Assert.All(run.Summary.Measurements, m => Assert.Equal(CampaignRunStatus.Measured, m.Status));
        Assert.Equal(["exports/geolift-test/2021-q2-fix.parquet"],
            run.Summary.Exports.Where(e => e.Disposition == ExportDisposition.Quarantined).Select(e => e.Export.Path));
        Assert.Equal(4, run.Summary.Exports.Count(e => e.Disposition == ExportDisposition.Accepted));
        Assert.Empty(run.Summary.Problems);
    }

    [Fact]
    public void Prop99_reports_the_published_did_sc_and_sdid_estimates()
    {
        var report = run.Measured("prop99").Report!;
        var att = report.Estimates.ToDictionary(e => e.Estimator, e => e.Att);

        Assert.Equal(-27.3491110836, att["did"], 6);   // synthdid's published DiD (exact for any solver)
        // The exact solver's converged optima (docs/estimators.md); synthdid's Frank-Wolfe stops early at -15.604 and -19.620.
        Assert.Equal(-15.6054, att["sdid"], 3);
        Assert.Equal(-19.5136, att["sc"], 3);
        Assert.Equal("California", Assert.Single(report.Dataset.TreatedUnits));
        Assert.Equal("1989", report.Dataset.TreatmentStart);
    }

    [Fact]
    public void The_geo_test_from_two_exports_measures_exactly_like_the_whole_published_test()
    {
        var report = run.Measured("geolift-test").Report!;
        var whole = PanelMeasurer.Measure(ReferencePanels.GeoLiftTestAsPanel,
            new PanelMeasureOptions { Metric = "conversions", Estimators = ["geolift", "sdid"], Variance = "placebo", VarianceOptions = new() { Replications = 200, Seed = 1 } });

        Assert.Equal(whole.Estimates.Select(e => e.Att), report.Estimates.Select(e => e.Att));
        Assert.Equal(whole.Estimates.Select(e => e.Uncertainty!.StandardError), report.Estimates.Select(e => e.Uncertainty!.StandardError));
        Assert.Equal((40, 105), (report.Dataset.Units, report.Dataset.Periods));
    }

    [Fact]
    public void The_multi_cell_test_is_reported_per_cell_with_guardrails_per_cell()
    {
        var report = run.Measured("multicell").Report!;

        Assert.Equal(2, report.Estimates.Select(e => e.Cell).Distinct().Count());
        Assert.Equal(2, report.Guardrails.Count(g => g.Name == PreFitGuardrail.Name));
        Assert.Equal(2, report.Guardrails.Count(g => g.Name == PlaceboInTimeGuardrail.Name));
        Assert.All(report.Guardrails.Where(g => g.Name == PreFitGuardrail.Name), g => Assert.StartsWith("Cell ", g.Message));
    }

    [Fact]
    public async Task Each_campaign_has_its_three_report_files_a_latest_pointer_and_a_line_in_the_run_manifest()
    {
        foreach (var campaign in new[] { "geolift-test", "multicell", "prop99" })
        {
            foreach (var file in new[] { "report.json", "report.html", "report.md" })
            {
                Assert.NotNull(await run.Store.GetAsync($"reports/{campaign}/demo/{file}"));
            }
            using var latest = JsonDocument.Parse((await run.Store.ReadAsync($"reports/{campaign}/latest.json"))!.Content);
            Assert.Equal("demo", latest.RootElement.GetProperty("runId").GetString());
            Assert.Equal($"reports/{campaign}/demo/report.html", latest.RootElement.GetProperty("html").GetString());
        }
        var manifest = (await new RunLedger(run.Store).ReadAsync("demo"))!;
        Assert.Equal("manual", manifest.Trigger);
        Assert.All(manifest.Campaigns, c => Assert.True(c.Status == CampaignRunStatus.Measured && c.Seconds >= 0, c.Campaign));
    }

    [Fact]
    public void Recommendations_follow_the_rule_from_each_primary_interval_and_guardrails()
    {
        foreach (var measured in run.Summary.Measurements)
        {
            var report = measured.Report!;
            var (expected, _) = RecommendationRule.Decide(report.Primary!.Uncertainty, report.Guardrails);
            Assert.Equal(expected, report.Recommendation);
            Assert.Equal(report.Guardrails.Count(g => g.Status == GuardrailStatus.Breach), measured.Alerts.Count);
        }
    }
}
