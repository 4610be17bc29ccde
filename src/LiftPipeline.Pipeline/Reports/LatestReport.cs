using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// <c>reports/{campaign}/latest.json</c>: a small pointer to the campaign's newest report — run, time, recommendation,
/// the primary estimate and the three report files — for dashboards and people who want "the current answer". It only
/// moves forward: a report older than the one it names (a late duplicate invocation) leaves it alone.
/// </summary>
public static class LatestReport
{
    private const int MaxAttempts = 10;

    /// <summary>Points <paramref name="campaign"/>'s latest.json at <paramref name="report"/>, stored under <paramref name="folder"/>, unless it already names a report as new or newer.</summary>
    /// <returns>True when latest.json was written.</returns>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static Task<bool> WriteAsync(IObjectStore store, CampaignId campaign, LiftReport report, string folder, CancellationToken cancellationToken = default) =>
        WriteAsync(store, campaign, report.RunId, report.GeneratedAt, ToJson(report, folder), cancellationToken);

    /// <summary>Points latest.json at a holdout report stored under <paramref name="folder"/>; see the other overload.</summary>
    public static Task<bool> WriteAsync(IObjectStore store, CampaignId campaign, HoldoutReport report, string folder, CancellationToken cancellationToken = default) =>
        WriteAsync(store, campaign, report.RunId, report.GeneratedAt, ToJson(report, folder), cancellationToken);

    private static async Task<bool> WriteAsync(IObjectStore store, CampaignId campaign, string runId, DateTimeOffset generatedAt, byte[] json, CancellationToken cancellationToken)
    {
        var path = StoreLayout.LatestReport(campaign);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                if (await store.TryCreateAsync(path, json, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
                continue;
            }
            if (!IsOlder(current.Content.Span, runId, generatedAt))
            {
                return false;
            }
            try
            {
                await store.WriteAsync(path, json, current.ETag, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (ObjectStoreException conflict) when (conflict.Code == ObjectStoreException.PreconditionFailed)
            {
                // Another report landed in between; compare again.
            }
        }
        return false;
    }

    /// <summary>
    /// True when latest.json names the report of <paramref name="runId"/>: a stored measurement of that run is still the
    /// campaign's current answer (false when a report of other inputs landed since, or there is no readable pointer).
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<bool> NamesRunAsync(IObjectStore store, CampaignId campaign, RunId runId, CancellationToken cancellationToken = default)
    {
        var current = await store.ReadAsync(StoreLayout.LatestReport(campaign), cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return false;
        }
        try
        {
            return StoredJson.Deserialize(current.Content.Span, PipelineJsonContext.Default.LatestReportHeadDocument).RunId == runId.Value;
        }
        catch (Exception e) when (e is JsonException or StoredJson.FieldException)
        {
            return false;
        }
    }

    /// <summary>The pointer's JSON (<see cref="StoredJson"/>'s rules: a p-value or lift that is not finite is null).</summary>
    public static byte[] ToJson(LiftReport report, string folder)
    {
        var primary = report.Primary;
        var document = new LatestLiftReportDocument(LiftReport.SchemaVersion, report.Campaign, report.RunId, report.GeneratedAt, report.Metric,
            report.Recommendation.ToString().ToLowerInvariant(), report.RecommendationReason,
            primary?.Estimator, primary?.Att, primary?.Lift, primary is null ? null : primary.Uncertainty?.PValue ?? double.NaN,
            StoreLayout.ReportJson(folder), StoreLayout.ReportHtml(folder), StoreLayout.ReportMarkdown(folder));
        return JsonSerializer.SerializeToUtf8Bytes(document, PipelineJsonContext.Default.LatestLiftReportDocument);
    }

    /// <summary>The pointer's JSON for a holdout report: the primary contrast instead of the primary estimate.</summary>
    public static byte[] ToJson(HoldoutReport report, string folder)
    {
        var primary = report.Primary;
        var document = new LatestHoldoutReportDocument(HoldoutReport.SchemaVersion, report.Campaign, report.RunId, report.GeneratedAt, "holdout",
            report.Recommendation.ToString().ToLowerInvariant(), report.RecommendationReason,
            primary is null ? null : $"{primary.Treatment} vs {primary.Control}", primary?.Metric, primary?.Relative, primary?.PValue,
            StoreLayout.ReportJson(folder), StoreLayout.ReportHtml(folder), StoreLayout.ReportMarkdown(folder));
        return JsonSerializer.SerializeToUtf8Bytes(document, PipelineJsonContext.Default.LatestHoldoutReportDocument);
    }

    /// <summary>True when the stored pointer names another run generated before <paramref name="generatedAt"/> (or is unreadable).</summary>
    private static bool IsOlder(ReadOnlySpan<byte> stored, string runId, DateTimeOffset generatedAt)
    {
        try
        {
            var head = StoredJson.Deserialize(stored, PipelineJsonContext.Default.LatestReportHeadDocument);
            if (head.RunId == runId)
            {
                return false;
            }
            return head.GeneratedAt is not { } at || at <= generatedAt;
        }
        catch (Exception e) when (e is JsonException or StoredJson.FieldException)
        {
            return true;   // a damaged pointer is replaced rather than left pointing nowhere
        }
    }
}
