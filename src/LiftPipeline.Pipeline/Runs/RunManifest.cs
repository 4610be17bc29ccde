using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>Where one campaign stands in a run.</summary>
public enum CampaignRunStatus
{
    /// <summary>Requested, not measured yet.</summary>
    Queued,

    /// <summary>Measured; the report was written (by this run, or by the run named in <see cref="CampaignRunEntry.ReusedFrom"/>).</summary>
    Measured,

    /// <summary>Nothing to measure yet: no accepted export.</summary>
    NoData,

    /// <summary>Not measured: the campaign is inactive, or its design is not measured by this pipeline yet.</summary>
    Skipped,

    /// <summary>The measurement failed; <see cref="CampaignRunEntry.Error"/> says why.</summary>
    Failed,

    /// <summary>A planning campaign: its geo design report (<c>reports/{campaign}/design/</c>) is current, written now or earlier for the same inputs.</summary>
    Designed,
}

/// <summary>One campaign's line in a run manifest.</summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="QueuedAt">When the run requested it; null when measured without a request.</param>
/// <param name="StartedAt">When its measurement started.</param>
/// <param name="FinishedAt">When its measurement finished.</param>
/// <param name="Report">The report folder, <c>reports/{campaign}/{runId}/</c>, when written.</param>
/// <param name="Alerts">Object names of the alerts the measurement raised.</param>
/// <param name="Error">Why it failed or was skipped.</param>
/// <param name="ReusedFrom">
/// The run whose measurement this line reuses (same dataset, campaign.json and engine version; <see cref="StoredMeasurement"/>):
/// <paramref name="Report"/> and <paramref name="Alerts"/> are that run's; null when this run computed it.
/// </param>
/// <remarks><paramref name="Campaign"/> stays text: a run also records a campaign folder whose name is not a valid id (as failed).</remarks>
public sealed record CampaignRunEntry(
    string Campaign,
    CampaignRunStatus Status,
    DateTimeOffset? QueuedAt = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    string? Report = null,
    IReadOnlyList<string>? Alerts = null,
    string? Error = null,
    string? ReusedFrom = null)
{
    /// <summary>Seconds from start to finish, when both are known.</summary>
    public double? Seconds => StartedAt is { } s && FinishedAt is { } f ? (f - s).TotalSeconds : null;
}

/// <summary>
/// <c>runs/{runId}.json</c>: what a run asked for and what became of it — per campaign its status, timings, report and
/// alerts. The nightly run writes it with every campaign queued; each measurement updates its own line.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Trigger"><c>nightly</c>, <c>export</c> or <c>manual</c>.</param>
/// <param name="StartedAt">When the run began.</param>
/// <param name="Campaigns">One line per campaign, in request order.</param>
/// <param name="Note">Anything the run wants read first (e.g. a campaign.json that could not be parsed).</param>
public sealed record RunManifest(RunId RunId, string Trigger, DateTimeOffset StartedAt, IReadOnlyList<CampaignRunEntry> Campaigns, string? Note = null)
{
    /// <summary>This manifest with <paramref name="entry"/> replacing the campaign's line (or appended).</summary>
    public RunManifest With(CampaignRunEntry entry)
    {
        var lines = Campaigns.ToList();
        int at = lines.FindIndex(e => e.Campaign == entry.Campaign);
        if (at < 0)
        {
            lines.Add(entry);
        }
        else
        {
            lines[at] = entry with { QueuedAt = entry.QueuedAt ?? lines[at].QueuedAt };
        }
        return this with { Campaigns = lines };
    }

    /// <summary>Indented UTF-8 JSON (<see cref="StoredJson"/>'s timestamp and number rules).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new RunManifestDocument(1, RunId, Trigger, StartedAt, Note, Campaigns.Select(ToDocument).ToArray()), PipelineJsonContext.Default.RunManifestDocument);

    /// <summary>Reads a manifest written by <see cref="ToJson"/> (or by earlier versions, with millisecond timestamps).</summary>
    /// <exception cref="FormatException">The document is not a run manifest; names <paramref name="source"/>.</exception>
    public static RunManifest Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            var document = JsonSerializer.Deserialize(json, PipelineJsonContext.Default.RunManifestDocument)
                ?? throw new FormatException("the document is null");
            return new RunManifest(RunId.Parse(Required(document.RunId, "runId")), Required(document.Trigger, "trigger"), document.StartedAt,
                (document.Campaigns ?? throw new FormatException("campaigns: missing")).Select(FromDocument).ToArray(), document.Note);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or ObjectStoreException)
        {
            throw new FormatException($"{source} is not a run manifest: {e.Message}", e);
        }
    }

    /// <summary>The JSON name of a status.</summary>
    public static string StatusName(CampaignRunStatus status) => status switch
    {
        CampaignRunStatus.Queued => "queued",
        CampaignRunStatus.Measured => "measured",
        CampaignRunStatus.NoData => "no-data",
        CampaignRunStatus.Skipped => "skipped",
        CampaignRunStatus.Designed => "designed",
        _ => "failed",
    };

    private static CampaignRunStatus ParseStatus(string? name) => name switch
    {
        "queued" => CampaignRunStatus.Queued,
        "measured" => CampaignRunStatus.Measured,
        "no-data" => CampaignRunStatus.NoData,
        "skipped" => CampaignRunStatus.Skipped,
        "failed" => CampaignRunStatus.Failed,
        "designed" => CampaignRunStatus.Designed,
        _ => throw new FormatException($"'{name}' is not a run status"),
    };

    private static CampaignRunDocument ToDocument(CampaignRunEntry entry) => new(
        entry.Campaign, StatusName(entry.Status), entry.QueuedAt, entry.StartedAt, entry.FinishedAt,
        entry.Seconds is { } seconds ? Math.Round(seconds, 3) : null, entry.Report, entry.Alerts is { Count: > 0 } alerts ? alerts : null, entry.Error, entry.ReusedFrom);

    private static CampaignRunEntry FromDocument(CampaignRunDocument line) => new(
        Required(line.Campaign, "campaign"), ParseStatus(line.Status), line.QueuedAt, line.StartedAt, line.FinishedAt, line.Report, line.Alerts, line.Error, line.ReusedFrom);

    private static string Required(string? value, string name) => value ?? throw new FormatException($"{name}: missing");
}
