using System.Text;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Evidence;

/// <summary>
/// The evidence across campaigns in the store (docs/decisions.md, "Evidence across campaigns: in the pipeline"): a holdout
/// campaign's fresh measurement replaces <c>evidence/contributions/{campaign}.json</c>, then <c>evidence/evidence.json</c>
/// and <c>evidence/index.html</c> are redrawn from every contribution. Idempotent: the same contributions write the same bytes.
/// </summary>
public static class EvidenceLog
{
    /// <summary>Stores <paramref name="contribution"/> and redraws the pooled page; returns the summary drawn.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<EvidenceSummary> RecordAsync(IObjectStore store, Contribution contribution, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(contribution);
        await store.WriteAsync(StoreLayout.Contribution(CampaignId.Parse(contribution.Campaign)), ContributionJson.ToJson(contribution), null, cancellationToken).ConfigureAwait(false);
        return await RedrawAsync(store, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Redraws <c>evidence/evidence.json</c> and <c>evidence/index.html</c> from the stored contributions.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<EvidenceSummary> RedrawAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var contributions = new List<Contribution>();
        await foreach (var item in store.ListAsync(StoreLayout.ContributionsPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreLayout.IsContribution(item.Name) && await store.ReadAsync(item.Name, cancellationToken).ConfigureAwait(false) is { } content
                && ContributionJson.Parse(content.Content.Span) is { } stored)
            {
                contributions.Add(stored);
            }
        }
        var summary = EvidencePooling.Summarize(contributions);
        await store.WriteAsync(StoreLayout.EvidenceJson, EvidenceJson.ToJson(summary), null, cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(StoreLayout.EvidenceIndex, new UTF8Encoding(false).GetBytes(EvidenceHtml.ToHtml(summary)), null, cancellationToken).ConfigureAwait(false);
        return summary;
    }
}
