using System.Globalization;
using System.Text;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Conflation;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// Four holdout campaigns with known truth, written by DuckDB: alpha (customers 0–19,999, 20% holdout); beta
/// (10,000–29,999) whose arm equals alpha's for 90% of customers and whose treatment adds Δ = 1 to alpha's revenue on
/// top of both main effects; gamma (15,000–24,999) on a salt of its own with no interaction; delta, which ended before
/// alpha started. Measuring alpha flags beta (dependent, interaction) and not gamma, leaves delta out, reuses the
/// measurement with the same alert while nothing changes, and measures again when another campaign's data does.
/// </summary>
public sealed class ConflatedPipelineTests : IDisposable
{
    private static readonly CampaignId Alpha = CampaignId.Parse("alpha");
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 10, 20, 2, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    private static string U(int k) => $"((hash(i * 7919 + {k}) % 1000003) + 0.5) / 1000003.0";

    // a, b: treated in alpha, in beta (as 0/1); beta copies alpha's arm for 90% of customers.
    private static readonly string Arms = $"""
        SELECT i, CAST({U(1)} >= 0.2 AS INTEGER) AS a, {U(2)} AS keep, {U(3)} AS u3, {U(4)} AS u4, CAST({U(5)} >= 0.5 AS INTEGER) AS g FROM range(30000) t(i)
        """;

    private static readonly string B = "CASE WHEN keep < 0.9 THEN a ELSE 1 - a END";

    private static string Export(string campaign) => campaign switch
    {
        "alpha" => $"""
            SELECT 'c' || i AS customer_id, CASE a WHEN 1 THEN 'treat' ELSE 'holdout' END AS arm,
              10 + 0.5 * a + CASE WHEN i >= 10000 THEN 0.5 * {B} + 1.0 * a * {B} ELSE 0 END + 2 * sqrt(-2 * ln(u3)) * cos(2 * pi() * u4) AS revenue
            FROM ({Arms}) WHERE i < 20000 ORDER BY i
            """,
        "beta" => $"SELECT 'c' || i AS customer_id, CASE {B} WHEN 1 THEN 'treat' ELSE 'holdout' END AS arm, 5.0 + (i % 7) AS revenue FROM ({Arms}) WHERE i >= 10000 ORDER BY i",
        "gamma" => $"SELECT 'c' || i AS customer_id, CASE g WHEN 1 THEN 'treat' ELSE 'holdout' END AS arm, 5.0 + (i % 5) AS revenue FROM ({Arms}) WHERE i >= 15000 AND i < 25000 ORDER BY i",
        _ => $"SELECT 'c' || i AS customer_id, CASE g WHEN 1 THEN 'treat' ELSE 'holdout' END AS arm, 5.0 + (i % 3) AS revenue FROM ({Arms}) WHERE i < 5000 ORDER BY i",
    };

    private static byte[] Config(string campaign, string window, bool active = true)
    {
        string holdout = campaign == "gamma" ? "0.5" : "0.2", treat = campaign == "gamma" ? "0.5" : "0.8";
        string json = $"{{\"id\": \"{campaign}\", \"name\": \"{campaign}\", \"design\": \"holdout\", \"metrics\": [\"revenue\"], \"treatment\": {window}, "
            + $"\"active\": {(active ? "true" : "false")}, \"holdout\": {{\"control\": \"holdout\", \"allocation\": {{\"holdout\": {holdout}, \"treat\": {treat}}}}}}}";
        return Encoding.UTF8.GetBytes(json);
    }

