using System.Security.Cryptography;
using System.Text;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// The stored statistics of holdout shard ranges (<see cref="ShardStatisticsFile"/>), content-addressed by
/// <see cref="NameOf"/>: the same shard copy, range, options, caps and engine version always give the same name, so a
/// result is computed once and written with create-if-absent — duplicated and retried work writes nothing new, and a
/// reader never sees half a file. An unreadable stored file (corrupt, truncated, another format) is deleted and
/// recomputed from the rows, so it cannot fail a measurement forever. Thread-safe.
/// </summary>
internal sealed class ShardStatisticsStore(IObjectStore store, CampaignId campaign, HoldoutReadOptions options)
{
    /// <summary>The options statistics are computed with.</summary>
    public HoldoutReadOptions Options => options;

    /// <summary>The object name of the statistics of <paramref name="range"/> (null: every row group) of <paramref name="copy"/> under <paramref name="caps"/>.</summary>
    public string NameOf(string copy, RowGroupRange? range, IReadOnlyDictionary<string, OutcomeCap>? caps)
    {
        string key = string.Join('\n', "lift-shard-statistics", ShardStatisticsFile.FormatVersion, EngineVersion.Current, copy,
            range?.ToString() ?? "all", options.Fingerprint, HoldoutReadOptions.CapsFingerprint(caps));
        return StoreLayout.ShardStatistics(campaign, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32]);
    }

    /// <summary>The stored statistics named <paramref name="name"/>, or null when absent or unusable (an unusable file is deleted).</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<ExperimentStatistics?> TryReadAsync(string name, CancellationToken cancellationToken)
    {
        var content = await store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return null;
        }
        try
        {
            return ShardStatisticsFile.Read(content.Content.Span, EngineVersion.Current, name);
        }
        catch (InvalidDataException)
        {
            await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// The statistics of <paramref name="range"/> of the shard <paramref name="copy"/> under <paramref name="caps"/>: read when
    /// stored, else computed from the file <paramref name="open"/> opens (called only then) and stored.
    /// </summary>
    /// <exception cref="ExportValidationException">The rows break the export contract.</exception>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<ExperimentStatistics> GetOrComputeAsync(string copy, RowGroupRange? range, IReadOnlyDictionary<string, OutcomeCap>? caps,
        Func<CancellationToken, Task<Func<CancellationToken, Task<ExportFile>>>> open, CancellationToken cancellationToken)
    {
        string name = NameOf(copy, range, caps);
        if (await TryReadAsync(name, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }
        var opener = await open(cancellationToken).ConfigureAwait(false);
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(opener, options.Export, options.Statistics with { Caps = caps, RowGroups = range },
            cancellationToken).ConfigureAwait(false);
        await StoreAsync(name, statistics, cancellationToken).ConfigureAwait(false);
        return statistics;
    }

    /// <summary>Stores <paramref name="statistics"/> under <paramref name="name"/> unless something is stored there already; true when this call wrote it.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public Task<bool> StoreAsync(string name, ExperimentStatistics statistics, CancellationToken cancellationToken) =>
        store.TryCreateAsync(name, ShardStatisticsFile.Write(statistics, EngineVersion.Current), cancellationToken);
}
