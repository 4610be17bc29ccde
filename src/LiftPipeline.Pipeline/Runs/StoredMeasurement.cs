using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>
/// The part of a panel measurement that depends on the clock: the data-quality guardrail's late-data check compares the
/// last period with "now". The periods and the result at measure time are kept, so a reuse re-runs the check as of its
/// own time (no estimation) and recomputes when the result would differ.
/// </summary>
/// <param name="Status">The data-quality status when measured.</param>
/// <param name="Findings">Its findings when measured (e.g. <c>late</c>).</param>
/// <param name="Periods">The panel's periods, ascending.</param>
public sealed record ClockDependentCheck(GuardrailStatus Status, IReadOnlyList<string> Findings, IReadOnlyList<Period> Periods)
{
    /// <summary>True when the data-quality check as of <paramref name="now"/> gives the same status and findings.</summary>
    public bool Holds(GuardrailThresholds thresholds, DateTimeOffset now)
    {
        var result = new DataQualityGuardrail(thresholds).Check(Periods, now);
        return result.Status == Status && result.Findings.SequenceEqual(Findings, StringComparer.Ordinal);
    }
}

/// <summary>
/// <c>reports/{campaign}/inputs/{key}.json</c>: a finished measurement (measured or failed) named by its
/// <see cref="MeasurementKey"/>, pointing at the run and report folder that hold it, with its alerts and summary line.
/// Written after the report set and latest.json, so its presence means the report is complete.
/// </summary>
/// <param name="Key">What was measured.</param>
/// <param name="RunId">The run that computed it.</param>
/// <param name="Status">Measured or failed.</param>
/// <param name="Report">The report folder; null for a failed measurement.</param>
/// <param name="Alerts">Object names of the alerts it raised.</param>
/// <param name="Message">Its one-line summary (for a failure, the reason).</param>
/// <param name="MeasuredAt">When it was computed.</param>
/// <param name="Clock">The clock-dependent check of a panel measurement; null when nothing in it depends on the clock.</param>
public sealed record StoredMeasurement(MeasurementKey Key, RunId RunId, CampaignRunStatus Status, string? Report, IReadOnlyList<string> Alerts,
    string Message, DateTimeOffset MeasuredAt, ClockDependentCheck? Clock)
{
    private const int SchemaVersion = 1;

    /// <summary>Stores this record under its key, replacing one of the same key (a recomputation after the clock moved a guardrail).</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task WriteAsync(IObjectStore store, CampaignId campaign, CancellationToken cancellationToken = default) =>
        await store.WriteAsync(StoreLayout.StoredMeasurement(campaign, Key.Hash), ToJson(), null, cancellationToken).ConfigureAwait(false);

    /// <summary>The record of <paramref name="key"/>, or null when there is none or it is unreadable (then the campaign is measured again).</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<StoredMeasurement?> ReadAsync(IObjectStore store, CampaignId campaign, MeasurementKey key, CancellationToken cancellationToken = default)
    {
        var stored = await store.ReadAsync(StoreLayout.StoredMeasurement(campaign, key.Hash), cancellationToken).ConfigureAwait(false);
        return stored is null ? null : Parse(stored.Content.Span, key);
    }

    /// <summary>Indented UTF-8 JSON.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("key", Key.Hash);
            w.WriteString("dataset", Key.Dataset);
            w.WriteString("campaignJsonSha256", Key.CampaignJsonSha256);
            w.WriteString("engineVersion", Key.Engine);
            w.WriteString("runId", RunId.Value);
            w.WriteString("status", RunManifest.StatusName(Status));
            w.WriteString("report", Report);
            w.WriteStartArray("alerts");
            foreach (var alert in Alerts)
            {
                w.WriteStringValue(alert);
            }
            w.WriteEndArray();
            w.WriteString("message", Message);
            w.WriteString("measuredAt", StoredJson.FormatTime(MeasuredAt));
            if (Clock is { } clock)
            {
                w.WriteStartObject("dataQuality");
                w.WriteString("status", clock.Status.ToString().ToLowerInvariant());
                w.WriteStartArray("findings");
                foreach (var finding in clock.Findings)
                {
                    w.WriteStringValue(finding);
                }
                w.WriteEndArray();
                w.WriteString("periodKind", clock.Periods.Count == 0 ? PeriodKind.Integer.ToString() : clock.Periods[0].Kind.ToString());
                w.WriteStartArray("periods");
                foreach (var period in clock.Periods)
                {
                    w.WriteNumberValue(period.Value);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a record written by <see cref="ToJson"/>; null when it is damaged or of another key or schema.</summary>
    public static StoredMeasurement? Parse(ReadOnlySpan<byte> json, MeasurementKey key)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.GetProperty("schemaVersion").GetInt32() != SchemaVersion || root.GetProperty("key").GetString() != key.Hash)
            {
                return null;
            }
            var status = root.GetProperty("status").GetString() switch
            {
                "measured" => CampaignRunStatus.Measured,
                "failed" => CampaignRunStatus.Failed,
                _ => throw new FormatException("status is neither measured nor failed"),
            };
            var report = root.GetProperty("report");
            return new StoredMeasurement(key, RunId.Parse(root.GetProperty("runId").GetString()!), status,
                report.ValueKind == JsonValueKind.String ? report.GetString() : null,
                root.GetProperty("alerts").EnumerateArray().Select(a => a.GetString()!).ToArray(),
                root.GetProperty("message").GetString()!, root.GetProperty("measuredAt").GetDateTimeOffset(),
                root.TryGetProperty("dataQuality", out var clock) ? ParseClock(clock) : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or ObjectStoreException)
        {
            return null;
        }
    }

    private static ClockDependentCheck ParseClock(JsonElement clock)
    {
        var kind = Enum.Parse<PeriodKind>(clock.GetProperty("periodKind").GetString()!);
        var status = Enum.Parse<GuardrailStatus>(clock.GetProperty("status").GetString()!, ignoreCase: true);
        return new ClockDependentCheck(status, clock.GetProperty("findings").EnumerateArray().Select(f => f.GetString()!).ToArray(),
            clock.GetProperty("periods").EnumerateArray().Select(p => new Period(kind, p.GetInt64())).ToArray());
    }
}
