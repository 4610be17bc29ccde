using System.Security.Cryptography;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// A holdout campaign's dataset: the validated experiment exports it is measured from. Each export is a shard of the
/// experiment (disjoint customers, e.g. one per market or day of enrolment); a shard is streamed once to the
/// content-addressed <c>datasets/{campaign}/shard-{hash}.parquet</c> (by ExportArrived, after validation), so later edits of the export cannot change what was
/// validated, and a re-export under the same name replaces its earlier version. <c>datasets/{campaign}/manifest.json</c>
/// (the same format as a panel dataset's) names <c>datasets/{campaign}/holdout-{hash}.json</c>, the list of current
/// shards, and is swapped with If-Match, so concurrent exports lose nothing and reprocessing is a no-op.
/// </summary>
public sealed class HoldoutDataset(IObjectStore store, CampaignId campaign)
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// One shard: the export it came from, the export's ETag, the copy measured, and the row-group ranges its statistics are
    /// computed and stored in (<see cref="ShardRanges"/>; null in shard lists written before ranges were recorded: the whole file is one range).
    /// </summary>
    public sealed record Shard(string Export, string ETag, string Copy, IReadOnlyList<RowGroupRange>? Ranges = null);

    private string ManifestPath { get; } = StoreLayout.DatasetManifest(campaign);

    /// <summary>
    /// Records the shard <paramref name="copy"/> (already written: the validated content of <paramref name="export"/> read
    /// at <paramref name="etag"/>, split into <paramref name="ranges"/>) in the dataset, unless the dataset's latest entry for the export is at that ETag and no
    /// later quarantine (<paramref name="quarantined"/>) supersedes it.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed, or the manifest kept changing.</exception>
    public async Task<DatasetUpdate> RecordAsync(ExportName export, string etag, string copy, DateTimeOffset at, ExportVersion? quarantined = null,
        IReadOnlyList<RowGroupRange>? ranges = null, CancellationToken cancellationToken = default)
    {
        ObjectName.Validate(copy);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.ReadAsync(ManifestPath, cancellationToken).ConfigureAwait(false);
            var manifest = current is null ? null : CampaignDataset.ParseManifest(current.Content.Span);
            if (manifest is not null && new ExportHistory(ExportHistory.LatestMerge(manifest, export.Path), quarantined).IsLatestMerge(etag))
            {
                return new DatasetUpdate(manifest, false);
            }
            var shards = manifest is null ? [] : (await ReadShardsAsync(manifest, cancellationToken).ConfigureAwait(false)).ToList();
            shards.RemoveAll(s => s.Export == export.Path);
            shards.Add(new Shard(export.Path, etag, copy, ranges is { Count: > 0 } ? ranges : null));
            shards.Sort((a, b) => string.CompareOrdinal(a.Export, b.Export));
            var list = WriteShards(shards);
            string listName = StoreLayout.HoldoutShardList(campaign, Hash(list));
            await store.TryCreateAsync(listName, list, cancellationToken).ConfigureAwait(false);
            var next = new DatasetManifest(listName, [.. manifest?.Exports ?? [], new MergedExport(export.Path, etag, at)]);
            if (await TrySwapAsync(current, next, cancellationToken).ConfigureAwait(false))
            {
                return new DatasetUpdate(next, true);
            }
        }
        throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, ManifestPath, $"gave up after {MaxAttempts} concurrent updates");
    }

    /// <summary>The shards <paramref name="manifest"/> names.</summary>
    /// <exception cref="ObjectStoreException">The shard list is missing or unreadable.</exception>
    public async Task<IReadOnlyList<Shard>> ReadShardsAsync(DatasetManifest manifest, CancellationToken cancellationToken = default)
    {
        var content = await store.ReadAsync(manifest.Dataset, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectStoreException(ObjectStoreException.Unavailable, manifest.Dataset, "the manifest names a shard list that does not exist");
        try
        {
            var document = JsonSerializer.Deserialize(content.Content.Span, PipelineJsonContext.Default.ShardListDocument)
                ?? throw new JsonException("a shard list is a JSON object");
            return document.Shards.Select(s => new Shard(s.Export, s.Etag, ObjectName.Validate(s.Copy), Ranges(s.RowGroups))).ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ObjectStoreException(ObjectStoreException.Unavailable, manifest.Dataset, $"the shard list is unreadable: {e.Message}");
        }
    }

    private Task<bool> TrySwapAsync(ObjectContent? current, DatasetManifest next, CancellationToken cancellationToken) =>
        CampaignDataset.TrySwapAsync(store, ManifestPath, current, next, cancellationToken);

    private static byte[] WriteShards(IReadOnlyList<Shard> shards) => JsonSerializer.SerializeToUtf8Bytes(
        new ShardListDocument(shards.Select(s => new ShardDocument(s.Export, s.ETag, s.Copy, Bounds(s.Ranges))).ToArray()), PipelineJsonContext.Default.ShardListDocument);

    private static int[]? Bounds(IReadOnlyList<RowGroupRange>? ranges) => ranges is null ? null : [ranges[0].Start, .. ranges.Select(r => r.End)];

    private static RowGroupRange[]? Ranges(IReadOnlyList<int>? bounds)
    {
        if (bounds is null)
        {
            return null;
        }
        if (bounds.Count < 2 || bounds[0] != 0)
        {
            throw new FormatException("a shard's rowGroups are the bounds 0, b1, …, n of its ranges");
        }
        var ranges = new RowGroupRange[bounds.Count - 1];
        for (int i = 0; i < ranges.Length; i++)
        {
            ranges[i] = bounds[i + 1] > bounds[i] ? new RowGroupRange(bounds[i], bounds[i + 1])
                : throw new FormatException($"a shard's rowGroups must increase; {bounds[i + 1]} follows {bounds[i]}");
        }
        return ranges;
    }

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];
}
