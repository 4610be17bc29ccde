using LiftPipeline.Ingestion;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>What one shard-range work item did.</summary>
/// <param name="Item">The work item handled.</param>
/// <param name="Computed">True when this call read the rows and stored the statistics; false when they were stored already or there was nothing to do.</param>
/// <param name="Message">One line for logs and the console.</param>
/// <param name="FollowUps">What completing this range asks for: the capped pass of every range, or a measurement; empty otherwise.</param>
/// <param name="Problem">Why the range could not be reduced (its rows break the export contract); null when it was.</param>
public sealed record ShardStatisticsOutcome(WorkItem Item, bool Computed, string Message, IReadOnlyList<WorkItem> FollowUps, string? Problem = null);

/// <summary>
/// The ShardStatistics handler, independent of any host: computes the statistics of one row-group range of a holdout
/// shard from its rows and stores them content-addressed (<see cref="ShardStatisticsStore"/>), so any number of these run
/// in parallel on as many machines. Idempotent: a duplicated or retried item finds its statistics stored and reads no
/// row. A raw item whose range completes its shard asks for a measurement — or, when the campaign caps its metrics and
/// every range of the dataset is stored, for the capped pass of every range (<see cref="WorkItem.Capped"/>: caps from
/// the pooled raw statistics, <see cref="HoldoutAnalysis.CapsFor"/>); a capped item that completes the dataset asks for
/// the measurement. Workers finishing together may all ask; every follow-up is idempotent, and a measurement computes
/// whatever is still missing itself. Rows that break the export contract are reported in the outcome, not thrown — a
/// retry could not fix them; the measurement that reaches that range fails with the same message.
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
        var shards = await CurrentShardsAsync(item.Campaign, cancellationToken).ConfigureAwait(false);
        var options = HoldoutCampaignMeasurement.MeasureOptions(config);
        IReadOnlyDictionary<string, OutcomeCap>? caps = null;
        if (item.Capped)
        {
            if (await StoredMergeAsync(shards, partials, null, cancellationToken).ConfigureAwait(false) is not { } raw
                || HoldoutAnalysis.CapsFor(raw, options) is not { } pooled)
            {
                return new ShardStatisticsOutcome(item, false, $"{item.Campaign}: the raw statistics are incomplete or uncapped; the measurement does the capped pass.",
                    [WorkItem.Measure(item.Campaign, null)]);
            }
            caps = pooled;
        }
        string what = $"{shard} row groups {range}{(caps is null ? "" : " capped")}";
        bool computed = false;
        if (await partials.TryReadAsync(partials.NameOf(shard, range, caps), cancellationToken).ConfigureAwait(false) is null)
        {
            if (await store.GetAsync(shard, cancellationToken).ConfigureAwait(false) is null)
            {
                return new ShardStatisticsOutcome(item, false, $"{shard} no longer exists; nothing to compute.", []);
            }
            using var copies = new LocalShardCopies(store);
            try
            {
                var statistics = await partials.GetOrComputeAsync(shard, range, caps, ct => copies.OpenerAsync(shard, shards.FirstOrDefault(s => s.Copy == shard)?.Export ?? shard, ct), cancellationToken).ConfigureAwait(false);
                computed = true;
                what += $": {statistics.N:N0} customers";
            }
            catch (ExportValidationException e)
            {
                return new ShardStatisticsOutcome(item, false, $"{what}: the rows break the export contract: {e.Message}", [], e.Message);
            }
        }
        var followUps = await FollowUpsAsync(item, shards, partials, options.Settings.CapQuantile is not null, caps, cancellationToken).ConfigureAwait(false);
        return new ShardStatisticsOutcome(item, computed, $"{what} {(computed ? "computed and stored" : "already stored")}" +
            (followUps.Count == 0 ? "." : followUps[0].Kind == WorkKind.Measure ? "; the data is complete: measurement requested." : $"; the raw pass is complete: {followUps.Count} capped ranges requested."),
            followUps);
    }

    /// <summary>
    /// Raw: when this range completes its shard, a measurement — or, with capping and every raw range of the dataset
    /// stored, the capped item of every range. Capped: a measurement once every capped range is stored.
    /// </summary>
    private async Task<IReadOnlyList<WorkItem>> FollowUpsAsync(WorkItem item, IReadOnlyList<HoldoutDataset.Shard> shards, ShardStatisticsStore partials, bool capping,
        IReadOnlyDictionary<string, OutcomeCap>? caps, CancellationToken cancellationToken)
    {
        var mine = shards.FirstOrDefault(s => s.Copy == item.Shard);
        if (mine is null || !await AllStoredAsync([mine], partials, caps, cancellationToken).ConfigureAwait(false))
        {
            return [];
        }
        if (item.Capped || !capping)
        {
            return item.Capped && !await AllStoredAsync(shards, partials, caps, cancellationToken).ConfigureAwait(false) ? [] : [WorkItem.Measure(item.Campaign, null)];
        }
        if (!await AllStoredAsync(shards, partials, null, cancellationToken).ConfigureAwait(false))
        {
            return [];
        }
        return [.. shards.Where(s => s.Ranges is not null).SelectMany(s => s.Ranges!.Select(r => WorkItem.ShardRange(item.Campaign, s.Copy, r, capped: true)))];
    }

    private async Task<IReadOnlyList<HoldoutDataset.Shard>> CurrentShardsAsync(CampaignId campaign, CancellationToken cancellationToken)
    {
        var manifest = await new CampaignDataset(store, campaign).ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        return manifest is null ? [] : await new HoldoutDataset(store, campaign).ReadShardsAsync(manifest, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<RowGroupRange?> RangesOf(HoldoutDataset.Shard shard) => shard.Ranges is { } ranges ? ranges.Select(r => (RowGroupRange?)r) : [null];

    private async Task<bool> AllStoredAsync(IReadOnlyList<HoldoutDataset.Shard> shards, ShardStatisticsStore partials, IReadOnlyDictionary<string, OutcomeCap>? caps,
        CancellationToken cancellationToken)
    {
        foreach (var shard in shards)
        {
            foreach (var range in RangesOf(shard))
            {
                if (await store.GetAsync(partials.NameOf(shard.Copy, range, caps), cancellationToken).ConfigureAwait(false) is null)
                {
                    return false;
                }
            }
        }
        return shards.Count > 0;
    }

    /// <summary>The stored statistics of every range combined, or null when any is missing or unusable.</summary>
    private static async Task<ExperimentStatistics?> StoredMergeAsync(IReadOnlyList<HoldoutDataset.Shard> shards, ShardStatisticsStore partials,
        IReadOnlyDictionary<string, OutcomeCap>? caps, CancellationToken cancellationToken)
    {
        var parts = new List<ExperimentStatistics>();
        foreach (var shard in shards)
        {
            foreach (var range in RangesOf(shard))
            {
                if (await partials.TryReadAsync(partials.NameOf(shard.Copy, range, caps), cancellationToken).ConfigureAwait(false) is not { } part)
                {
                    return null;
                }
                parts.Add(part);
            }
        }
        return parts.Count == 0 ? null : ExperimentStatistics.Combine(parts);
    }
}
