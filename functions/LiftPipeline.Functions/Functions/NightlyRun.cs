using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// NightlyRun: a timer trigger on the schedule in app setting <c>NightlySchedule</c>. Runs
/// <see cref="NightlyRunHandler"/> for the current minute (run id <c>nightly-yyyyMMdd-HHmm</c>, so a timer that fires
/// twice in a minute queues nothing new), returns one measurement request per queued campaign, written to
/// <c>measure-requests</c>, then retries pending alert deliveries (<see cref="DeliverAlertsHandler.DeliverPendingAsync"/>).
/// A run that requested no measurement (every campaign reused, skipped or failed) is complete at once: its portfolio
/// digest is published here (<see cref="PortfolioHandler"/>) before the deliveries, which send it; otherwise the
/// MeasureCampaign that records the run's last line publishes it. A store failure while requesting fails the invocation
/// (the next schedule runs again); a failure while publishing the digest or redelivering is logged and the requests still go out.
/// </summary>
public sealed class NightlyRun(IObjectStore store, IAlertSink sink, TimeProvider clock, ILogger<NightlyRun> logger)
{
    /// <summary>The app setting holding the NCRONTAB schedule.</summary>
    public const string ScheduleSetting = "NightlySchedule";

    /// <summary>Handles one tick.</summary>
    /// <returns>The measurement requests (<see cref="WorkItem"/> JSON), one message each on <c>measure-requests</c>.</returns>
    [Function(nameof(NightlyRun))]
    [QueueOutput(WorkItem.MeasureQueue, Connection = LiftStorageSettings.ConnectionName)]
    public async Task<string[]> RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            logger.LogWarning("NightlyRun: the timer is past due; running now.");
        }
        var queue = new InProcessWorkQueue();
        var run = await new NightlyRunHandler(store, queue, clock).RunAsync(clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (run.Start == RunStart.LeaseHeld)
        {
            logger.LogInformation("NightlyRun: {RunId}: another run holds the lease; nothing requested.", run.RunId);
        }
        else
        {
            logger.LogInformation("NightlyRun: {RunId}: requested {Count} measurements ({Campaigns}); manifest {Manifest}.",
                run.RunId, run.Queued.Count, string.Join(", ", run.Queued), StoreLayout.RunManifest(run.RunId));
        }
        var requests = WorkMessages.Write(queue.DrainAll());
        try
        {
            if (run.Start == RunStart.Started && run.Queued.Count == 0
                && await new PortfolioHandler(store).PublishIfCompleteAsync(run.RunId, cancellationToken).ConfigureAwait(false) is { } portfolio)
            {
                logger.LogInformation("NightlyRun: {RunId} requested no measurement; portfolio digest {Digest}.", run.RunId, portfolio.Publication.Html);
            }
            foreach (var delivery in await new DeliverAlertsHandler(store, new AlertDelivery(store, sink, clock)).DeliverPendingAsync(cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("NightlyRun: pending alert {AlertId} to {Subscriber}: {Status}.",
                    delivery.AlertId, delivery.Subscriber, delivery.Outcome.Status.ToString().ToLowerInvariant());
            }
        }
        catch (ObjectStoreException e)
        {
            // The measurement requests must still go out: a failed redelivery stays pending for the next run.
            logger.LogError(e, "NightlyRun: publishing the digest or retrying pending deliveries failed ({Code}) on {Object}; they stay pending.", e.Code, e.ObjectName);
        }
        return requests;
    }
}
