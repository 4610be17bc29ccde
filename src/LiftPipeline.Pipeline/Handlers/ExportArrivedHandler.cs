using System.Text.Json;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>What happened to one export.</summary>
public enum ExportDisposition
{
    /// <summary>Valid: the panel was read and merged into the campaign's dataset; a measurement can follow.</summary>
    Accepted,

    /// <summary>Invalid: copied untouched to quarantine with the reason, and a data-quality alert stored.</summary>
    Quarantined,

    /// <summary>The export object does not exist (a late or duplicate trigger).</summary>
    NotFound,

    /// <summary>Valid, and the dataset already held this version of it (merged by a concurrent run, or an earlier attempt): nothing was merged by this call.</summary>
    AlreadyMerged,
}

/// <summary>The outcome of <see cref="ExportArrivedHandler.HandleAsync"/>.</summary>
/// <param name="Export">The export handled.</param>
/// <param name="Disposition">Accepted, quarantined, not found, or already merged.</param>
/// <param name="Message">One line for logs and the console.</param>
/// <param name="Panel">The panel read, when a panel export was accepted.</param>
/// <param name="Alert">The data-quality alert, when quarantined.</param>
/// <param name="Dataset">The campaign's dataset after the merge, when accepted.</param>
/// <param name="ShardWork">For a holdout export of several row-group ranges: one statistics request per range (empty otherwise).</param>
public sealed record ExportOutcome(ExportName Export, ExportDisposition Disposition, string Message, Panel? Panel = null, Alert? Alert = null, DatasetManifest? Dataset = null,
    IReadOnlyList<WorkItem>? ShardWork = null)
{
    /// <summary>
    /// The work this outcome asks for, which hosts forward to their queues unchanged: an accepted export → a measurement
    /// of its campaign (the run named by the dataset it produced), or, for a holdout shard of several row-group ranges, one
    /// statistics request per range (the worker that completes the shard requests the measurement); a quarantined one →
    /// the delivery of its alert; nothing otherwise.
    /// </summary>
    public IReadOnlyList<WorkItem> FollowUps => Disposition switch
    {
        ExportDisposition.Accepted or ExportDisposition.AlreadyMerged when ShardWork is { Count: > 0 } work => work,
        ExportDisposition.Accepted or ExportDisposition.AlreadyMerged => [WorkItem.Measure(Export.Campaign, null)],
        ExportDisposition.Quarantined when Alert is { } alert => [WorkItem.Deliver(alert.Campaign, alert.StoragePath, alert.RunId)],
        _ => [],
    };
}

/// <summary>
/// The ExportArrived handler, independent of any host: validates one export against its campaign's column mapping and
/// merges it into the campaign's dataset (<see cref="CampaignDataset"/>, later exports win cell by cell); a rejected export is copied byte for byte to <c>quarantine/{campaign}/{file}</c> with <c>{file}.error.json</c>, and a
/// data-quality alert is stored. The export itself is never modified or deleted. A new version of a quarantined export
/// replaces the quarantine copy and reason (they always describe the export's latest rejected bytes). Processing the
/// same version again (at-least-once triggers) changes nothing and yields the same alert id.
/// Every export is streamed to a local temp file and read from there under its options' <see cref="IngestionLimits"/>;
/// whatever the file makes the reader throw quarantines it (code unreadable when no check named the problem), while a
/// store failure or cancellation propagates and leaves the export to be handled again. An export longer than
/// <see cref="IngestionLimits.MaxFileBytes"/> is rejected by its stored length and not copied to quarantine (only its reason).
/// </summary>
public sealed class ExportArrivedHandler(IObjectStore store, TimeProvider clock)
{
    /// <summary>The guardrail name of alerts raised for rejected exports.</summary>
    public const string DataQualityGuardrail = "data-quality";

    /// <summary>
    /// A holdout export of more rows than this is split into row-group ranges (<see cref="ShardRanges"/>), each a
    /// <see cref="WorkKind.ShardStatistics"/> request; a smaller one is reduced here. Default <see cref="ShardRanges.DefaultRowsPerWorkItem"/>.
    /// </summary>
    public long RowsPerWorkItem { get; init; } = ShardRanges.DefaultRowsPerWorkItem;

