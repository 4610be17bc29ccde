using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Portfolio;

/// <summary>
/// A campaign's decision so far, from its latest report (<c>reports/{campaign}/latest.json</c> and the report.json it
/// names): the decision, the headline number, the always-valid interval the decision read, and the guardrails that fired.
/// </summary>
/// <param name="Html">The report's HTML object.</param>
/// <param name="Design"><c>panel</c> or <c>holdout</c>.</param>
/// <param name="Decision">scale, hold, extend or stop.</param>
/// <param name="Subject">What the decision read; null without a basis.</param>
/// <param name="Estimate">A panel's ATT or a holdout's relative lift (latest.json); NaN without one.</param>
/// <param name="Lower">The decision's always-valid lower bound; NaN without one.</param>
/// <param name="Upper">Its upper bound.</param>
/// <param name="Guardrails">Each guardrail that warned or breached: <c>{name} {warn|breach}: {message}</c>.</param>
public sealed record LatestDecision(string Html, string Design, string Decision, string? Subject, double Estimate, double Lower, double Upper, IReadOnlyList<string> Guardrails)
{
    /// <summary>The campaign's latest decision; null when it has no readable report.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<LatestDecision?> ReadAsync(IObjectStore store, CampaignId campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var pointer = await store.ReadAsync(StoreLayout.LatestReport(campaign), cancellationToken).ConfigureAwait(false);
        if (pointer is null)
        {
            return null;
        }
        try
        {
            using var head = JsonDocument.Parse(pointer.Content);
            var root = head.RootElement;
            string json = root.GetProperty("json").GetString()!;
            string html = root.GetProperty("html").GetString()!;
            double estimate = Number(root, root.TryGetProperty("relative", out _) ? "relative" : "att");
            if (!ObjectName.IsValid(json) || !json.StartsWith(StoreLayout.ReportsOf(campaign), StringComparison.Ordinal)
                || await store.ReadAsync(json, cancellationToken).ConfigureAwait(false) is not { } report)
            {
                return null;
            }
            using var body = JsonDocument.Parse(report.Content);
            var r = body.RootElement;
            var decision = r.GetProperty("recommendation");
            var basis = decision.GetProperty("basis");
            var fired = new List<string>();
            foreach (var g in r.GetProperty("guardrails").EnumerateArray())
            {
                string status = g.GetProperty("status").GetString()!;
                if (status != "pass")
                {
                    fired.Add($"{g.GetProperty("name").GetString()} {status}: {g.GetProperty("message").GetString()}");
                }
            }
            bool hasBasis = basis.ValueKind == JsonValueKind.Object;
            return new LatestDecision(html, r.GetProperty("design").GetString()!, decision.GetProperty("action").GetString()!,
                hasBasis ? basis.GetProperty("subject").GetString() : null, estimate,
                hasBasis ? Number(basis, "lower") : double.NaN, hasBasis ? Number(basis, "upper") : double.NaN, fired);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;   // an unreadable report reads as none; the run's status line still shows
        }
    }

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}
