using System.Globalization;
using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The vbo-holdout sample measured with a stored assignment (<c>assignments/vbo-holdout/assignment.parquet</c>) that DuckDB
/// derives from the sample export: an exact one passes the contamination guardrail with the export's own leakage as
/// evidence; one that lacks 3% of the customers and moves others breaches it, raises one alert, and is measured again
/// because the assignment changed — and a run over the same inputs reuses it with the same alert ids.
/// </summary>
public sealed class AssignmentContaminationPipelineTests : IDisposable
{
    private static readonly CampaignId Campaign = CampaignId.Parse("vbo-holdout");
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 10, 20, 2, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    private static string Export => TestData.Samples("exports", "vbo-holdout", "customers.parquet");

    private async Task<FolderStore> StoreAsync()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "store"));
        await store.WriteAsync("campaigns/vbo-holdout/campaign.json", await File.ReadAllBytesAsync(TestData.Samples("campaigns", "vbo-holdout", "campaign.json")));
        await store.WriteAsync("exports/vbo-holdout/customers.parquet", await File.ReadAllBytesAsync(Export));
        await new ExportArrivedHandler(store, _clock).HandleAsync("exports/vbo-holdout/customers.parquet", RunId.Parse("ingest"));
        return store;
    }

    private async Task AssignAsync(IObjectStore store, string select)
    {
        string path = CustomerExportKit.Write(_root.FullName, $"assignment-{Guid.NewGuid():N}.parquet", select);
        await store.WriteAsync(StoreLayout.Assignment(Campaign), await File.ReadAllBytesAsync(path));
    }

    private static long Count(string sql) => Convert.ToInt64(CustomerExportKit.Scalar(sql), CultureInfo.InvariantCulture);

    private MeasureCampaignHandler Handler(IObjectStore store) => new(store, new InProcessWorkQueue(), _clock);

    [Fact]
    public async Task An_exact_assignment_passes_and_a_broken_one_breaches_with_exact_counts_and_is_measured_again()
    {
        var store = await StoreAsync();
        await AssignAsync(store, $"SELECT customer_id, arm, 'everyone' AS audience FROM '{Export}'");
        long holdout = Count($"SELECT count(*) FROM '{Export}' WHERE arm = 'holdout'");
        long leaked = Count($"SELECT count(*) FROM '{Export}' WHERE arm = 'holdout' AND exposed");

        var exact = await Handler(store).HandleAsync(Campaign, RunId.Parse("run-1"));

        var pass = exact.Holdout!.Guardrails.Single(g => g.Name == HoldoutGuardrails.Contamination);
        Assert.Equal(GuardrailStatus.Pass, pass.Status);
        Assert.Equal((200_000.0, 0.0, 0.0, (double)holdout, (double)leaked),
            (pass.Evidence["assignment.customers"], pass.Evidence["assignment.wrongArm"], pass.Evidence["assignment.notAssigned"],
             pass.Evidence["assignment.holdoutAssigned"], pass.Evidence["assignment.holdoutExposed"]));
        Assert.Empty(exact.Alerts);

        // 3% of customers left out (the id's last two digits below 03) and every customer ending in 7 moved from vbo to vbo_1p.
        await AssignAsync(store, $"""
            SELECT customer_id, CASE WHEN arm = 'vbo' AND customer_id LIKE '%7' THEN 'vbo_1p' ELSE arm END AS arm
            FROM '{Export}' WHERE right(customer_id, 2) NOT IN ('00', '01', '02')
            """);
        long moved = Count($"SELECT count(*) FROM '{Export}' WHERE arm = 'vbo' AND customer_id LIKE '%7' AND right(customer_id, 2) NOT IN ('00', '01', '02')");

        var broken = await Handler(store).HandleAsync(Campaign, RunId.Parse("run-2"));
        var again = await Handler(store).HandleAsync(Campaign, RunId.Parse("run-3"));

        Assert.Null(broken.ReusedFrom);
        var breach = broken.Holdout!.Guardrails.Single(g => g.Name == HoldoutGuardrails.Contamination);
        Assert.Equal(GuardrailStatus.Breach, breach.Status);
        Assert.Equal(6_000.0, breach.Evidence["assignment.notAssigned"]);
        Assert.Equal((double)moved, breach.Evidence["assignment.wrongArm"]);
        Assert.Equal([HoldoutGuardrails.WrongArmFinding, HoldoutGuardrails.NotAssignedFinding], breach.Findings);
        Assert.Contains("6,000 customers (3%) are not in the assignment (e.g. c0000000, c0000001, c0000002, c0000100, c0000101)", breach.Message, StringComparison.Ordinal);
        var alert = Assert.Single(broken.Alerts);
        using var json = JsonDocument.Parse((await store.ReadAsync(alert))!.Content);
        Assert.Equal("contamination", json.RootElement.GetProperty("guardrail").GetString());
        Assert.Equal(RunId.Parse("run-2"), again.ReusedFrom);
        Assert.Equal(broken.Alerts, again.Alerts);
    }
}
