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

    /// <summary>The pointer's JSON.</summary>
    public static byte[] ToJson(LiftReport report, string folder)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", LiftReport.SchemaVersion);
            writer.WriteString("campaign", report.Campaign);
            writer.WriteString("runId", report.RunId);
            writer.WriteString("generatedAt", StoredJson.FormatTime(report.GeneratedAt));
            writer.WriteString("metric", report.Metric);
            writer.WriteString("recommendation", report.Recommendation.ToString().ToLowerInvariant());
            writer.WriteString("reason", report.RecommendationReason);
            if (report.Primary is { } primary)
            {
                writer.WriteString("estimator", primary.Estimator);
                writer.WriteFinite("att", primary.Att);
                writer.WriteFinite("lift", primary.Lift);
                writer.WriteFinite("pValue", primary.Uncertainty?.PValue ?? double.NaN);
            }
            writer.WriteString("json", StoreLayout.ReportJson(folder));
            writer.WriteString("html", StoreLayout.ReportHtml(folder));
            writer.WriteString("markdown", StoreLayout.ReportMarkdown(folder));
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The pointer's JSON for a holdout report: the primary contrast instead of the primary estimate.</summary>
    public static byte[] ToJson(HoldoutReport report, string folder)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", HoldoutReport.SchemaVersion);
            writer.WriteString("campaign", report.Campaign);
            writer.WriteString("runId", report.RunId);
            writer.WriteString("generatedAt", StoredJson.FormatTime(report.GeneratedAt));
            writer.WriteString("design", "holdout");
            writer.WriteString("recommendation", report.Recommendation.ToString().ToLowerInvariant());
            writer.WriteString("reason", report.RecommendationReason);
            if (report.Primary is { } primary)
            {
                writer.WriteString("contrast", $"{primary.Treatment} vs {primary.Control}");
                writer.WriteString("metric", primary.Metric);
                writer.WriteFinite("relative", primary.Relative);
                writer.WriteFinite("pValue", primary.PValue);
            }
            writer.WriteString("json", StoreLayout.ReportJson(folder));
            writer.WriteString("html", StoreLayout.ReportHtml(folder));
            writer.WriteString("markdown", StoreLayout.ReportMarkdown(folder));
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }


    /// <summary>True when the stored pointer names another run generated before <paramref name="generatedAt"/> (or is unreadable).</summary>
    private static bool IsOlder(ReadOnlySpan<byte> stored, string runId, DateTimeOffset generatedAt)
    {
        try
        {
            var reader = new Utf8JsonReader(stored);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.GetProperty("runId").GetString() == runId)
            {
                return false;
            }
            return root.GetProperty("generatedAt").GetDateTimeOffset() <= generatedAt;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return true;   // a damaged pointer is replaced rather than left pointing nowhere
        }
    }
}