    /// <summary>Handles the export named <paramref name="exportName"/> for run <paramref name="runId"/>.</summary>
    /// <exception cref="ObjectStoreException">The name is unsafe (before any storage call), or the store failed.</exception>
    /// <exception cref="CampaignConfigException">The campaign's campaign.json is invalid (the export is left where it is).</exception>
    public async Task<ExportOutcome> HandleAsync(string exportName, RunId runId, CancellationToken cancellationToken = default)
    {
        var export = ExportName.Parse(exportName);
        var config = (await store.ReadCampaignConfigAsync(export.Campaign, cancellationToken).ConfigureAwait(false)).ConfigOrNull();
        var subscribers = AlertOutbox.SubscribersOf(config);
        if (config is { Design: CampaignDesign.Holdout })
        {
            // A holdout export may hold hundreds of millions of rows. One of a single row-group range is validated by one
            // statistics pass over the local copy, whose result is stored for the measurement; a larger one has its columns
            // checked here and its ranges reduced (and their rows validated) by one statistics work item each.
            var holdout = HoldoutReadOptions.For(config);
            return await HandleLocalAsync(export, holdout.Export.Limits, subscribers, runId,
                (local, ct) => ReadShardAsync(local, export, holdout, ct),
                (local, read, ct) => RecordShardAsync(export, local, read, holdout, ct), cancellationToken).ConfigureAwait(false);
        }
        var options = (config is null ? new PanelExportOptions() : config.ToPanelExportOptions()) with { Increment = true };
        return await HandleLocalAsync(export, options.Limits, subscribers, runId,
            async (local, ct) =>
            {
                await using var file = await OpenLocalAsync(local, export, options.Limits, ct).ConfigureAwait(false);
                return await PanelExportReader.ReadAsync(file, options, ct).ConfigureAwait(false);
            },
            (local, panel, ct) => MergePanelAsync(export, local, panel, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The path of every export: rejected by its stored length when over <see cref="IngestionLimits.MaxFileBytes"/> (its
    /// reason and alert are stored, not a copy of the gigabytes the limit exists to refuse); otherwise streamed to a local
    /// file (never whole in memory) and <paramref name="read"/> from there — whatever that throws because of the file
    /// quarantines it — and then <paramref name="record"/>ed into the campaign's dataset. The local copy is deleted after.
    /// </summary>
    private async Task<ExportOutcome> HandleLocalAsync<T>(ExportName export, IngestionLimits limits, IReadOnlyList<AlertSubscriber> subscribers, RunId runId,
        Func<LocalCopy, CancellationToken, Task<T>> read, Func<LocalCopy, T, CancellationToken, Task<ExportOutcome>> record, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(export.Path, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return new ExportOutcome(export, ExportDisposition.NotFound, $"{export.Path} does not exist.");
        }
        try
        {
            limits.CheckFileLength(export.File, stored.Length);
        }
        catch (ExportValidationException oversized)
        {
            var alert = await QuarantineAsync(export, stored.ETag, stored.Length, oversized, subscribers, runId, _ => Task.FromResult(false), cancellationToken).ConfigureAwait(false);
            return new ExportOutcome(export, ExportDisposition.Quarantined, oversized.Message, Alert: alert);
        }
        string folder = LocalCopy.NewFolder();
        try
        {
            var local = await LocalCopy.DownloadAsync(store, export.Path, folder, cancellationToken, stored).ConfigureAwait(false);
            if (local is null)
            {
                return new ExportOutcome(export, ExportDisposition.NotFound, $"{export.Path} does not exist.");
            }
            T value;
            try
            {
                value = await read(local, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (AsRejection(e, export, cancellationToken) is { } invalid)
            {
                var alert = await QuarantineAsync(export, local.ETag, local.Length, invalid, subscribers, runId, async ct =>
                {
                    await using var stream = File.OpenRead(local.Path);
                    return await store.TryCreateAsync(export.QuarantinePath, stream, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                return new ExportOutcome(export, ExportDisposition.Quarantined, invalid.Message, Alert: alert);
            }
            return await record(local, value, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Merges a valid panel export into the campaign's dataset (later exports win cell by cell).</summary>
    private async Task<ExportOutcome> MergePanelAsync(ExportName export, LocalCopy local, Panel panel, CancellationToken cancellationToken)
    {
        var quarantined = await QuarantinedVersionAsync(export, cancellationToken).ConfigureAwait(false);
        var (dataset, added) = await new CampaignDataset(store, export.Campaign).MergeAsync(export, local.ETag, panel, clock.GetUtcNow(), quarantined, cancellationToken).ConfigureAwait(false);
        return added
            ? new ExportOutcome(export, ExportDisposition.Accepted, $"{export.Path}: {panel.Units.Count} units × {panel.Periods.Count} periods merged into {dataset.Dataset}.", panel, Dataset: dataset)
            : new ExportOutcome(export, ExportDisposition.AlreadyMerged, $"{export.Path}: this version is already in {dataset.Dataset}; nothing merged.", panel, Dataset: dataset);
    }

    /// <summary>A holdout export's row-group ranges, and — when it is a single range — its statistics, which validate every row.</summary>
    private sealed record ShardRead(IReadOnlyList<RowGroupRange> Ranges, long Rows, ExperimentStatistics? Statistics);

    private async Task<ShardRead> ReadShardAsync(LocalCopy local, ExportName export, HoldoutReadOptions holdout, CancellationToken cancellationToken)
    {
        IReadOnlyList<RowGroupRange> ranges;
        long rows;
        await using (var file = await OpenLocalAsync(local, export, holdout.Export.Limits, cancellationToken).ConfigureAwait(false))
        {
            ranges = ShardRanges.Plan(file.RowGroupRows, RowsPerWorkItem);
            rows = file.Rows;
            if (ranges.Count > 1)
            {
                ExperimentExportReader.Open(file, holdout.Export);   // the columns, against the contract; the rows are each range's worker's
                return new ShardRead(ranges, rows, null);
            }
        }
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(c => OpenLocalAsync(local, export, holdout.Export.Limits, c), holdout.Export, holdout.Statistics,
            cancellationToken).ConfigureAwait(false);
        return new ShardRead(ranges, rows, statistics);
    }

    /// <summary>
    /// Streams a valid holdout export into a content-addressed shard, stores its statistics when they were computed here
    /// (<see cref="ShardStatisticsStore"/>), and records the shard and its ranges in the campaign's shard list.
    /// </summary>
    private async Task<ExportOutcome> RecordShardAsync(ExportName export, LocalCopy local, ShardRead read, HoldoutReadOptions holdout, CancellationToken cancellationToken)
    {
        string shard = StoreLayout.DatasetShard(export.Campaign, local.Sha256[..32]);
        await using (var stream = File.OpenRead(local.Path))
        {
            await store.TryCreateAsync(shard, stream, cancellationToken).ConfigureAwait(false);
        }
        if (read.Statistics is { } statistics)
        {
            var partials = new ShardStatisticsStore(store, export.Campaign, holdout);
            await partials.StoreAsync(partials.NameOf(shard, read.Ranges.Count == 1 ? read.Ranges[0] : null, null), statistics, cancellationToken).ConfigureAwait(false);
        }
        var quarantined = await QuarantinedVersionAsync(export, cancellationToken).ConfigureAwait(false);
        var (dataset, added) = await new HoldoutDataset(store, export.Campaign).RecordAsync(export, local.ETag, shard, clock.GetUtcNow(), quarantined, read.Ranges, cancellationToken)
            .ConfigureAwait(false);
        var work = read.Statistics is null ? read.Ranges.Select(r => WorkItem.ShardRange(export.Campaign, shard, r)).ToArray() : [];
        string summary = read.Statistics is { } s ? $"{s.N:N0} customers in arms {string.Join(", ", s.Arms)}"
            : $"{read.Rows:N0} rows in {read.Ranges.Count} row-group ranges (statistics requested per range)";
        return new ExportOutcome(export, added ? ExportDisposition.Accepted : ExportDisposition.AlreadyMerged, added
            ? $"{export.Path}: {summary} recorded as a shard of {dataset.Dataset}."
            : $"{export.Path}: this version is already a shard of {dataset.Dataset}; nothing recorded.", Dataset: dataset, ShardWork: work);
    }

    /// <summary>The local copy of an export, opened under <paramref name="limits"/> and named by the export's file name in every message.</summary>
    private static Task<ExportFile> OpenLocalAsync(LocalCopy local, ExportName export, IngestionLimits limits, CancellationToken cancellationToken) =>
        ExportFile.OpenAsync(new FileStream(local.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), export.File, limits, leaveOpen: false, cancellationToken);

    /// <summary>
    /// Why reading an export failed, as a reason to quarantine it: its validation errors, or — for anything else the file
    /// made the reader throw (an overflow, an allocation too large, a decoder's own exception) — code unreadable with the
    /// exception's one-line message. Null for cancellation and store failures, which are not the export's fault.
    /// </summary>
    private static ExportValidationException? AsRejection(Exception e, ExportName export, CancellationToken cancellationToken) => e switch
    {
        ExportValidationException invalid => invalid,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        ObjectStoreException or CampaignConfigException => null,
        _ => ExportValidationException.Single(export.File, ExportErrorCodes.Unreadable,
            $"reading it failed with {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}; check the file with lift inspect", inner: e),
    };

    /// <summary>The version of the export its quarantine reason file records, or null.</summary>
    private async Task<ExportVersion?> QuarantinedVersionAsync(ExportName export, CancellationToken cancellationToken) =>
        (await store.ReadAsync(export.ErrorPath, cancellationToken).ConfigureAwait(false)) is { } reason && ExportHistory.ParseReason(reason.Content.Span) is { } recorded
            && recorded.Export == export.Path ? recorded.Version : null;

    /// <summary>
    /// Copies the export to quarantine, raises its data-quality alert with a pending delivery per current subscriber
    /// (<see cref="AlertOutbox"/>), and only then writes <c>{file}.error.json</c>, which marks the export handled: a
    /// crash before it leaves the export to be handled again, a crash after it leaves the alert in the outbox.
    /// </summary>
    private async Task<Alert> QuarantineAsync(ExportName export, string etag, long length, ExportValidationException invalid, IReadOnlyList<AlertSubscriber> subscribers,
        RunId runId, Func<CancellationToken, Task<bool>> copy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        bool recorded = (await ExportHistory.ReadAsync(store, export, cancellationToken).ConfigureAwait(false)).IsLatestQuarantine(etag);
        if (!recorded)
        {
            // The copy always matches the reason file: an older version's copy goes before this one's is written.
            await store.DeleteAsync(export.QuarantinePath, cancellationToken).ConfigureAwait(false);
            await copy(cancellationToken).ConfigureAwait(false);
        }
        var alert = new Alert(
            Alert.CreateId(export.Campaign, DataQualityGuardrail, $"{export.Path}@{etag}", Finding(invalid)),
            export.Campaign,
            DataQualityGuardrail,
            AlertSeverity.Breach,
            $"Export rejected and quarantined: {invalid.Message}",
            new Dictionary<string, double> { ["problems"] = invalid.Errors.Count, ["bytes"] = length },
            now,
            runId,
            export.ErrorPath);
        if (recorded)
        {
            return alert;   // reprocessing: the reason file is written last, so the alert and its outbox entries are already stored
        }
        // Durable with its pending deliveries before the reason file marks the export handled.
        await AlertOutbox.RaiseAsync(store, alert, subscribers, now, cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(export.ErrorPath, ErrorJson(export, etag, invalid, now), null, cancellationToken).ConfigureAwait(false);
        return alert;
    }

    /// <summary>The kind of a rejection for its alert id: its distinct error codes in order, e.g. <c>duplicate-cell+missing-column</c>.</summary>
    internal static string Finding(ExportValidationException invalid) => invalid.Errors.Count == 0
        ? "invalid"
        : string.Join('+', invalid.Errors.Select(e => e.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>The reason file: the export, its ETag, when, and every problem with its code, column and rows (<see cref="StoredJson"/>'s rules).</summary>
    internal static byte[] ErrorJson(ExportName export, string etag, ExportValidationException invalid, DateTimeOffset at) => ErrorJson(export.Path, etag, invalid, at);

    /// <summary>The reason file of the export stored at <paramref name="exportPath"/> (a campaign's or a customer export).</summary>
    internal static byte[] ErrorJson(string exportPath, string etag, ExportValidationException invalid, DateTimeOffset at) => JsonSerializer.SerializeToUtf8Bytes(
        new QuarantineErrorDocument(exportPath, etag, at, invalid.Message,
            invalid.Errors.Select(error => new QuarantineProblemDocument(error.Code, error.Column, error.Rows, error.Message)).ToArray()),
        PipelineJsonContext.Default.QuarantineErrorDocument);
}
