using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// Finds exports no run has handled yet, for hosts without a blob trigger (<c>lift run</c>, <c>lift watch</c>): an export
/// is handled when the latest record for its name — its latest entry in the campaign's dataset manifest, or its
/// quarantine reason file, whichever is later (<see cref="ExportHistory"/>) — has its current ETag. An export replaced
/// in place (new ETag), or reverted to earlier bytes, counts as new again. Objects under <c>exports/</c> whose
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
        var histories = new Dictionary<CampaignId, Dictionary<string, ExportHistory>>();
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
            if (!histories.TryGetValue(export.Campaign, out var campaign))
            {
                campaign = await HistoriesAsync(export.Campaign, cancellationToken).ConfigureAwait(false);
                histories[export.Campaign] = campaign;
            }
            if (!campaign.TryGetValue(item.Name, out var history) || !history.IsHandled(item.ETag))
            {
                fresh.Add(item.Name);
            }
        }
        fresh.Sort(StringComparer.Ordinal);
        unusable.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new ExportScan(fresh, unusable);
    }

    /// <summary>Every export name of <paramref name="campaign"/> the pipeline has a record of, with its latest merge and quarantine.</summary>
    private async Task<Dictionary<string, ExportHistory>> HistoriesAsync(CampaignId campaign, CancellationToken cancellationToken)
    {
        var histories = new Dictionary<string, ExportHistory>(StringComparer.Ordinal);
        var manifest = await new CampaignDataset(store, campaign).ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        foreach (var merged in manifest?.Exports ?? [])
        {
            histories[merged.Export] = new ExportHistory(new ExportVersion(merged.ETag, merged.MergedAt), null);   // later entries overwrite earlier ones
        }
        await foreach (var item in store.ListAsync(StoreLayout.QuarantineOf(campaign), cancellationToken).ConfigureAwait(false))
        {
            if (!StoreLayout.IsQuarantineError(item.Name) || !ObjectName.IsValid(item.Name))
            {
                continue;   // the pipeline writes only valid names here; anything else is not a reason file
            }
            var content = await store.ReadAsync(item.Name, cancellationToken).ConfigureAwait(false);
            if (content is not null && ExportHistory.ParseReason(content.Content.Span) is { } recorded)
            {
                histories[recorded.Export] = (histories.TryGetValue(recorded.Export, out var known) ? known : new ExportHistory(null, null)) with { Quarantined = recorded.Version };
            }
        }
        return histories;
    }
}
