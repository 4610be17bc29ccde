using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Decisions.Privacy;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The vbo-holdout sample measured night after night with <c>privacy.noise</c>: the aggregate table is charged to the
/// campaign's budget once per run, reprocessing a run releases the same bytes for nothing, a run the budget cannot afford
/// writes no table, says why in its report and raises one <c>privacy</c> alert; and without noise the exact table still
/// releases no small cell.
/// </summary>
public sealed class AggregatePipelineTests : IDisposable
{
    private static readonly CampaignId Campaign = CampaignId.Parse("vbo-holdout");
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 10, 20, 2, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Five_nightly_runs_against_a_budget_for_three_charge_three_once_and_refuse_the_rest_with_one_alert()
    {
        // Per run: 4 breakdowns × (customers + 3 metrics × (sum, sum of squares)) = 28 tables at ρ = Δ²/(2σ²) each.
        double perTable = GaussianMechanism.Analytic(1, 1, 1e-6).Rho, perRun = 28 * perTable, budgetRho = 3.5 * perRun;
        string noise = $$"""{ "epsilon": 1, "bounds": { "revenue": 500, "conversions": 5, "unsubscribes": 1 }, "budget": { "rho": {{budgetRho.ToString("R", CultureInfo.InvariantCulture)}} } }""";
        var store = await StoreAsync($"\"privacy\": {{ \"noise\": {noise} }},");
        // Each night measures anew, as with new data (with unchanged inputs a run reuses the last report and releases nothing new).
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock) { Reuse = false };

        var tables = new Dictionary<string, byte[]>();
        var outcomes = new Dictionary<string, MeasureOutcome>();
        foreach (var run in new[] { "run-1", "run-2", "run-2", "run-3", "run-4", "run-5" })
        {
            _clock.Now = _clock.Now.AddDays(1);
            var outcome = await handler.HandleAsync(Campaign, RunId.Parse(run));
            outcomes[run] = outcome;
            var table = await store.ReadAsync(StoreLayout.AggregatesJson(outcome.ReportFolder!));
            if (tables.TryGetValue(run, out var before))
            {
                Assert.Equal(before, table!.Content.ToArray());   // reprocessed: the same bytes
            }
            else if (table is not null)
            {
                tables[run] = table.Content.ToArray();
            }
        }

        Assert.Equal(["run-1", "run-2", "run-3"], tables.Keys.Order(StringComparer.Ordinal));
        Assert.Null(await store.ReadAsync(StoreLayout.AggregatesCsv(outcomes["run-4"].ReportFolder!)));
        using var ledger = JsonDocument.Parse((await store.ReadAsync(StoreLayout.PrivacyBudget(Campaign)))!.Content);
        var root = ledger.RootElement;
        var charges = root.GetProperty("charges").EnumerateArray().ToArray();
        Assert.Equal(3 * 28, charges.Length);
        Assert.Equal(["run-1", "run-2", "run-3"], charges.Select(c => c.GetProperty("run").GetString()).Distinct());
        Assert.Equal(3 * perRun, root.GetProperty("spentRho").GetDouble(), 12);
        Assert.Equal(budgetRho, root.GetProperty("rho").GetDouble(), 15);
        Assert.Equal(budgetRho - 3 * perRun, root.GetProperty("remainingRho").GetDouble(), 12);
        var expected = PrivacyBudget.OfRho("vbo-holdout", budgetRho).Spend("three runs", 3 * perRun);
        Assert.Equal(expected.SpentEpsilon(1e-6), root.GetProperty("spentEpsilon").GetDouble(), 9);
        Assert.Equal(["run-4", "run-5"], root.GetProperty("refused").EnumerateArray().Select(r => r.GetString()));

        var privacyAlerts = new List<string>();
        await foreach (var stored in store.ListAsync("alerts/"))
        {
            if (StoreLayout.IsAlert(stored.Name))
            {
                using var alert = JsonDocument.Parse((await store.ReadAsync(stored.Name))!.Content);
                if (alert.RootElement.GetProperty("guardrail").GetString() == "privacy")
                {
                    privacyAlerts.Add(stored.Name);
                }
            }
        }
        Assert.Single(privacyAlerts);
        Assert.Equal(privacyAlerts, outcomes["run-4"].Alerts.Where(a => privacyAlerts.Contains(a)));

