using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// DeliverAlerts: a queue trigger on <c>alert-deliveries</c>. Runs <see cref="DeliverAlertsHandler"/>, which delivers
/// the stored alert to each subscriber at most once. A subscriber still pending (its webhook failing) does not fail the
/// invocation: the delivery is recorded as pending and NightlyRun retries it. A malformed message, a missing or
/// unreadable alert, an invalid campaign.json or a store failure fails it (retried, then kept in
/// <c>alert-deliveries-poison</c>).
/// </summary>
public sealed class DeliverAlerts(IObjectStore store, IAlertSink sink, TimeProvider clock, ILogger<DeliverAlerts> logger)
{
    /// <summary>Handles one message.</summary>
    [Function(nameof(DeliverAlerts))]
    public async Task RunAsync(
        [QueueTrigger(WorkItem.DeliverQueue, Connection = LiftStorageSettings.ConnectionName)] string message,
        CancellationToken cancellationToken)
    {
        var request = WorkMessages.Read(message, WorkKind.Deliver);
        var deliveries = await new DeliverAlertsHandler(store, new AlertDelivery(store, sink, clock)).HandleAsync(request, cancellationToken).ConfigureAwait(false);
        if (deliveries.Count == 0)
        {
            logger.LogInformation("DeliverAlerts: {AlertPath}: campaign {Campaign} has no subscribers.", request.AlertPath, request.Campaign);
        }
        foreach (var d in deliveries)
        {
            logger.Log(d.Outcome.Status == DeliveryStatus.Delivered ? LogLevel.Information : LogLevel.Warning,
                "DeliverAlerts: alert {AlertId} to {Subscriber}: {Status} after {Attempts} attempts{Error}",
                d.AlertId, d.Subscriber, d.Outcome.Status.ToString().ToLowerInvariant(), d.Outcome.Attempts,
                d.Outcome.Error is null ? "." : $" ({d.Outcome.Error}); the nightly run retries it.");
        }
    }
}
