using System.Text.Json;
using LiftPipeline.Pipeline.Evidence;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Decisions.Budget;
using LiftPipeline.Statistics.Decisions.Evidence;

namespace LiftPipeline.Tests.Evidence;

/// <summary>
/// The evidence across campaigns: contributions from simulated holdouts with a known common log lift of vbo_1p over vbo
/// (μ = 0.06) and known heterogeneity (τ = 0.03) are pooled into evidence/evidence.json exactly as MetaAnalysis.Pool
/// pools their numbers, the redraw is idempotent, and the sentence, running marks and budget follow their rules.
/// </summary>
public sealed class EvidencePoolingTests : IDisposable
{
    private const double Mu = 0.06, Tau = 0.03;

    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    /// <summary>K campaigns, campaign i with true log lift θᵢ ~ N(μ, τ²) drawn from <paramref name="seed"/>, 6,000 customers each.</summary>
    internal static Contribution[] Campaigns(int k, int seed, int customers = 6_000, int running = 0, bool cells = true)
    {
        var random = new Random(seed);
        var result = new Contribution[k];
        for (int i = 0; i < k; i++)
        {
            double theta = Mu + Tau * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            result[i] = HoldoutCampaignSimulator.Contribution(i, HoldoutCampaignSimulator.Measure(seed * 1000 + i, customers, _ => theta, cells), concluded: i >= running);
        }
        return result;
    }

    private static JsonElement Pooled(JsonDocument evidence, string treatment, string control) =>
        evidence.RootElement.GetProperty("contrasts").EnumerateArray()
            .Single(c => c.GetProperty("treatment").GetString() == treatment && c.GetProperty("control").GetString() == control).GetProperty("pooled");

    [Fact]
    public void A_row_is_pooled_as_the_log_of_one_plus_its_lift_with_the_delta_method_variance_and_unusable_rows_are_left_out()
    {
        var row = new ContributionRow("vbo_1p", "vbo", "revenue", null, null, null, 100, 100, 0.25, 0.05);

        Assert.True(row.TryLogLift(out double y, out double v));
        Assert.Equal(Math.Log(1.25), y, 15);
        Assert.Equal(0.04 * 0.04, v, 15);   // (0.05 / 1.25)²
        Assert.False((row with { Relative = -1 }).TryLogLift(out _, out _));
        Assert.False((row with { RelativeStandardError = double.NaN }).TryLogLift(out _, out _));

        var c = Campaigns(3, 1);
        var broken = c[2] with { Contrasts = [.. c[2].Contrasts.Select(r => r.Dimension is null && r.Treatment == "vbo_1p" && r.Control == "vbo" ? r with { Relative = -1.2 } : r)] };
        var summary = EvidencePooling.Summarize([c[0], c[1], broken]);
        var pair = summary.Contrasts[0];
        Assert.Equal(("vbo_1p", "vbo"), (pair.Treatment, pair.Control));
        Assert.Equal(1, pair.Excluded);
        Assert.Equal(["sim-00", "sim-01"], pair.Studies.Select(s => s.Campaign));
    }

    [Fact]
    public void A_row_the_release_step_suppressed_is_contributed_as_labels_only_and_left_out_of_the_pooling()
    {
        // 1,500 customers: the vip cells of the arms (about 15% of 300 to 600 customers) fall below a 100-customer minimum.
        var released = new LiftPipeline.Pipeline.Privacy.ReleasePolicy(100).Release(HoldoutCampaignSimulator.Measure(3, 1_500, _ => 0.05));
        var contribution = HoldoutCampaignSimulator.Contribution(0, released);
        var vip = contribution.Contrasts.Where(r => r.Segment == "vip").ToArray();

        Assert.NotEmpty(vip);
        Assert.All(vip, r => Assert.True(r.Suppressed && double.IsNaN(r.Relative) && r.TreatmentN == 0));
        string json = System.Text.Encoding.UTF8.GetString(ContributionJson.ToJson(contribution));
        Assert.Contains("\"segment\": \"vip\",\n      \"surface\": null,\n      \"market\": null,\n      \"suppressed\": true\n    }", json);
        var parsed = ContributionJson.Parse(ContributionJson.ToJson(contribution))!;
        Assert.Equal(contribution.Contrasts.Count(r => r.Suppressed), parsed.Contrasts.Count(r => r.Suppressed));
        Assert.Equal(ContributionJson.ToJson(contribution), ContributionJson.ToJson(parsed));

        var other = HoldoutCampaignSimulator.Contribution(1, HoldoutCampaignSimulator.Measure(4, 1_500, _ => 0.05));
        var segments = EvidencePooling.Summarize([contribution, other]).Contrasts[0].Dimensions.Single(d => d.Dimension == "segment");
        // Every suppressed vbo_1p vs vbo segment row (vip, and its complement) is left out and counted.
        int suppressed = contribution.Contrasts.Count(r => r.Suppressed && r.Segment is not null && r.Treatment == "vbo_1p" && r.Control == "vbo");
        Assert.True(suppressed >= 1);
        Assert.Equal(suppressed, segments.Excluded);
        Assert.Equal(["sim-01"], segments.Groups.Single(g => g.Level == "vip").Studies.Select(s => s.Campaign));
    }

