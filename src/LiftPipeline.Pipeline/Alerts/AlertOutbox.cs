using System.Security.Cryptography;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>
/// Raising an alert durably with its pending deliveries (the outbox). A handler calls <see cref="RaiseAsync"/> before it
/// writes what marks its step done (an export's error.json, a report.json, the run manifest's line), so a crash at any
/// point leaves either nothing handled (the step is redone and raises the same alert id again) or the alert and one
/// <c>outbox/{alertId}/{subscriber}.json</c> entry per subscriber, which <see cref="AlertDelivery"/> sends.
/// </summary>
public static class AlertOutbox
{
    /// <summary>
    /// Stores <paramref name="alert"/> at <see cref="Alert.StoragePath"/> (an alert already there with the same finding
    /// stands; one whose content is not this finding is replaced) and creates a pending entry per subscriber holding
    /// the SHA-256 of the stored bytes, unless that delivery is already settled. Returns the alert's path.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<string> RaiseAsync(IObjectStore store, Alert alert, IReadOnlyList<AlertSubscriber> subscribers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(subscribers);
        var path = alert.StoragePath;
        var bytes = AlertJson.Write(alert);
        string sha256 = Sha256(bytes);
        if (!await store.TryCreateAsync(path, bytes, cancellationToken).ConfigureAwait(false))
        {
            var stored = await store.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (stored is not null && SameFinding(stored.Content.Span, alert))
            {
                sha256 = Sha256(stored.Content.Span);
            }
            else
            {
                // Not the finding this id stands for (written by someone else, or damaged): the pipeline's own version replaces it.
                await store.WriteAsync(path, bytes, ifMatch: null, cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var subscriber in subscribers)
        {
            var settled = await store.ReadAsync(StoreLayout.Delivery(alert.Id, subscriber.Name), cancellationToken).ConfigureAwait(false);
            if (settled is not null && IsSettled(settled.Content.Span))
            {
                continue;
            }
            var entry = new DeliveryRecord(alert.Id, path, subscriber, DeliveryState.Pending, 0, null, null, null, null, now, sha256);
            await store.TryCreateAsync(StoreLayout.OutboxEntry(alert.Id, subscriber.Name), entry.ToJson(), cancellationToken).ConfigureAwait(false);
        }
        return path;
    }

    /// <summary>
    /// The current alert subscribers of <paramref name="campaign"/>, read from its campaign.json; none when that is
    /// missing or invalid (an alert is stored all the same, for people, and the invalid campaign is reported elsewhere).
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<IReadOnlyList<AlertSubscriber>> SubscribersAsync(IObjectStore store, CampaignId campaign, CancellationToken cancellationToken)
    {
        var read = await store.ReadCampaignConfigAsync(campaign, cancellationToken).ConfigureAwait(false);
        return read.State == CampaignConfigState.Invalid ? [] : SubscribersOf(read.Config);
    }

    /// <summary>
    /// The alert subscribers of a campaign: those whose delivery is <c>alerts</c> (none without a campaign.json). A
    /// <c>digest</c> subscriber gets the portfolio digest instead (<see cref="DigestSubscribersOf"/>).
    /// </summary>
    public static IReadOnlyList<AlertSubscriber> SubscribersOf(CampaignConfig? config) => Of(config, DeliveryMode.Alerts);

    /// <summary>The subscribers of a campaign whose delivery is <c>digest</c> (none without a campaign.json).</summary>
    public static IReadOnlyList<AlertSubscriber> DigestSubscribersOf(CampaignConfig? config) => Of(config, DeliveryMode.Digest);

    /// <summary>The subscriber named <paramref name="name"/> in <paramref name="config"/> that receives <paramref name="alert"/>'s kind (a digest or a finding); null when none does.</summary>
    public static AlertSubscriber? Receiver(CampaignConfig? config, Alert alert, string name)
    {
        ArgumentNullException.ThrowIfNull(alert);
        foreach (var s in Of(config, alert.IsDigest ? DeliveryMode.Digest : DeliveryMode.Alerts))
        {
            if (string.Equals(s.Name, name, StringComparison.Ordinal))
            {
                return s;
            }
        }
        return null;
    }

    private static AlertSubscriber[] Of(CampaignConfig? config, DeliveryMode delivery)
    {
        var subscribers = new List<AlertSubscriber>();
        foreach (var s in config?.Subscribers ?? [])
        {
            if (s.Delivery == delivery)
            {
                subscribers.Add(new AlertSubscriber(s.Name, s.Url, s.SecretName));
            }
        }
        return [.. subscribers];
    }

    /// <summary>SHA-256 of <paramref name="bytes"/> as lowercase hex.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static bool SameFinding(ReadOnlySpan<byte> stored, Alert alert)
    {
        try
        {
            var other = AlertJson.Read(stored, alert.StoragePath);
            return other.Id == alert.Id && other.Campaign == alert.Campaign && other.Guardrail == alert.Guardrail
                && other.Severity == alert.Severity && other.Message == alert.Message && other.ReportPath == alert.ReportPath;
        }
        catch (AlertFormatException)
        {
            return false;
        }
    }

    private static bool IsSettled(ReadOnlySpan<byte> record)
    {
        try
        {
            return DeliveryRecord.Parse(record, "").IsSettled;
        }
        catch (AlertFormatException)
        {
            return false;
        }
    }
}
