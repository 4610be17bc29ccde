using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// DeliverAlerts (queue trigger <c>request</c> on <c>alert-deliveries</c>): runs <see cref="DeliverAlertsHandler"/>,
/// which delivers the stored alert to each subscriber at most once. A subscriber still pending (its webhook failing)
/// answers 200: the delivery is recorded as pending and the nightly run retries it, so the message is not retried
/// here. A malformed message, a missing or unreadable alert, an invalid campaign.json or a store failure answers 500
/// (retried, then kept in <c>alert-deliveries-poison</c>).
/// </summary>
public sealed class DeliverAlertsFunction(IObjectStore store, IAlertSink sink, TimeProvider clock, ILogger<DeliverAlertsFunction> logger)
{
    /// <summary>The trigger binding's name in function.json.</summary>
    public const string TriggerBinding = "request";

    /// <summary>Handles one invocation payload.</summary>
    public async Task<IResult> InvokeAsync(Stream body, CancellationToken cancellationToken)
    {
        var result = new InvocationResult(logger);
        var message = await QueueMessage.ReadAsync(body, TriggerBinding, WorkKind.Deliver, result, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return result.ToResult(StatusCodes.Status500InternalServerError);
        }
        try
        {
            var deliveries = await new DeliverAlertsHandler(store, new AlertDelivery(store, sink, clock)).HandleAsync(message, cancellationToken).ConfigureAwait(false);
            if (deliveries.Count == 0)
            {
                result.Log($"DeliverAlerts: {message.AlertPath}: campaign {message.Campaign} has no subscribers.");
            }
            foreach (var d in deliveries)
            {
                result.Log(d.Outcome.Status == DeliveryStatus.Delivered ? LogLevel.Information : LogLevel.Warning,
                    $"DeliverAlerts: alert {d.AlertId} to {d.Subscriber}: {d.Outcome.Status.ToString().ToLowerInvariant()} after {d.Outcome.Attempts} attempts" +
                    (d.Outcome.Error is null ? "." : $" ({d.Outcome.Error}); the nightly run retries it."));
            }
        }
        catch (Exception e) when (e is AlertFormatException or CampaignConfigException or ObjectStoreException)
        {
            return result.Log(LogLevel.Error, $"DeliverAlerts: {message.AlertPath}: {e.Message}").ToResult(StatusCodes.Status500InternalServerError);
        }
        return result.ToResult();
    }
}