    [Fact]
    public async Task The_pooled_estimate_in_evidence_json_is_meta_analysis_of_the_contributions_and_covers_the_known_lift()
    {
        var store = new FolderStore(_root.FullName);
        var campaigns = Campaigns(6, 7, running: 1);
        foreach (var c in campaigns)
        {
            await EvidenceLog.RecordAsync(store, c);
        }
        using var evidence = JsonDocument.Parse((await store.ReadAsync(StoreLayout.EvidenceJson))!.Content);

        // By hand from the stored contributions: the overall vbo_1p vs vbo rows on the log scale.
        var y = new double[6];
        var v = new double[6];
        for (int i = 0; i < 6; i++)
        {
            var stored = ContributionJson.Parse((await store.ReadAsync(StoreLayout.Contribution(CampaignId.Parse($"sim-{i:00}"))))!.Content.Span)!;
            var row = stored.Contrasts.Single(r => r.Dimension is null && r.Treatment == "vbo_1p" && r.Control == "vbo");
            y[i] = Math.Log(1 + row.Relative);
            v[i] = row.RelativeStandardError / (1 + row.Relative) * (row.RelativeStandardError / (1 + row.Relative));
        }
        var expected = MetaAnalysis.Pool(y, v);
        var pooled = Pooled(evidence, "vbo_1p", "vbo");

        Assert.Equal(expected.Estimate, pooled.GetProperty("logEstimate").GetDouble());   // exactly
        Assert.Equal(expected.Tau2, pooled.GetProperty("tau2").GetDouble());
        Assert.Equal(Math.Exp(expected.Estimate) - 1, pooled.GetProperty("relative").GetDouble());
        Assert.Equal(Math.Exp(expected.Lower) - 1, pooled.GetProperty("lower").GetDouble());
        Assert.Equal(Math.Exp(expected.PredictionUpper) - 1, pooled.GetProperty("predictionUpper").GetDouble());
        Assert.Equal(expected.I2, pooled.GetProperty("i2").GetDouble());
        Assert.Equal(6, pooled.GetProperty("k").GetInt32());
        Assert.Equal("ModifiedHartungKnapp", pooled.GetProperty("interval").GetString());
        Assert.InRange(Mu, expected.Lower, expected.Upper);   // the known common log lift is inside the pooled interval
        Assert.True(expected.Tau2 > 0);
        // The primary pair first; vbo vs holdout and vbo_1p vs holdout are pooled too.
        Assert.Equal("vbo_1p", evidence.RootElement.GetProperty("contrasts")[0].GetProperty("treatment").GetString());
        Assert.Equal(3, evidence.RootElement.GetProperty("contrasts").GetArrayLength());
        var primary = evidence.RootElement.GetProperty("contrasts")[0];
        Assert.StartsWith("Across 6 tests (1 still running), vbo_1p added +", primary.GetProperty("sentence").GetString());
        Assert.True(primary.GetProperty("studies")[0].GetProperty("running").GetBoolean());
        Assert.False(primary.GetProperty("studies")[1].GetProperty("running").GetBoolean());
        Assert.Equal(["segment", "surface", "market"], primary.GetProperty("subgroups").EnumerateArray().Select(d => d.GetProperty("dimension").GetString()));
        var html = System.Text.Encoding.UTF8.GetString((await store.ReadAsync(StoreLayout.EvidenceIndex))!.Content.Span);
        Assert.Contains("sim-00 (running)", html);
        Assert.Contains("class=\"diamond\"", html);
        Assert.Contains("class=\"prediction\"", html);
        Assert.Contains("href=\"../reports/sim-01/run-1/report.html\"", html);
    }

