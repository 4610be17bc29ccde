using Azure.Storage.Blobs;
using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// CustomerExportArrived: a blob trigger on <c>{LiftContainer}/customers/{name}</c> fed by Event Grid. Runs
/// <see cref="AudienceRefreshHandler"/>, which refreshes every audience from the current customer export (or quarantines
/// a bad one), and requests a measurement of each holdout campaign whose assignment it rewrote and the delivery of each
/// alert it raised. The blob is not read here: the handler lists <c>customers/</c> and streams the current export. An
/// unsafe name completes with no outputs; a store failure fails the invocation, so the host retries it.
/// </summary>
public sealed class CustomerExportArrived(IObjectStore store, TimeProvider clock, ILogger<CustomerExportArrived> logger)
{
    /// <summary>The trigger's blob path: the container from app setting <c>LiftContainer</c>, then <c>customers/{name}</c>.</summary>
    public const string BlobPath = "%" + LiftStorageSettings.ContainerSetting + "%/" + StoreLayout.CustomersPrefix + "{name}";

    /// <summary>Handles one created customer export.</summary>
    /// <param name="export">The export blob.</param>
    /// <param name="name">The <c>{name}</c> part of the trigger path.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    [Function(nameof(CustomerExportArrived))]
    public async Task<CustomerExportFollowUps> RunAsync(
        [BlobTrigger(BlobPath, Source = BlobTriggerSource.EventGrid, Connection = LiftStorageSettings.ConnectionName)] BlobClient export,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(export);
        try
        {
            string path = StoreLayout.CustomerExport(name);
            if (export.Name != path)
            {
                throw new ObjectStoreException(ObjectStoreException.InvalidName, export.Name, $"the blob client names {export.Name}, the trigger {path}");
            }
        }
        catch (ObjectStoreException e) when (e.Code == ObjectStoreException.InvalidName)
        {
            logger.LogWarning("CustomerExportArrived: rejected unsafe customer export name {Name}: {Reason}", name, e.Message);
            return new CustomerExportFollowUps();
        }
        var pass = await new AudienceRefreshHandler(store, clock).RefreshAsync(RunIds.Manual(clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        foreach (var q in pass.Quarantined)
        {
            logger.LogWarning("CustomerExportArrived: quarantined {Export}: {Reason}", q.Export, q.Message);
        }
        var measure = new List<WorkItem>();
        var deliver = new List<WorkItem>();
        foreach (var audience in pass.Audiences)
        {
            logger.LogInformation("CustomerExportArrived: {Message}", audience.Message);
            foreach (var (campaign, _) in audience.Assignments ?? [])
            {
                var id = CampaignId.Parse(campaign);
                if (await store.GetAsync(StoreLayout.CampaignConfig(id), cancellationToken).ConfigureAwait(false) is not null)
                {
                    measure.Add(WorkItem.Measure(id, null));
                }
            }
            deliver.AddRange((audience.Alerts ?? []).Select(a => WorkItem.Deliver(a.Campaign, a.StoragePath, a.RunId)));
        }
        foreach (var problem in pass.Problems)
        {
            logger.LogWarning("CustomerExportArrived: {Problem}", problem);
        }
        return new CustomerExportFollowUps { Measure = WorkMessages.Write(measure), Deliver = WorkMessages.Write(deliver) };
    }
}

/// <summary>CustomerExportArrived's queue outputs; each element of an array is one message (<see cref="WorkItem"/> JSON).</summary>
public sealed class CustomerExportFollowUps
{
    /// <summary>A measurement request per holdout campaign whose assignment was rewritten, on <c>measure-requests</c>.</summary>
    [QueueOutput(WorkItem.MeasureQueue, Connection = LiftStorageSettings.ConnectionName)]
    public string[] Measure { get; init; } = [];

    /// <summary>A delivery request per alert the refresh raised, on <c>alert-deliveries</c>.</summary>
    [QueueOutput(WorkItem.DeliverQueue, Connection = LiftStorageSettings.ConnectionName)]
    public string[] Deliver { get; init; } = [];
}
