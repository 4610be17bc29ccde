using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>Where one (alert, subscriber) delivery stands.</summary>
public enum DeliveryState
{
    /// <summary>Not delivered; the next <see cref="AlertDelivery.DeliverPendingAsync"/> retries it.</summary>
    Pending,

    /// <summary>A deliverer holds the claim until <see cref="DeliveryRecord.ClaimedUntil"/> and is sending it now.</summary>
    Sending,

    /// <summary>The subscriber acknowledged it; it is never sent again.</summary>
    Delivered,
}

/// <summary>
/// The stored state of one alert's delivery to one subscriber, at <c>alerts/deliveries/{alertId}/{subscriber}.json</c>
/// (see <see cref="StoreLayout.Delivery"/>). Written only by <see cref="AlertDelivery"/>, always with a conditional write.
/// </summary>
/// <param name="AlertId">The alert.</param>
/// <param name="AlertPath">Where the alert itself is stored (to reload it for redelivery).</param>
/// <param name="Subscriber">Who receives it (name, URL, secret name; never the secret).</param>
/// <param name="State">Pending, sending or delivered.</param>
/// <param name="Attempts">Requests made over all calls so far.</param>
/// <param name="LastStatusCode">The last HTTP status received, if any.</param>
/// <param name="LastError">Why the last call did not deliver, if it did not.</param>
/// <param name="ClaimedUntil">While <see cref="DeliveryState.Sending"/>: when the claim lapses and another deliverer may take over.</param>
/// <param name="DeliveredAt">When the subscriber acknowledged it.</param>
/// <param name="UpdatedAt">When this record was last written.</param>
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
    DateTimeOffset UpdatedAt)
{
    /// <summary>The record's UTF-8 JSON (<see cref="StoredJson"/>'s rules; absent values are written as null).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new DeliveryRecordDocument(1, AlertId, AlertPath, new SubscriberDocument(Subscriber.Name, Subscriber.Url.AbsoluteUri, Subscriber.SecretName),
            State.ToString().ToLowerInvariant(), Attempts, LastStatusCode, LastError, ClaimedUntil, DeliveredAt, UpdatedAt),
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
                Enum.TryParse<DeliveryState>(status, ignoreCase: true, out var state)
                    ? state
                    : throw new AlertFormatException(source, $"field 'status' is '{status}'; expected pending, sending or delivered"),
                AlertJson.Required(document.Attempts, "attempts", "number", source),
                document.LastStatusCode,
                document.LastError,
                document.ClaimedUntil,
                document.DeliveredAt,
                AlertJson.Required(document.UpdatedAt, "updatedAt", "string", source));
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
}
