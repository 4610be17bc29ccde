using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// Finds exports no run has handled yet, for hosts without a blob trigger (<c>lift run</c>, <c>lift watch</c>): an export
/// is handled when its campaign's dataset manifest lists it at its current ETag, or when its quarantine reason file
/// records that ETag. An export replaced in place (new ETag) counts as new again. Objects under <c>exports/</c> whose
/// names the store layout cannot take (an odd character, a folder that is not a campaign id, a nested folder) are
/// returned as <see cref="UnusableExport"/>s for the caller to report, never skipped silently.
/// </summary>
public sealed class ExportScanner(IObjectStore store)
{
    /// <summary>Object names of unhandled exports under <c>exports/</c>, in name order.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<string>> FindNewAsync(CancellationToken cancellationToken = default) =>
        (await ScanAsync(cancellationToken).ConfigureAwait(false)).New;

    /// <summary>Unhandled exports and unusable names under <c>exports/</c>, each in name order.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<ExportScan> ScanAsync(CancellationToken cancellationToken = default)
    {
        var fresh = new List<string>();
        var unusable = new List<UnusableExport>();
        var handled = new Dictionary<CampaignId, HashSet<(string, string)>>();
        await foreach (var item in store.ListAsync(StoreLayout.ExportsPrefix, cancellationToken).ConfigureAwait(false))
        {
            ExportName export;
            try
            {
                export = ExportName.Parse(item.Name);
            }
            catch (ObjectStoreException)
            {
                unusable.Add(UnusableExport.Of(item));
                continue;
            }
            if (!handled.TryGetValue(export.Campaign, out var seen))
            {
                seen = await HandledAsync(export.Campaign, cancellationToken).ConfigureAwait(false);
                handled[export.Campaign] = seen;
            }
            if (!seen.Contains((item.Name, item.ETag)))
            {
                fresh.Add(item.Name);
            }
        }
        fresh.Sort(StringComparer.Ordinal);
        unusable.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new ExportScan(fresh, unusable);
    }

    private async Task<HashSet<(string Export, string ETag)>> HandledAsync(CampaignId campaign, CancellationToken cancellationToken)
    {
        var seen = new HashSet<(string, string)>();
        var manifest = await new CampaignDataset(store, campaign).ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        foreach (var merged in manifest?.Exports ?? [])
        {
            seen.Add((merged.Export, merged.ETag));
        }
        await foreach (var item in store.ListAsync(StoreLayout.QuarantineOf(campaign), cancellationToken).ConfigureAwait(false))
        {
            if (!StoreLayout.IsQuarantineError(item.Name) || !ObjectName.IsValid(item.Name))
            {
                continue;   // the pipeline writes only valid names here; anything else is not a reason file
            }
            var content = await store.ReadAsync(item.Name, cancellationToken).ConfigureAwait(false);
            if (content is not null && Recorded(content.Content.Span) is { } recorded)
            {
                seen.Add(recorded);
            }
        }
        return seen;
    }

    private static (string, string)? Recorded(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return (root.GetProperty("export").GetString()!, root.GetProperty("etag").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;   // an unreadable reason file does not mark anything handled; the export is retried and quarantined again idempotently
        }
    }
}
