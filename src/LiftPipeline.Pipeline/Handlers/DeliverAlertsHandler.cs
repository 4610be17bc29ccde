using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>One subscriber's result of a delivery request.</summary>
public sealed record SubscriberDelivery(string AlertId, string Subscriber, DeliveryOutcome Outcome);

/// <summary>
/// The DeliverAlerts handler, independent of any host: delivers the outbox entries of one alert (written when the alert
/// was raised, one per subscriber) through <see cref="AlertDelivery"/>, to the subscribers of that name in the campaign's
/// current campaign.json — so each subscriber gets it at most once per acknowledgement however often the request is
/// repeated, and a failed delivery stays due for <see cref="DeliverPendingAsync"/>, which every run calls. Thread-safe.
/// </summary>
public sealed class DeliverAlertsHandler(IObjectStore store, AlertDelivery delivery)
{
    /// <summary>Delivers the alert a <see cref="WorkKind.Deliver"/> item names.</summary>
    /// <returns>One result per delivery worked; empty when nothing of this alert is due.</returns>
    /// <exception cref="ArgumentException">The item is not a delivery request.</exception>
    /// <exception cref="AlertFormatException">The alert is missing or unreadable (the message names it).</exception>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<SubscriberDelivery>> HandleAsync(WorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Kind != WorkKind.Deliver || item.AlertPath is null)
        {
            throw new ArgumentException($"A delivery request names an alert; got a {item.Kind} request for {item.Campaign}.", nameof(item));
        }
        var stored = await store.ReadAsync(item.AlertPath, cancellationToken).ConfigureAwait(false)
            ?? throw new AlertFormatException(item.AlertPath, "the alert to deliver does not exist");
        var alert = AlertJson.Read(stored.Content.Span, item.AlertPath);
        if (alert.Campaign != item.Campaign)
        {
            throw new AlertFormatException(item.AlertPath, $"the alert belongs to campaign {alert.Campaign}, not {item.Campaign}");
        }
        return Results(await delivery.DeliverDueAsync(alert.Id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Retries every pending delivery (see <see cref="AlertDelivery.DeliverPendingAsync"/>).</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<SubscriberDelivery>> DeliverPendingAsync(CancellationToken cancellationToken = default) =>
        Results(await delivery.DeliverPendingAsync(cancellationToken).ConfigureAwait(false));

    private static SubscriberDelivery[] Results(IReadOnlyList<PendingDeliveryResult> results) =>
        results.Select(r => new SubscriberDelivery(r.AlertId, r.Subscriber, r.Outcome)).ToArray();
}
