using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>One subscriber's result of a delivery request.</summary>
public sealed record SubscriberDelivery(string AlertId, string Subscriber, DeliveryOutcome Outcome);

/// <summary>
/// The DeliverAlerts handler, independent of any host: reads a stored alert and delivers it to every subscriber in its
/// campaign's campaign.json through <see cref="AlertDelivery"/> — so each subscriber gets it at most once however often
/// the request is repeated, and a failed delivery stays recorded as pending for <see cref="DeliverPendingAsync"/>, which
/// every run calls. Thread-safe.
/// </summary>
public sealed class DeliverAlertsHandler(IObjectStore store, AlertDelivery delivery)
{
    /// <summary>Delivers the alert a <see cref="WorkKind.Deliver"/> item names.</summary>
    /// <returns>One result per subscriber; empty when the campaign has none.</returns>
    /// <exception cref="ArgumentException">The item is not a delivery request.</exception>
    /// <exception cref="AlertFormatException">The alert is missing or unreadable (the message names it).</exception>
    /// <exception cref="CampaignConfigException">The campaign's campaign.json is invalid.</exception>
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
        var subscribers = await SubscribersAsync(alert.Campaign, cancellationToken).ConfigureAwait(false);
        var outcomes = await delivery.DeliverAsync(alert, subscribers, cancellationToken).ConfigureAwait(false);
        return subscribers.Select((s, i) => new SubscriberDelivery(alert.Id, s.Name, outcomes[i])).ToArray();
    }

    /// <summary>Retries every pending delivery (see <see cref="AlertDelivery.DeliverPendingAsync"/>).</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<SubscriberDelivery>> DeliverPendingAsync(CancellationToken cancellationToken = default) =>
        (await delivery.DeliverPendingAsync(cancellationToken).ConfigureAwait(false))
            .Select(r => new SubscriberDelivery(r.AlertId, r.Subscriber, r.Outcome)).ToArray();

    private async Task<IReadOnlyList<AlertSubscriber>> SubscribersAsync(CampaignId campaign, CancellationToken cancellationToken)
    {
        var config = (await store.ReadCampaignConfigAsync(campaign, cancellationToken).ConfigureAwait(false)).ConfigOrNull();
        if (config is null)
        {
            return [];
        }
        return config.Subscribers.Select(s => new AlertSubscriber(s.Name, s.Url, s.SecretName)).ToArray();
    }
}
