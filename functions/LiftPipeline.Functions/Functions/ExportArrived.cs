using Azure;
using Azure.Storage.Blobs;
using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// ExportArrived: a blob trigger on <c>{LiftContainer}/exports/{campaign}/{name}</c> fed by Event Grid
/// (<c>Microsoft.Storage.BlobCreated</c>). Runs <see cref="ExportArrivedHandler"/> on the export and requests the next
/// step — a measurement (<c>measure-requests</c>) for an accepted export, or one statistics request per row-group range
/// (<c>shard-statistics</c>) for a holdout export too large for one work item; a delivery of the data-quality alert
/// (<c>alert-deliveries</c>) for a quarantined one. The blob is bound as a <see cref="BlobClient"/> and never read
/// here: the handler streams it through the store.
/// <para>
/// Unsafe names (path traversal, characters outside the object-name rules, a name the client renders differently from
/// the trigger path) are rejected before any storage call, logged, and complete the invocation with no outputs: a
/// retry would bring the same name again. An invalid campaign.json (fixing it lets the retry succeed) or a store
/// failure fails the invocation, so the host retries it and finally moves it to <c>webjobs-blobtrigger-poison</c>.
/// </para>
/// </summary>
public sealed class ExportArrived(IObjectStore store, TimeProvider clock, FanOutSettings fanOut, ILogger<ExportArrived> logger)
{
    /// <summary>The trigger's blob path: the container from app setting <c>LiftContainer</c>, then <c>exports/{campaign}/{name}</c>.</summary>
    public const string BlobPath = "%" + LiftStorageSettings.ContainerSetting + "%/" + StoreLayout.ExportsPrefix + "{campaign}/{name}";

    /// <summary>Handles one created export.</summary>
    /// <param name="export">The export blob.</param>
    /// <param name="campaign">The <c>{campaign}</c> segment of the trigger path.</param>
    /// <param name="name">The <c>{name}</c> part of the trigger path.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    [Function(nameof(ExportArrived))]
    public async Task<ExportFollowUps> RunAsync(
        [BlobTrigger(BlobPath, Source = BlobTriggerSource.EventGrid, Connection = LiftStorageSettings.ConnectionName)] BlobClient export,
        string campaign,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(export);
        string path;
        try
        {
            path = StoreLayout.Export(CampaignId.Parse(campaign), name);
            if (export.Name != path)
            {
                throw new ObjectStoreException(ObjectStoreException.InvalidName, export.Name, $"the blob client names {export.Name}, the trigger {path}");
            }
        }
        catch (ObjectStoreException e) when (e.Code == ObjectStoreException.InvalidName)
        {
            logger.LogWarning("ExportArrived: rejected unsafe export name {Campaign}/{Name}: {Reason}", campaign, name, e.Message);
            return ExportFollowUps.None;
        }
        string? version = await VersionAsync(export, cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            logger.LogInformation("ExportArrived: {Name} no longer exists; nothing to do.", path);
            return ExportFollowUps.None;
        }
        var outcome = await new ExportArrivedHandler(store, clock) { RowsPerWorkItem = fanOut.RowsPerWorkItem }.HandleAsync(path, RunIds.ForExportEvent(version, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("ExportArrived: {Disposition}: {Message}", outcome.Disposition.ToString().ToLowerInvariant(), outcome.Message);
        return new ExportFollowUps
        {
            Measure = WorkMessages.Write(outcome.FollowUps.Where(item => item.Kind == WorkKind.Measure)),
            Deliver = WorkMessages.Write(outcome.FollowUps.Where(item => item.Kind == WorkKind.Deliver)),
            ShardStatistics = WorkMessages.Write(outcome.FollowUps.Where(item => item.Kind == WorkKind.ShardStatistics)),
        };
    }

    /// <summary>The blob version's ETag, which names the run (a repeated event for the same version names the same run); null when the blob is gone.</summary>
    private static async Task<string?> VersionAsync(BlobClient export, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await export.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
