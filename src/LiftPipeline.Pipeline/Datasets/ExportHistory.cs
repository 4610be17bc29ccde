using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>A version of an export the pipeline recorded: its ETag and when (merged into the dataset, or quarantined).</summary>
/// <param name="ETag">The export's ETag when it was read.</param>
/// <param name="At">When the dataset manifest or the quarantine reason recorded it.</param>
public sealed record ExportVersion(string ETag, DateTimeOffset At);

/// <summary>
/// What the pipeline last did with one export name: the latest entry for it in the campaign's dataset manifest and the
/// version its quarantine reason file records. The latest of the two (by time) is the export's state: a version is
/// handled only when that latest record has its ETag, so an export reverted to earlier bytes (A → B → A) or to a version
/// quarantined before is handled again. On a tie (a frozen clock) either record at the version counts.
/// </summary>
/// <param name="Merged">The latest manifest entry for the name, or null.</param>
/// <param name="Quarantined">The version <c>{file}.error.json</c> records, or null.</param>
public sealed record ExportHistory(ExportVersion? Merged, ExportVersion? Quarantined)
{
    /// <summary>True when the latest record of the export is at <paramref name="etag"/>.</summary>
    public bool IsHandled(string etag) => IsLatestMerge(etag) || IsLatestQuarantine(etag);

    /// <summary>True when the dataset's latest entry for the export is at <paramref name="etag"/> and no later quarantine supersedes it.</summary>
    public bool IsLatestMerge(string etag) =>
        Merged is { } m && m.ETag == etag && (Quarantined is not { } q || q.At <= m.At);

    /// <summary>True when the quarantine reason records <paramref name="etag"/> and no later merge supersedes it.</summary>
    public bool IsLatestQuarantine(string etag) =>
        Quarantined is { } q && q.ETag == etag && (Merged is not { } m || m.At <= q.At);

    /// <summary>The latest entry for <paramref name="export"/> in <paramref name="manifest"/> (later entries supersede earlier ones).</summary>
    public static ExportVersion? LatestMerge(DatasetManifest? manifest, string export)
    {
        var exports = manifest?.Exports ?? [];
        for (int i = exports.Count - 1; i >= 0; i--)
        {
            if (exports[i].Export == export)
            {
                return new ExportVersion(exports[i].ETag, exports[i].MergedAt);
            }
        }
        return null;
    }

    /// <summary>The history of one export: its dataset's manifest and its quarantine reason file.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<ExportHistory> ReadAsync(IObjectStore store, ExportName export, CancellationToken cancellationToken = default)
    {
        var manifest = await new CampaignDataset(store, export.Campaign).ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        var reason = await store.ReadAsync(export.ErrorPath, cancellationToken).ConfigureAwait(false);
        var quarantined = reason is null ? null : ParseReason(reason.Content.Span);
        return new ExportHistory(LatestMerge(manifest, export.Path), quarantined is { } q && q.Export == export.Path ? q.Version : null);
    }

    /// <summary>The export and version a quarantine reason file records; null when it is unreadable (nothing counts as handled then).</summary>
    internal static (string Export, ExportVersion Version)? ParseReason(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return (root.GetProperty("export").GetString()!, new ExportVersion(root.GetProperty("etag").GetString()!, root.GetProperty("quarantinedAt").GetDateTimeOffset()));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
