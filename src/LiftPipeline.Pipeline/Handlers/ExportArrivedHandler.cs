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
}

/// <summary>The outcome of <see cref="ExportArrivedHandler.HandleAsync"/>.</summary>
/// <param name="Export">The export handled.</param>
/// <param name="Disposition">Accepted, quarantined or not found.</param>
/// <param name="Message">One line for logs and the console.</param>
/// <param name="Panel">The panel read, when a panel export was accepted.</param>
/// <param name="Alert">The data-quality alert, when quarantined.</param>
/// <param name="Dataset">The campaign's dataset after the merge, when accepted.</param>
public sealed record ExportOutcome(ExportName Export, ExportDisposition Disposition, string Message, Panel? Panel = null, Alert? Alert = null, DatasetManifest? Dataset = null)
{
    /// <summary>
    /// The work this outcome asks for, which hosts forward to their queues unchanged: an accepted export → a measurement
    /// of its campaign (the run named by the dataset it produced); a quarantined one → the delivery of its alert;
    /// nothing otherwise.
    /// </summary>
    public IReadOnlyList<WorkItem> FollowUps => Disposition switch
    {
        ExportDisposition.Accepted => [WorkItem.Measure(Export.Campaign, null)],
        ExportDisposition.Quarantined when Alert is { } alert => [WorkItem.Deliver(alert.Campaign, alert.StoragePath, alert.RunId)],
        _ => [],
    };
}

/// <summary>
/// The ExportArrived handler, independent of any host: validates one export against its campaign's column mapping and
/// merges it into the campaign's dataset (<see cref="CampaignDataset"/>, later exports win cell by cell); a rejected export is copied byte for byte to <c>quarantine/{campaign}/{file}</c> with <c>{file}.error.json</c>, and a
/// data-quality alert is stored. The export itself is never modified or deleted. Every write is a conditional create,
/// so processing the same export again (at-least-once triggers) changes nothing and yields the same alert id.
/// </summary>
public sealed class ExportArrivedHandler(IObjectStore store, TimeProvider clock)
{
    /// <summary>The guardrail name of alerts raised for rejected exports.</summary>
    public const string DataQualityGuardrail = "data-quality";

