using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// Issue 11, item 2 (no alert is ever lost) and item 10 (a run reads only pending work): a run killed at any write
/// loses no alert, and the recovery run (same run id) delivers each exactly once to each subscriber — a second copy
/// only when the kill fell between a subscriber's 2xx and recording it, which the idempotency key covers.
/// </summary>
public sealed class AlertOutboxTests
{
    private static readonly RunId Run = RunId.Parse("run-1");

    private sealed record Outcome(bool Crashed, int Writes, Dictionary<string, int> Growth, Dictionary<string, int> Finance, Dictionary<string, string> Guardrails);

    /// <summary>One scenario: a run killed at write <paramref name="crashAt"/> (0: never), then a recovery run with the same run id.</summary>
    private static async Task<Outcome> KillAndRecoverAsync(int crashAt)
    {
        using var scenario = new FaultScenario();
        await using var growth = new WebhookReceiver().Start();
        await using var finance = new WebhookReceiver().Start();
        var subscribers = new[] { ("growth", growth.Url), ("finance", finance.Url) };
        scenario.Campaign("geo", subscribers).Panel("geo").Campaign("bad", subscribers).Broken("bad");
        using var kit = new AlertTestKit();

        var first = new InjectedStore(new FolderStore(scenario.Root, kit.Clock)) { CrashAtWrite = crashAt };
        try
        {
            await new LocalPipeline(first, kit.Sink, kit.Clock).RunOnceAsync(Run);
        }
        catch (Exception) when (first.Crashed)
        {
            // kill -9: the instance is abandoned mid-run.
        }
        if (first.Crashed)
        {
            // Later than any claim or lease the killed run left, the same day (alert objects are filed by day).
            kit.Clock.Now = kit.Clock.Now.AddMinutes(20);
            await new LocalPipeline(new FolderStore(scenario.Root, kit.Clock), kit.Sink, kit.Clock).RunOnceAsync(Run);
        }
        return new Outcome(first.Crashed, first.Writes, FaultScenario.PerAlert(growth), FaultScenario.PerAlert(finance), FaultScenario.Guardrails(growth));
    }

    [Fact]
    public async Task A_run_killed_at_any_write_loses_no_alert_and_the_recovery_run_delivers_each_once_per_subscriber()
    {
        var clean = await KillAndRecoverAsync(0);
        Assert.False(clean.Crashed);
        Assert.Contains("data-quality", clean.Guardrails.Values);
        Assert.Contains("pre-fit", clean.Guardrails.Values);
        Assert.All(clean.Growth.Values, n => Assert.Equal(1, n));
        Assert.Equal(clean.Growth.Keys.Order(), clean.Finance.Keys.Order());

        var failures = new List<string>();
        for (int k = 1; k <= clean.Writes; k++)
        {
            var run = await KillAndRecoverAsync(k);
            Assert.True(run.Crashed, $"write {k} of {clean.Writes} was not reached");
            foreach (var (subscriber, got) in new[] { ("growth", run.Growth), ("finance", run.Finance) })
            {
                var missing = clean.Growth.Keys.Except(got.Keys).ToArray();
                if (missing.Length > 0 || got.Keys.Except(clean.Growth.Keys).Any() || got.Values.Any(n => n > 2))
                {
                    failures.Add($"kill at write {k}: {subscriber} got {string.Join(", ", got.Select(p => $"{p.Key}×{p.Value}"))}; missing {string.Join(", ", missing)}");
                }
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_run_lists_only_the_outbox_and_never_reads_old_delivery_records()
    {
        using var scenario = new FaultScenario();
        await using var growth = new WebhookReceiver().Start();
        scenario.Campaign("bad", ("growth", growth.Url)).Broken("bad");
        for (int i = 0; i < 300; i++)
        {
            var id = i.ToString("x32");
            scenario.Write($"alerts/deliveries/{id}/growth.json", System.Text.Encoding.UTF8.GetBytes($$"""
                { "schema": 1, "alertId": "{{id}}", "alertPath": "alerts/2025/01/01/{{id}}.json",
                  "subscriber": { "name": "growth", "url": "{{growth.Url}}", "secretName": null }, "status": "delivered", "attempts": 1,
                  "lastStatusCode": 200, "lastError": null, "claimedUntil": null, "deliveredAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-01T00:00:00Z" }
                """));
        }
        using var kit = new AlertTestKit();
        var store = new InjectedStore(new FolderStore(scenario.Root, kit.Clock));

        var summary = await new LocalPipeline(store, kit.Sink, kit.Clock).RunOnceAsync(Run);

        Assert.Equal("data-quality", Assert.Single(FaultScenario.Guardrails(growth).Values));
        Assert.Single(summary.Deliveries);
        var history = store.Touched.Where(t => t.StartsWith("alerts/deliveries/", StringComparison.Ordinal)
            && !t.StartsWith($"alerts/deliveries/{summary.Deliveries[0].AlertId}/", StringComparison.Ordinal)).ToArray();
        Assert.Empty(history);
    }
}