        string refused = Encoding.UTF8.GetString((await store.ReadAsync(StoreLayout.ReportMarkdown(outcomes["run-4"].ReportFolder!)))!.Content.ToArray());
        Assert.Contains($"The aggregate table of run run-4 was not released: it costs ρ = {perRun.ToString("G4", CultureInfo.InvariantCulture)} but only", refused, StringComparison.Ordinal);
        string released = Encoding.UTF8.GetString((await store.ReadAsync(StoreLayout.ReportHtml(outcomes["run-2"].ReportFolder!)))!.Content.ToArray());
        Assert.Contains("Privacy: cells with fewer than 50 customers are suppressed. The aggregate table (aggregates.json) is released with Gaussian noise at ε = 1, δ = 1E-06 per table; "
            + $"privacy budget spent through this run ρ = {(2 * perRun).ToString("G4", CultureInfo.InvariantCulture)} of {budgetRho.ToString("G4", CultureInfo.InvariantCulture)}", released, StringComparison.Ordinal);

        using var first = JsonDocument.Parse(tables["run-1"]);
        var row = first.RootElement.GetProperty("rows")[0];
        Assert.Equal(GaussianMechanism.Analytic(1, 1, 1e-6).Sigma, row.GetProperty("customersNoiseSd").GetDouble(), 9);
        Assert.Equal(500 * GaussianMechanism.Analytic(1, 1, 1e-6).Sigma, row.GetProperty("metrics").GetProperty("revenue").GetProperty("sumNoiseSd").GetDouble(), 6);
    }

    [Fact]
    public async Task Without_noise_the_exact_table_releases_no_cell_that_suppression_hides()
    {
        string export = TestData.Samples("exports", "vbo-holdout", "customers.parquet");
        long vip = Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{export}' WHERE arm = 'holdout' AND segment = 'vip'"), CultureInfo.InvariantCulture);
        long holdout = Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{export}' WHERE arm = 'holdout'"), CultureInfo.InvariantCulture);
        var store = await StoreAsync($"\"privacy\": {{ \"minimumCustomers\": {vip + 1} }},");

        var outcome = await new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock).HandleAsync(Campaign, RunId.Parse("run-1"));

        using var table = JsonDocument.Parse((await store.ReadAsync(StoreLayout.AggregatesJson(outcome.ReportFolder!)))!.Content);
        var rows = table.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.False(table.RootElement.TryGetProperty("noise", out _));
        Assert.All(rows, r => Assert.True(r.GetProperty("customers").GetDouble() >= vip + 1));
        // The report hides the holdout's VIPs and, to protect them, its regulars and vbo's VIPs and regulars (the rectangle): so does the table.
        Assert.Equal(["holdout/new", "vbo/new", "vbo_1p/new", "vbo_1p/regular", "vbo_1p/vip"],
            rows.Where(r => r.GetProperty("breakdown").GetString() == "segment").Select(r => $"{r.GetProperty("arm").GetString()}/{r.GetProperty("value").GetString()}"));
        var overall = rows.Single(r => r.GetProperty("arm").GetString() == "holdout" && r.GetProperty("breakdown").GetString() == "overall");
        Assert.Equal(holdout, overall.GetProperty("customers").GetInt64());
        Assert.Equal((3, 6, 9), (Count(rows, "overall"), Count(rows, "surface"), Count(rows, "market")));   // 3 arms × (overall, 2 surfaces, 3 markets)
    }

    private static int Count(JsonElement[] rows, string breakdown) => rows.Count(r => r.GetProperty("breakdown").GetString() == breakdown);

    private async Task<FolderStore> StoreAsync(string privacy)
    {
        string export = TestData.Samples("exports", "vbo-holdout", "customers.parquet");
        string config = TestData.VboHoldoutConfigWithPrivacy(privacy);
        var store = new FolderStore(Path.Combine(_root.FullName, "store"));
        await store.WriteAsync("campaigns/vbo-holdout/campaign.json", Encoding.UTF8.GetBytes(config));
        await store.WriteAsync("exports/vbo-holdout/customers.parquet", await File.ReadAllBytesAsync(export));
        await new ExportArrivedHandler(store, _clock).HandleAsync("exports/vbo-holdout/customers.parquet", RunId.Parse("ingest"));
        return store;
    }
}