    /// <summary>Handles the export named <paramref name="exportName"/> for run <paramref name="runId"/>.</summary>
    /// <exception cref="ObjectStoreException">The name is unsafe (before any storage call), or the store failed.</exception>
    /// <exception cref="CampaignConfigException">The campaign's campaign.json is invalid (the export is left where it is).</exception>
    public async Task<ExportOutcome> HandleAsync(string exportName, RunId runId, CancellationToken cancellationToken = default)
    {
        var export = ExportName.Parse(exportName);
        var config = (await store.ReadCampaignConfigAsync(export.Campaign, cancellationToken).ConfigureAwait(false)).ConfigOrNull();
        if (config is { Design: CampaignDesign.Holdout })
        {
            return await HandleHoldoutAsync(export, config, runId, cancellationToken).ConfigureAwait(false);
        }
        var content = await store.ReadAsync(export.Path, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return new ExportOutcome(export, ExportDisposition.NotFound, $"{export.Path} does not exist.");
        }
        try
        {
            var options = (config is null ? new PanelExportOptions() : config.ToPanelExportOptions()) with { Increment = true };
            using var stream = AsStream(content.Content);
            var file = await ExportFile.OpenAsync(stream, export.File, cancellationToken: cancellationToken).ConfigureAwait(false);
            var panel = await PanelExportReader.ReadAsync(file, options, cancellationToken).ConfigureAwait(false);
            var dataset = await new CampaignDataset(store, export.Campaign).MergeAsync(export, content.ETag, panel, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return new ExportOutcome(export, ExportDisposition.Accepted, $"{export.Path}: {panel.Units.Count} units × {panel.Periods.Count} periods merged into {dataset.Dataset}.", panel, Dataset: dataset);
        }
        catch (ExportValidationException invalid)
        {
            var alert = await QuarantineAsync(export, content.ETag, content.Content.Length, invalid, runId,
                ct => store.TryCreateAsync(export.QuarantinePath, content.Content, ct), cancellationToken).ConfigureAwait(false);
            return new ExportOutcome(export, ExportDisposition.Quarantined, invalid.Message, Alert: alert);
        }
    }

    /// <summary>
    /// A holdout export, which may hold hundreds of millions of rows: streamed to a local file (never whole in memory),
    /// validated by one full statistics pass over every row group, then streamed into a content-addressed shard of the
    /// campaign's dataset — or into quarantine.
    /// </summary>
    private async Task<ExportOutcome> HandleHoldoutAsync(ExportName export, CampaignConfig config, RunId runId, CancellationToken cancellationToken)
    {
        string folder = LocalCopy.NewFolder();
        try
        {
            var local = await LocalCopy.DownloadAsync(store, export.Path, folder, cancellationToken).ConfigureAwait(false);
            if (local is null)
            {
                return new ExportOutcome(export, ExportDisposition.NotFound, $"{export.Path} does not exist.");
            }
            try
            {
                var options = new ExperimentExportOptions { Columns = config.ColumnMapping, Outcomes = config.Metrics };
                var statistics = await ExperimentStatisticsBuilder.ComputeAsync(local.Path, options, new ExperimentStatisticsOptions(), cancellationToken).ConfigureAwait(false);
                string shard = StoreLayout.DatasetShard(export.Campaign, local.Sha256[..32]);
                await using (var stream = File.OpenRead(local.Path))
                {
                    await store.TryCreateAsync(shard, stream, cancellationToken).ConfigureAwait(false);
                }
                var dataset = await new HoldoutDataset(store, export.Campaign).RecordAsync(export, local.ETag, shard, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                return new ExportOutcome(export, ExportDisposition.Accepted,
                    $"{export.Path}: {statistics.N:N0} customers in arms {string.Join(", ", statistics.Arms)} recorded as a shard of {dataset.Dataset}.", Dataset: dataset);
            }
            catch (ExportValidationException invalid)
            {
                var alert = await QuarantineAsync(export, local.ETag, local.Length, invalid, runId, async ct =>
                {
                    await using var stream = File.OpenRead(local.Path);
                    return await store.TryCreateAsync(export.QuarantinePath, stream, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                return new ExportOutcome(export, ExportDisposition.Quarantined, invalid.Message, Alert: alert);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A read-only stream over the bytes already in memory, without copying them when they sit in an array.</summary>
    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    /// <summary>
    /// Copies the export to quarantine, raises its data-quality alert with a pending delivery per current subscriber
    /// (<see cref="AlertOutbox"/>), and only then writes <c>{file}.error.json</c>, which marks the export handled: a
    /// crash before it leaves the export to be handled again, a crash after it leaves the alert in the outbox.
    /// </summary>
    private async Task<Alert> QuarantineAsync(ExportName export, string etag, long length, ExportValidationException invalid, RunId runId,
        Func<CancellationToken, Task<bool>> copy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await copy(cancellationToken).ConfigureAwait(false);
        var alert = new Alert(
            Alert.CreateId(export.Campaign, DataQualityGuardrail, $"{export.Path}@{etag}"),
            export.Campaign,
            DataQualityGuardrail,
            AlertSeverity.Breach,
            $"Export rejected and quarantined: {invalid.Message}",
            new Dictionary<string, double> { ["problems"] = invalid.Errors.Count, ["bytes"] = length },
            now,
            runId,
            export.ErrorPath);
        await AlertOutbox.RaiseAsync(store, alert, await SubscribersAsync(export.Campaign, cancellationToken).ConfigureAwait(false), now, cancellationToken).ConfigureAwait(false);
        await store.TryCreateAsync(export.ErrorPath, ErrorJson(export, etag, invalid, now), cancellationToken).ConfigureAwait(false);
        return alert;
    }

    /// <summary>The campaign's current subscribers; none when its campaign.json is missing or invalid (the alert is stored all the same).</summary>
    private async Task<IReadOnlyList<AlertSubscriber>> SubscribersAsync(CampaignId campaign, CancellationToken cancellationToken)
    {
        try
        {
            return AlertOutbox.SubscribersOf((await store.ReadCampaignConfigAsync(campaign, cancellationToken).ConfigureAwait(false)).ConfigOrNull());
        }
        catch (CampaignConfigException)
        {
            return [];
        }
    }

    /// <summary>The reason file: the export, its ETag, when, and every problem with its code, column and rows (<see cref="StoredJson"/>'s rules).</summary>
    internal static byte[] ErrorJson(ExportName export, string etag, ExportValidationException invalid, DateTimeOffset at) => JsonSerializer.SerializeToUtf8Bytes(
        new QuarantineErrorDocument(export.Path, etag, at, invalid.Message,
            invalid.Errors.Select(error => new QuarantineProblemDocument(error.Code, error.Column, error.Rows, error.Message)).ToArray()),
        PipelineJsonContext.Default.QuarantineErrorDocument);
}
