using System.Text.Json;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>Where one (alert, subscriber) delivery stands.</summary>
public enum DeliveryState
{
    /// <summary>Not delivered; due again at <see cref="DeliveryRecord.NextAttemptAt"/> (or at once when that is null).</summary>
    Pending,

    /// <summary>A deliverer holds the claim until <see cref="DeliveryRecord.ClaimedUntil"/> and is sending it now.</summary>
    Sending,

    /// <summary>The subscriber acknowledged it; it is never sent again.</summary>
    Delivered,

    /// <summary>Every allowed attempt failed (<see cref="AlertDeliveryOptions.MaxAttempts"/>); never sent again, and a <c>delivery</c> alert says so.</summary>
    DeadLettered,

    /// <summary>Not sent and never will be: the subscriber left campaign.json, or the alert's bytes are not what the pipeline wrote.</summary>
    Cancelled,
}

/// <summary>
/// The stored state of one alert's delivery to one subscriber: while due at <c>outbox/{alertId}/{subscriber}.json</c>
/// (<see cref="StoreLayout.OutboxEntry"/>), once settled (delivered, dead-lettered, cancelled) at
/// <c>alerts/deliveries/{alertId}/{subscriber}.json</c> (<see cref="StoreLayout.Delivery"/>). Written only by
/// <see cref="AlertOutbox"/> and <see cref="AlertDelivery"/>, always with a conditional write.
/// </summary>
/// <param name="AlertId">The alert.</param>
/// <param name="AlertPath">Where the alert itself is stored (to reload it for redelivery).</param>
/// <param name="Subscriber">Who receives it (name, URL, secret name; never the secret). Only the name is used: the URL and
/// secret name are looked up in the campaign's current campaign.json at send time; the stored ones are for people.</param>
/// <param name="State">Pending, sending, delivered, dead-lettered or cancelled.</param>
/// <param name="Attempts">Requests made over all calls so far.</param>
/// <param name="LastStatusCode">The last HTTP status received, if any.</param>
/// <param name="LastError">Why the last call did not deliver, if it did not.</param>
/// <param name="ClaimedUntil">While <see cref="DeliveryState.Sending"/>: when the claim lapses and another deliverer may take over.</param>
/// <param name="DeliveredAt">When the subscriber acknowledged it.</param>
/// <param name="UpdatedAt">When this record was last written.</param>
/// <param name="AlertSha256">The SHA-256 (lowercase hex) of the alert's bytes as the pipeline wrote them; only an alert
/// with these bytes is sent. Null in records written before the outbox (those are never sent again).</param>
/// <param name="NextAttemptAt">While pending after a failed attempt: the earliest time of the next one (backoff across runs).</param>
/// <param name="Tries">Delivery attempts so far: one per pass that tried to send it (each may make several requests,
/// <see cref="Attempts"/>), or found its target refused. Dead-lettering and backoff count these.</param>
public sealed record DeliveryRecord(
    string AlertId,
    string AlertPath,
    AlertSubscriber Subscriber,
    DeliveryState State,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? ClaimedUntil,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset UpdatedAt,
    string? AlertSha256 = null,
    DateTimeOffset? NextAttemptAt = null,
    int Tries = 0)
{
    /// <summary>True once the delivery is settled (delivered, dead-lettered or cancelled): it is never sent again.</summary>
    public bool IsSettled => State is DeliveryState.Delivered or DeliveryState.DeadLettered or DeliveryState.Cancelled;

    /// <summary>
    /// The record's UTF-8 JSON (<see cref="StoredJson"/>'s rules; absent values are written as null). The subscriber's URL
    /// is stored redacted (<see cref="SubscriberUrl.Redact(Uri)"/>): it is for people, never used to send.
    /// </summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new DeliveryRecordDocument(1, AlertId, AlertPath, new SubscriberDocument(Subscriber.Name, SubscriberUrl.Redact(Subscriber.Url), Subscriber.SecretName),
            StateName(State), Attempts, LastStatusCode, LastError, ClaimedUntil, DeliveredAt, UpdatedAt, AlertSha256, NextAttemptAt, Tries > 0 ? Tries : null),
        PipelineJsonContext.Default.DeliveryRecordDocument);

    /// <summary>Reads a record written by <see cref="ToJson"/> (or by earlier versions: any ISO 8601 time reads).</summary>
    /// <exception cref="AlertFormatException">The JSON is malformed or a field is missing; the message names <paramref name="source"/> and the field.</exception>
    public static DeliveryRecord Parse(ReadOnlySpan<byte> utf8, string source)
    {
        try
        {
            var document = StoredJson.Deserialize(utf8, PipelineJsonContext.Default.DeliveryRecordDocument);
            var subscriber = AlertJson.Required(document.Subscriber, "subscriber", "object", source);
            var status = AlertJson.Required(document.Status, "status", "string", source);
            return new DeliveryRecord(
                AlertJson.Required(document.AlertId, "alertId", "string", source),
                AlertJson.Required(document.AlertPath, "alertPath", "string", source),
                new AlertSubscriber(
                    AlertJson.Required(subscriber.Name, "name", "string", source),
                    new Uri(AlertJson.Required(subscriber.Url, "url", "string", source), UriKind.Absolute),
                    subscriber.SecretName),
                ParseState(status) ?? throw new AlertFormatException(source, $"field 'status' is '{status}'; expected pending, sending, delivered, dead-lettered or cancelled"),
                AlertJson.Required(document.Attempts, "attempts", "number", source),
                document.LastStatusCode,
                document.LastError,
                document.ClaimedUntil,
                document.DeliveredAt,
                AlertJson.Required(document.UpdatedAt, "updatedAt", "string", source),
                document.AlertSha256,
                document.NextAttemptAt,
                document.Tries ?? 0);
        }
        catch (StoredJson.FieldException e) when (e.Field is null)
        {
            throw new AlertFormatException(source, "not a valid delivery record (expected a JSON object)", e);
        }
        catch (StoredJson.FieldException e)
        {
            throw AlertJson.WrongField(e, source);
        }
        catch (Exception e) when (e is JsonException or UriFormatException or FormatException)
        {
            throw new AlertFormatException(source, $"not a valid delivery record ({e.Message})", e);
        }
    }

    /// <summary>The stored spelling of a state: <c>pending</c>, <c>sending</c>, <c>delivered</c>, <c>dead-lettered</c>, <c>cancelled</c>.</summary>
    public static string StateName(DeliveryState state) => state switch
    {
        DeliveryState.DeadLettered => "dead-lettered",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static DeliveryState? ParseState(string status)
    {
        foreach (var state in Enum.GetValues<DeliveryState>())
        {
            if (string.Equals(StateName(state), status, StringComparison.Ordinal))
            {
                return state;
            }
        }
        return null;
    }
}