    private async Task<FolderStore> StoreAsync()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "store"));
        await AddAsync(store, "alpha", """{"start": "2026-10-01"}""");
        await AddAsync(store, "beta", """{"start": "2026-10-05"}""");
        await AddAsync(store, "gamma", """{"start": "2026-09-01", "end": "2026-12-31"}""");
        await AddAsync(store, "delta", """{"start": "2026-08-01", "end": "2026-09-30"}""");
        return store;
    }

    private async Task AddAsync(IObjectStore store, string campaign, string window, string? select = null)
    {
        await store.WriteAsync($"campaigns/{campaign}/campaign.json", Config(campaign, window));
        string path = CustomerExportKit.Write(_root.FullName, $"{campaign}-{Guid.NewGuid():N}.parquet", select ?? Export(campaign), rowGroupSize: 6_000);
        await store.WriteAsync($"exports/{campaign}/customers.parquet", await File.ReadAllBytesAsync(path));
        await new ExportArrivedHandler(store, _clock).HandleAsync($"exports/{campaign}/customers.parquet", RunId.Parse("ingest"));
    }

    private MeasureCampaignHandler Handler(IObjectStore store) => new(store, new InProcessWorkQueue(), _clock);

    private static long Count(string sql) => Convert.ToInt64(CustomerExportKit.Scalar(sql), CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_dependent_interacting_test_is_flagged_an_independent_one_passes_and_an_ended_one_is_left_out()
    {
        var store = await StoreAsync();

        var first = await Handler(store).HandleAsync(Alpha, RunId.Parse("run-1"));

        var conflated = first.Holdout!.Guardrails.Single(g => g.Name == ConflatedGuardrail.Name);
        var e = conflated.Evidence;
        Assert.Equal(GuardrailStatus.Breach, conflated.Status);
        Assert.Equal([ConflatedGuardrail.DependentFinding, ConflatedGuardrail.InteractionFinding], conflated.Findings);
        Assert.Equal((2.0, 10_000.0, 0.5, 0.5, 5_000.0, 0.25, 0.5), (e["pairs"], e["beta.shared"], e["beta.shareOfThis"], e["beta.shareOfOther"], e["gamma.shared"], e["gamma.shareOfThis"], e["gamma.shareOfOther"]));
        Assert.DoesNotContain(e.Keys, k => k.StartsWith("delta.", StringComparison.Ordinal));
        Assert.True(e["beta.dependencePValue"] < 1e-100, $"beta p = {e["beta.dependencePValue"]}");
        Assert.True(e["gamma.dependencePValue"] > 0.01, $"gamma p = {e["gamma.dependencePValue"]}");
        // Δ = 1 with SE ≈ 0.17 (cells of about 7,200, 800, 200 and 1,800 customers, noise s.d. 2).
        Assert.InRange(e["beta.interaction.revenue.delta"], 0.5, 1.5);
        Assert.True(e["beta.interaction.revenue.pAdjusted"] < 0.001);
        Assert.True(e["gamma.interaction.revenue.pAdjusted"] > 0.05);
        Assert.Contains("Conflated test with beta: 10,000 shared customers (50% of this test, 50% of beta)", conflated.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("with gamma", conflated.Message, StringComparison.Ordinal);
        Assert.Equal(LiftPipeline.Pipeline.Reports.Recommendation.Hold, first.Holdout.Recommendation);
        var alert = Assert.Single(first.Alerts);

        var again = await Handler(store).HandleAsync(Alpha, RunId.Parse("run-2"));
        await store.WriteAsync("campaigns/gamma/campaign.json", Config("gamma", """{"start": "2026-09-01", "end": "2026-12-31"}""", active: false));
        var gammaStopped = await Handler(store).HandleAsync(Alpha, RunId.Parse("run-3"));

        Assert.Equal(RunId.Parse("run-1"), again.ReusedFrom);
        Assert.Equal([alert], again.Alerts);
        Assert.Null(gammaStopped.ReusedFrom);
        var stopped = gammaStopped.Holdout!.Guardrails.Single(g => g.Name == ConflatedGuardrail.Name);
        Assert.Equal((1.0, false), (stopped.Evidence["pairs"], stopped.Evidence.ContainsKey("gamma.shared")));
        Assert.Equal([alert], gammaStopped.Alerts);
    }

    [Fact]
    public async Task Two_tests_of_one_layer_that_share_a_customer_breach_and_a_holdout_alone_has_no_conflated_result()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "layer"));
        await AddAsync(store, "alpha", """{"start": "2026-10-01"}""");
        var alone = await Handler(store).HandleAsync(Alpha, RunId.Parse("run-1"));
        await AddAsync(store, "gamma", """{"start": "2026-09-01", "end": "2026-12-31"}""");
        foreach (var campaign in new[] { "alpha", "gamma" })
        {
            string path = CustomerExportKit.Write(_root.FullName, $"{campaign}-assignment.parquet",
                $"SELECT customer_id, arm, 'everyone' AS audience, 'q3' AS layer FROM ({Export(campaign)})");
            await store.WriteAsync(StoreLayout.Assignment(CampaignId.Parse(campaign)), await File.ReadAllBytesAsync(path));
        }
        long shared = Count($"SELECT count(*) FROM ({Export("alpha")}) a JOIN ({Export("gamma")}) g USING (customer_id)");

        var layered = await Handler(store).HandleAsync(Alpha, RunId.Parse("run-2"));

        Assert.DoesNotContain(alone.Holdout!.Guardrails, g => g.Name == ConflatedGuardrail.Name);
        var conflated = layered.Holdout!.Guardrails.Single(g => g.Name == ConflatedGuardrail.Name);
        Assert.Equal(GuardrailStatus.Breach, conflated.Status);
        Assert.Equal([ConflatedGuardrail.SameLayerFinding], conflated.Findings);
        Assert.Equal((double)shared, conflated.Evidence["gamma.shared"]);
        Assert.Contains("both are in layer q3, which must keep them apart", conflated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_campaigns_invalid_assignment_leaves_it_out_and_this_campaign_is_still_measured()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "invalid"));
        await AddAsync(store, "alpha", """{"start": "2026-10-01"}""");
        await AddAsync(store, "gamma", """{"start": "2026-09-01", "end": "2026-12-31"}""");
        string twice = CustomerExportKit.Write(_root.FullName, "twice.parquet", "SELECT 'c' || (i % 10) AS customer_id, 'treat' AS arm FROM range(20) t(i)");
        await store.WriteAsync(StoreLayout.Assignment(CampaignId.Parse("gamma")), await File.ReadAllBytesAsync(twice));

        var measured = await Handler(store).HandleAsync(Alpha, RunId.Parse("run-1"));
        var gamma = await Handler(store).HandleAsync(CampaignId.Parse("gamma"), RunId.Parse("run-1"));

        Assert.Equal(CampaignRunStatus.Measured, measured.Status);
        Assert.DoesNotContain(measured.Holdout!.Guardrails, g => g.Name == ConflatedGuardrail.Name);
        Assert.Equal(CampaignRunStatus.Failed, gamma.Status);
        Assert.Contains("customer 'c0' is assigned twice", gamma.Message, StringComparison.Ordinal);
    }
}
