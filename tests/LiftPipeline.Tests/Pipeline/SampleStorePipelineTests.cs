using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
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
            Summary = await new LocalPipeline(Store, kit.Sink, new ManualClock(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero))).RunOnceAsync(RunId.Parse("demo"));
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
        Assert.Equal(["creative-holdout", "geo-plan", "geolift-test", "multicell", "prop99", "vbo-holdout", "vbo-holdout-spring", "vbo-holdout-summer", "vbo-holdout-winter"],
            run.Summary.Measurements.Select(m => m.Campaign.Value));
        Assert.All(run.Summary.Measurements.Where(m => m.Campaign != "geo-plan"), m => Assert.Equal(CampaignRunStatus.Measured, m.Status));
        Assert.Equal(CampaignRunStatus.Designed, run.Measured("geo-plan").Status);
        Assert.Equal(["exports/geolift-test/2021-q2-fix.parquet"],
            run.Summary.Exports.Where(e => e.Disposition == ExportDisposition.Quarantined).Select(e => e.Export.Path));
        Assert.Equal(10, run.Summary.Exports.Count(e => e.Disposition == ExportDisposition.Accepted));
        Assert.Empty(run.Summary.Problems);
    }

    [Fact]
    public async Task The_spring_pilot_market_of_79_customers_is_suppressed_with_es_as_its_complement_and_nothing_else_is()
    {
        var spring = run.Measured("vbo-holdout-spring").Holdout!.Measurement;

        var hidden = spring.Contrasts.Where(c => c.Suppressed).ToArray();
        Assert.NotEmpty(hidden);
        Assert.All(hidden, c => Assert.Contains(c.Market, new[] { "lu", "es" }));
        Assert.All(spring.Contrasts.Where(c => c.Market is "lu" or "es"), c => Assert.True(c.Suppressed));
        Assert.DoesNotContain(spring.Arms, a => a.Suppressed);
        Assert.Equal(["de", "fr"], spring.Fairness.Single().Result.Groups.Select(g => g.Group));
        string json = Encoding.UTF8.GetString((await run.Store.ReadAsync(StoreLayout.ReportJson(run.Measured("vbo-holdout-spring").ReportFolder!)))!.Content.Span);
        using var report = JsonDocument.Parse(json);
        var lu = report.RootElement.GetProperty("contrasts").EnumerateArray().Where(c => c.TryGetProperty("market", out var m) && m.GetString() == "lu").ToArray();
        Assert.NotEmpty(lu);
        Assert.All(lu, c => Assert.True(c.GetProperty("suppressed").GetBoolean() && !c.TryGetProperty("relative", out _)));
    }

    [Fact]
    public void The_run_redraws_the_evidence_and_the_budget_across_campaigns_spans_the_running_holdouts_only()
    {
        var evidence = run.Summary.Evidence!;

        Assert.Equal(("vbo_1p", "vbo", 4), (evidence.Contrasts[0].Treatment, evidence.Contrasts[0].Control, evidence.Contrasts[0].Result.Studies));
        // vbo-holdout is the only running holdout with spend (creative-holdout has none): its two arms are the options.
        Assert.Equal(["vbo-holdout: vbo", "vbo-holdout: vbo_1p"], evidence.Budget!.Options.Select(o => o.Name));
    }

    [Fact]
    public async Task The_three_ended_seasons_and_only_they_write_learnings_entries()
    {
        var written = new List<string>();
        await foreach (var item in run.Store.ListAsync("learnings/"))
        {
            written.Add(item.Name);
        }

        Assert.Equal(["learnings/index.html", "learnings/vbo-holdout-spring.json", "learnings/vbo-holdout-spring.md", "learnings/vbo-holdout-summer.json",
            "learnings/vbo-holdout-summer.md", "learnings/vbo-holdout-winter.json", "learnings/vbo-holdout-winter.md"], written.Order(StringComparer.Ordinal));
        var summer = LiftPipeline.Pipeline.Learnings.LearningsLog.Parse((await run.Store.ReadAsync("learnings/vbo-holdout-summer.json"))!.Content.Span)!;
        Assert.Equal(("ended", "hold"), (summer.ConcludedBy, summer.Decision));
        Assert.Contains(summer.Guardrails, g => g.StartsWith("fairness breach: ", StringComparison.Ordinal));
        Assert.Equal("the test ended on hold because fairness breached: the estimate stands, but do not act on it until that is resolved", summer.Caveats[0]);
        Assert.Equal(run.Measured("vbo-holdout-summer").Holdout!.Primary!.Relative, summer.Estimate);
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
    public async Task The_planning_sample_gets_its_geo_design_with_chicago_in_every_candidate_and_is_not_measured()
    {
        var design = run.Measured("geo-plan").Design!;

        Assert.NotNull(design.Report);
        var chosen = Assert.Single(design.Chosen);
        Assert.Contains("chicago", chosen.Locations);
        Assert.DoesNotContain("honolulu", chosen.Locations);
        Assert.Contains(chosen.Duration, new[] { 10, 15 });
        Assert.All(design.Report!.Cells[0].Selection.Candidates, c => Assert.Contains("chicago", c.Locations));
        foreach (var file in new[] { "design.json", "design.html", "design.md" })
        {
            Assert.NotNull(await run.Store.GetAsync($"reports/geo-plan/design/{file}"));
        }
        Assert.Null(await run.Store.GetAsync("reports/geo-plan/demo/report.json"));
        Assert.Null(await run.Store.GetAsync("reports/geo-plan/latest.json"));
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
        foreach (var campaign in new[] { "creative-holdout", "geolift-test", "multicell", "prop99", "vbo-holdout" })
        {
            foreach (var file in new[] { "report.json", "report.html", "report.md" })
            {
                Assert.NotNull(await run.Store.GetAsync($"reports/{campaign}/demo/{file}"));
            }
            using var latest = JsonDocument.Parse((await run.Store.ReadAsync($"reports/{campaign}/latest.json"))!.Content);
            Assert.Equal("demo", latest.RootElement.GetProperty("runId").GetString());
            Assert.Equal($"reports/{campaign}/demo/report.html", latest.RootElement.GetProperty("html").GetString());
        }
        var manifest = (await new RunLedger(run.Store).ReadAsync(RunId.Parse("demo")))!;
        Assert.Equal("manual", manifest.Trigger);
        Assert.All(manifest.Campaigns.Where(c => c.Campaign != "geo-plan"), c => Assert.True(c.Status == CampaignRunStatus.Measured && c.Seconds >= 0, c.Campaign));
        Assert.Equal((CampaignRunStatus.Designed, "reports/geo-plan/design/"), manifest.Campaigns.Where(c => c.Campaign == "geo-plan").Select(c => (c.Status, c.Report)).Single());
    }

    [Fact]
    public void The_holdout_sample_recovers_its_true_lifts_and_reads_them_with_always_valid_intervals()
    {
        var report = run.Measured("vbo-holdout").Holdout!;
        HoldoutContrast Overall(string treatment, string control) => report.Measurement.Contrasts.Single(c =>
            c.Treatment == treatment && c.Control == control && c.Metric == "revenue" && c.Kind == ContrastKind.Mean && c.Segment is null && c.Surface is null && c.Market is null);

        // The simulation's truth (samples/vbo-holdout.sql): VBO +4%, VBO+1P +6.4% overall (+20% for VIPs), so 1P beats VBO by 2.3%.
        Assert.InRange(0.04, Overall("vbo", "holdout").RelativeCi.Lower, Overall("vbo", "holdout").RelativeCi.Upper);
        Assert.InRange(0.064, Overall("vbo_1p", "holdout").RelativeCi.Lower, Overall("vbo_1p", "holdout").RelativeCi.Upper);
        Assert.InRange(1.064 / 1.04 - 1, Overall("vbo_1p", "vbo").RelativeCi.Lower, Overall("vbo_1p", "vbo").RelativeCi.Upper);
        var vip = report.Measurement.Contrasts.Single(c => c.Treatment == "vbo_1p" && c.Control == "vbo" && c.Metric == "revenue" && c.Segment == "vip");
        Assert.True(vip.PAdjusted < 0.05, $"VIP adjusted p {vip.PAdjusted}");
        Assert.True(Overall("vbo", "holdout").Iroas > 0);
        // Both funded arms spend 0.40 per exposed customer: no incremental spend to divide by, and no exposure gap for an effect on the exposed.
        Assert.Null(Overall("vbo_1p", "vbo").Iroas);
        Assert.DoesNotContain(report.Measurement.Contrasts, c => c.Kind == ContrastKind.OnTreated && c.Control == "vbo");
        Assert.Contains(report.Measurement.Contrasts, c => c.Kind == ContrastKind.OnTreated && c.Treatment == "vbo_1p" && c.Control == "holdout");
        // conversions is 0/1: never capped, no tail.
        Assert.DoesNotContain(report.Measurement.Tails, t => t.Metric == "conversions");
        Assert.Single(report.Measurement.Tails, t => t.Metric == "revenue");
        Assert.Equal(GuardrailStatus.Pass, report.Measurement.Guardrails.Single(g => g.Name == HoldoutGuardrails.Srm).Status);
        Assert.Equal(GuardrailStatus.Pass, report.Measurement.Guardrails.Single(g => g.Name == HoldoutGuardrails.Contamination).Status);
        // campaign.json's holdout.primaryContrast: the recommendation answers "does 1P + VBO beat VBO alone?".
        Assert.Equal(new ArmContrast("vbo_1p", "vbo"), report.Measurement.PrimaryContrast);
        Assert.Same(Overall("vbo_1p", "vbo"), report.Primary);
        Assert.Equal("vbo_1p vs vbo on revenue (relative)", report.Decision.Basis!.Subject);
        var tail = report.Measurement.Tails.Single(t => t.Metric == "revenue");
        Assert.True(tail.Cap > 100, $"revenue capped at its 99.9% point, {tail.Cap}");   // converters spend 0.7·pre + 30·e^{0.9Z}
        Assert.InRange(tail.TailIndex, -0.5, 0.5);
    }

    [Fact]
    public async Task The_two_holdout_samples_are_conflated_and_each_breaches_and_alerts_naming_the_other()
    {
        foreach (var (campaign, other, share) in new[] { ("vbo-holdout", "creative-holdout", 0.5), ("creative-holdout", "vbo-holdout", 100_000 / 150_000.0) })
        {
            var measured = run.Measured(campaign);
            var conflated = measured.Holdout!.Guardrails.Single(g => g.Name == LiftPipeline.Statistics.Conflation.ConflatedGuardrail.Name);

            Assert.Equal(GuardrailStatus.Breach, conflated.Status);
            Assert.Contains(LiftPipeline.Statistics.Conflation.ConflatedGuardrail.DependentFinding, conflated.Findings);
            Assert.Equal((100_000.0, share), (conflated.Evidence[$"{other}.shared"], conflated.Evidence[$"{other}.shareOfThis"]));
            Assert.True(conflated.Evidence[$"{other}.dependencePValue"] < 1e-100);
            Assert.StartsWith($"Conflated test with {other}: 100,000 shared customers", conflated.Message, StringComparison.Ordinal);
            Assert.Equal(Recommendation.Hold, measured.Holdout.Recommendation);
            var alerts = new List<string>();
            foreach (var name in measured.Alerts)
            {
                using var alert = JsonDocument.Parse((await run.Store.ReadAsync(name))!.Content);
                alerts.Add(alert.RootElement.GetProperty("guardrail").GetString()!);
            }
            Assert.Contains("conflated", alerts);
        }
    }

    [Fact]
    public void Recommendations_follow_the_rule_from_each_primary_interval_and_guardrails()
    {
        foreach (var measured in run.Summary.Measurements.Where(m => m.Report is not null))
        {
            var report = measured.Report!;
            var (expected, _) = RecommendationRule.Decide(RecommendationBasis.Of(report.Primary, 1 - report.Level), report.Guardrails);
            Assert.Equal(expected, report.Recommendation);
            Assert.Equal(report.Guardrails.Count(g => g.Status == GuardrailStatus.Breach), measured.Alerts.Count);
        }
    }

    [Fact]
    public async Task Each_holdout_contributes_its_released_contrasts_to_the_evidence_and_the_pooled_page_is_meta_analysis_of_them()
    {
        var holdouts = run.Summary.Measurements.Where(m => m.Holdout is not null).Select(m => m.Campaign.Value).Order(StringComparer.Ordinal).ToArray();
        var stored = new List<string>();
        await foreach (var item in run.Store.ListAsync(StoreLayout.ContributionsPrefix))
        {
            stored.Add(item.Name);
        }
        Assert.Contains("vbo-holdout", holdouts);
        Assert.Equal(holdouts.Select(c => StoreLayout.Contribution(CampaignId.Parse(c))).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));   // the panel designs contribute nothing
        var contributions = new List<LiftPipeline.Pipeline.Evidence.Contribution>();
        foreach (var name in stored)
        {
            contributions.Add(LiftPipeline.Pipeline.Evidence.ContributionJson.Parse((await run.Store.ReadAsync(name))!.Content.Span)!);
        }
        var vbo = contributions.Single(c => c.Campaign == "vbo-holdout");
        Assert.Equal("reports/vbo-holdout/demo/report.html", vbo.Report);
        Assert.Equal(["vbo", "vbo_1p"], vbo.Arms.Select(a => a.Treatment));
        var primary = run.Measured("vbo-holdout").Holdout!.Primary!;
        Assert.Contains(vbo.Contrasts, r => r.Dimension is null && r.Treatment == "vbo_1p" && r.Control == "vbo" && r.Relative == primary.Relative && r.RelativeStandardError == primary.RelativeStandardError);

        using var evidence = JsonDocument.Parse((await run.Store.ReadAsync(StoreLayout.EvidenceJson))!.Content);
        // The three seasons and the autumn holdout all compare vbo_1p with vbo: that pair is pooled first.
        var first = evidence.RootElement.GetProperty("contrasts")[0];
        Assert.Equal(("vbo_1p", "vbo"), (first.GetProperty("treatment").GetString(), first.GetProperty("control").GetString()));
        Assert.Equal(contributions.Count(c => c.Contrasts.Any(r => r.Dimension is null && r.Treatment == "vbo_1p" && r.Control == "vbo" && r.Metric == first.GetProperty("metric").GetString())),
            first.GetProperty("pooled").GetProperty("k").GetInt32());
        foreach (var contrast in evidence.RootElement.GetProperty("contrasts").EnumerateArray())
        {
            var rows = contributions.OrderBy(c => c.Campaign, StringComparer.Ordinal).SelectMany(c => c.Contrasts.Where(r => r.Dimension is null && r.Treatment == contrast.GetProperty("treatment").GetString()
                && r.Control == contrast.GetProperty("control").GetString() && r.Metric == contrast.GetProperty("metric").GetString()).Take(1)).ToArray();
            var pooled = LiftPipeline.Statistics.Decisions.Evidence.MetaAnalysis.Pool(
                [.. rows.Select(r => Math.Log(1 + r.Relative))], [.. rows.Select(r => r.RelativeStandardError / (1 + r.Relative) * (r.RelativeStandardError / (1 + r.Relative)))]);
            Assert.Equal(pooled.Estimate, contrast.GetProperty("pooled").GetProperty("logEstimate").GetDouble());
        }
        var budget = evidence.RootElement.GetProperty("budget");
        Assert.Contains(budget.GetProperty("options").EnumerateArray(), o => o.GetProperty("name").GetString() == "vbo-holdout: vbo_1p");
        Assert.NotNull(await run.Store.ReadAsync(StoreLayout.EvidenceIndex));
        using var report = JsonDocument.Parse((await run.Store.ReadAsync(StoreLayout.ReportJson(run.Measured("vbo-holdout").ReportFolder!)))!.Content);
        Assert.Equal(["vbo", "vbo_1p"], report.RootElement.GetProperty("budget").GetProperty("options").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }
}