    [Fact]
    public async Task Redrawing_the_same_contributions_writes_the_same_bytes_in_any_order()
    {
        var store = new FolderStore(_root.FullName);
        var campaigns = Campaigns(3, 11);
        foreach (var c in campaigns)
        {
            await EvidenceLog.RecordAsync(store, c);
        }
        byte[] json = (await store.ReadAsync(StoreLayout.EvidenceJson))!.Content.ToArray();
        byte[] html = (await store.ReadAsync(StoreLayout.EvidenceIndex))!.Content.ToArray();

        await EvidenceLog.RecordAsync(store, campaigns[1]);   // the same measurement again
        Assert.Equal(json, (await store.ReadAsync(StoreLayout.EvidenceJson))!.Content.ToArray());
        Assert.Equal(html, (await store.ReadAsync(StoreLayout.EvidenceIndex))!.Content.ToArray());
        await EvidenceLog.RedrawAsync(store);
        Assert.Equal(json, (await store.ReadAsync(StoreLayout.EvidenceJson))!.Content.ToArray());
        Assert.Equal(json, EvidenceJson.ToJson(EvidencePooling.Summarize([.. campaigns.Reverse().Select(c => ContributionJson.Parse(ContributionJson.ToJson(c))!)])));
    }

    [Fact]
    public void The_sentence_names_subgroups_whose_interval_excludes_zero_as_helping_and_the_others_as_not()
    {
        static ContributionRow Row(string? segment, double lift) => new("vbo_1p", "vbo", "revenue", segment, null, null, 1000, 1000, lift, 0.02);
        Contribution Campaign(string id, double shift) => new(id, id, "run-1", $"reports/{id}/run-1/report.html", DateTimeOffset.UnixEpoch, "ended", 0.95,
            [Row(null, 0.06 + shift), Row("new", 0.01 + shift), Row("vip", 0.18 + shift), new("vbo", "holdout", "revenue", null, null, null, 1000, 1000, 0.04, 0.02)], []);
        var summary = EvidencePooling.Summarize([Campaign("c", 0.01), Campaign("a", -0.01), Campaign("b", 0)]);

        var p = Assert.Single(summary.Contrasts, c => c.Treatment == "vbo_1p");
        var segments = Assert.Single(p.Dimensions);
        Assert.Equal(["new", "vip"], segments.Groups.Select(g => g.Level));
        Assert.Equal(["not", "helps"], segments.Groups.Select(g => g.Verdict));
        string Range(MetaAnalysisResult r) => $"{Pct(r.Estimate)} [{Pct(r.Lower)}, {Pct(r.Upper)}]";
        Assert.Equal($"Across 3 tests, vbo_1p added {Range(p.Result)} revenue over vbo; it helps in segment vip ({Range(segments.Groups[1].Result)}); not in segment new ({Range(segments.Groups[0].Result)}).",
            p.Sentence);
        Assert.Equal(["a", "b", "c"], p.Studies.Select(s => s.Campaign));
        Assert.Equal(Math.Log(1.06), p.Result.Estimate, 1e-3);   // lifts symmetric around 6%: the pooled log lift is near ln 1.06
    }

    private static string Pct(double logValue) => (100 * (Math.Exp(logValue) - 1)).ToString("+0.0;-0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    [Fact]
    public void A_contrast_in_only_one_campaign_is_not_pooled_and_the_budget_spans_the_running_campaigns_arms()
    {
        var c = Campaigns(3, 3, running: 2);
        var lone = c[1] with { Contrasts = [.. c[1].Contrasts.Where(r => r.Treatment != "vbo")] };
        var concluded = c[2] with { Contrasts = [.. c[2].Contrasts.Where(r => r.Treatment != "vbo" && r.Treatment != "vbo_1p")] };
        var summary = EvidencePooling.Summarize([c[0], lone, concluded]);

        Assert.DoesNotContain(summary.Contrasts, p => p.Treatment == "vbo");
        Assert.Contains(summary.Contrasts, p => p.Treatment == "vbo_1p" && p.Control == "holdout");
        Assert.True(concluded.Concluded);
        Assert.NotEmpty(concluded.Arms);
        var options = c.Take(2).SelectMany(x => x.Arms.Select(a => new BudgetOption($"{x.Campaign}: {a.Treatment}", a.Iroas, a.StandardError, a.Spend))).ToArray();
        Assert.Equal(4, options.Length);   // the concluded campaign's arms are not options
        var budget = summary.Budget!;
        Assert.Equal(options, budget.Options);
        Assert.Equal(EqualMarginalReturn.Recommend(options).Allocations, budget.EqualMarginal!.Allocations);
        Assert.Equal(ThompsonShares.Recommend(options).Allocations, budget.Thompson!.Allocations);
    }
}
