using System.Text;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Evidence;

/// <summary>
/// The evidence across campaigns in the store (docs/decisions.md, "Evidence across campaigns: in the pipeline"): a holdout
/// campaign's fresh measurement replaces <c>evidence/contributions/{campaign}.json</c>, and <c>evidence/evidence.json</c>
/// and <c>evidence/index.html</c> are redrawn from every contribution once the run is over (after that measurement for a
/// data-triggered run; when the last measurement of a nightly or manual run is done for the others). Idempotent: the same contributions write the same bytes.
/// </summary>
public static class EvidenceLog
{
    /// <summary>Stores <paramref name="contribution"/> and redraws the pooled page; returns the summary drawn.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<EvidenceSummary> RecordAsync(IObjectStore store, Contribution contribution, CancellationToken cancellationToken = default)
    {
        await ContributeAsync(store, contribution, cancellationToken).ConfigureAwait(false);
        return await RedrawAsync(store, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores <paramref name="contribution"/> only: a measurement of a nightly or manual run leaves the redraw to the end of
    /// the run (<see cref="RedrawAfterRunAsync"/>), so a run over n holdouts reads the contributions once, not n times.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task ContributeAsync(IObjectStore store, Contribution contribution, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(contribution);
        await store.WriteAsync(StoreLayout.Contribution(CampaignId.Parse(contribution.Campaign)), ContributionJson.ToJson(contribution), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Redraws <c>evidence/evidence.json</c> and <c>evidence/index.html</c> from the stored contributions.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<EvidenceSummary> RedrawAsync(IObjectStore store, CancellationToken cancellationToken = default) =>
        await DrawAsync(store, await ContributionsAsync(store, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Redraws the page once every measurement of a run is done, so two measurements that redrew at the same moment
    /// leave no stale page behind; null (and nothing written) when no holdout has contributed.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<EvidenceSummary?> RedrawAfterRunAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        var contributions = await ContributionsAsync(store, cancellationToken).ConfigureAwait(false);
        return contributions.Count == 0 ? null : await DrawAsync(store, contributions, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<Contribution>> ContributionsAsync(IObjectStore store, CancellationToken cancellationToken)
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
        return contributions;
    }

    private static async Task<EvidenceSummary> DrawAsync(IObjectStore store, List<Contribution> contributions, CancellationToken cancellationToken)
    {
        var summary = EvidencePooling.Summarize(contributions);
        await store.WriteAsync(StoreLayout.EvidenceJson, EvidenceJson.ToJson(summary), null, cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(StoreLayout.EvidenceIndex, new UTF8Encoding(false).GetBytes(EvidenceHtml.ToHtml(summary)), null, cancellationToken).ConfigureAwait(false);
        return summary;
    }
}
