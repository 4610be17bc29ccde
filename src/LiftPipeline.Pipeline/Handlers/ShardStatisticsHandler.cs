using LiftPipeline.Ingestion;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>What one shard-range work item did.</summary>
/// <param name="Item">The work item handled.</param>
/// <param name="Computed">True when this call read the rows and stored the statistics; false when they were stored already or there was nothing to do.</param>
/// <param name="Message">One line for logs and the console.</param>
/// <param name="FollowUps">A measurement of the campaign when this range completed its shard; empty otherwise.</param>
/// <param name="Problem">Why the range could not be reduced (its rows break the export contract); null when it was.</param>
public sealed record ShardStatisticsOutcome(WorkItem Item, bool Computed, string Message, IReadOnlyList<WorkItem> FollowUps, string? Problem = null);

/// <summary>
/// The ShardStatistics handler, independent of any host: computes the statistics of one row-group range of a holdout
/// shard from its rows and stores them content-addressed (<see cref="ShardStatisticsStore"/>), so any number of these run
/// in parallel on as many machines. Idempotent: a duplicated or retried item finds its statistics stored and reads no
/// row. When every range of the shard is stored it asks for a measurement of the campaign (two workers finishing together
/// both ask; measurements are idempotent). Rows that break the export contract are reported in the outcome, not thrown —
/// a retry could not fix them; the measurement that reaches that range fails with the same message.
/// </summary>
public sealed class ShardStatisticsHandler(IObjectStore store)
{
    /// <summary>Handles <paramref name="item"/>, a <see cref="WorkKind.ShardStatistics"/> request.</summary>
    /// <exception cref="ArgumentException">The item is of another kind.</exception>
    /// <exception cref="CampaignConfigException">The campaign's campaign.json is invalid.</exception>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<ShardStatisticsOutcome> HandleAsync(WorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item is not { Kind: WorkKind.ShardStatistics, Shard: { } shard, RowGroups: { } range })
        {
            throw new ArgumentException($"a {item.Kind} request is not a shard statistics request", nameof(item));
        }
        var config = (await store.ReadCampaignConfigAsync(item.Campaign, cancellationToken).ConfigureAwait(false)).ConfigOrNull();
        if (config is not { Design: CampaignDesign.Holdout })
        {
            return new ShardStatisticsOutcome(item, false, $"{item.Campaign} is not a holdout campaign (any more); nothing to compute.", []);
        }
        var partials = new ShardStatisticsStore(store, item.Campaign, HoldoutReadOptions.For(config));
        bool computed = false;
        string what = $"{shard} row groups {range}";
        if (await partials.TryReadAsync(partials.NameOf(shard, range, null), cancellationToken).ConfigureAwait(false) is null)
        {
            if (await store.GetAsync(shard, cancellationToken).ConfigureAwait(false) is null)
            {
                return new ShardStatisticsOutcome(item, false, $"{shard} no longer exists; nothing to compute.", []);
            }
            using var copies = new LocalShardCopies(store);
            try
            {
                var statistics = await partials.GetOrComputeAsync(shard, range, null, ct => copies.OpenerAsync(shard, ct), cancellationToken).ConfigureAwait(false);
                computed = true;
                what += $": {statistics.N:N0} customers";
            }
            catch (ExportValidationException e)
            {
                return new ShardStatisticsOutcome(item, false, $"{what}: the rows break the export contract: {e.Message}", [], e.Message);
            }
        }
        bool complete = await ShardCompleteAsync(item.Campaign, shard, partials, cancellationToken).ConfigureAwait(false);
        return new ShardStatisticsOutcome(item, computed, $"{what} {(computed ? "computed and stored" : "already stored")}{(complete ? "; the shard is complete" : "")}.",
            complete ? [WorkItem.Measure(item.Campaign, null)] : []);
    }

    /// <summary>True when the campaign's current dataset names <paramref name="shard"/> and every one of its ranges is stored.</summary>
    private async Task<bool> ShardCompleteAsync(CampaignId campaign, string shard, ShardStatisticsStore partials, CancellationToken cancellationToken)
    {
        var manifest = await new CampaignDataset(store, campaign).ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            return false;
        }
        var entry = (await new HoldoutDataset(store, campaign).ReadShardsAsync(manifest, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Copy == shard);
        if (entry?.Ranges is not { } ranges)
        {
            return false;
        }
        foreach (var range in ranges)
        {
            if (await store.GetAsync(partials.NameOf(shard, range, null), cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }
        return true;
    }
}
