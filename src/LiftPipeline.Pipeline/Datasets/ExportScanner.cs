using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// Finds exports no run has handled yet, for hosts without a blob trigger (<c>lift run</c>, <c>lift watch</c>): an export
/// is handled when the latest record for its name — its latest entry in the campaign's dataset manifest, or its
/// quarantine reason file, whichever is later (<see cref="ExportHistory"/>) — has its current ETag. An export replaced
/// in place (new ETag), or reverted to earlier bytes, counts as new again.
/// </summary>
public sealed class ExportScanner(IObjectStore store)
{
    /// <summary>Object names of unhandled exports under <c>exports/</c>, in name order.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<string>> FindNewAsync(CancellationToken cancellationToken = default)
    {
        var fresh = new List<string>();
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
                continue;   // not an export (wrong depth or an unsafe name); the trigger path rejects these too
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
        return fresh;
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
            if (!StoreLayout.IsQuarantineError(item.Name))
            {
                continue;
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
