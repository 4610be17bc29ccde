using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// Finds exports no run has handled yet, for hosts without a blob trigger (<c>lift run</c>, <c>lift watch</c>): an export
/// is handled when its campaign's dataset manifest lists it at its current ETag, or when its quarantine reason file
/// records that ETag. An export replaced in place (new ETag) counts as new again.
/// </summary>
public sealed class ExportScanner(IObjectStore store)
{
    /// <summary>Object names of unhandled exports under <c>exports/</c>, in name order.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<string>> FindNewAsync(CancellationToken cancellationToken = default)
    {
        var fresh = new List<string>();
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
                continue;   // not an export (wrong depth or an unsafe name); the trigger path rejects these too
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
        return fresh;
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
            if (!StoreLayout.IsQuarantineError(item.Name))
            {
                continue;
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
