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
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, NewLine = "\n" };

    /// <summary>The record's UTF-8 JSON.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", 1);
            json.WriteString("alertId", AlertId);
            json.WriteString("alertPath", AlertPath);
            json.WriteStartObject("subscriber");
            json.WriteString("name", Subscriber.Name);
            json.WriteString("url", Subscriber.Url.AbsoluteUri);
            WriteNullable(json, "secretName", Subscriber.SecretName);
            json.WriteEndObject();
            json.WriteString("status", State.ToString().ToLowerInvariant());
            json.WriteNumber("attempts", Attempts);
            if (LastStatusCode is int code)
            {
                json.WriteNumber("lastStatusCode", code);
            }
            else
            {
                json.WriteNull("lastStatusCode");
            }
            WriteNullable(json, "lastError", LastError);
            WriteNullable(json, "claimedUntil", ClaimedUntil is { } c ? AlertJson.FormatTime(c) : null);
            WriteNullable(json, "deliveredAt", DeliveredAt is { } d ? AlertJson.FormatTime(d) : null);
            json.WriteString("updatedAt", AlertJson.FormatTime(UpdatedAt));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a record written by <see cref="ToJson"/>.</summary>
    /// <exception cref="AlertFormatException">The JSON is malformed or a field is missing; the message names <paramref name="source"/> and the field.</exception>
    public static DeliveryRecord Parse(ReadOnlySpan<byte> utf8, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var subscriber = AlertJson.Required(root, "subscriber", JsonValueKind.Object, source);
            var status = AlertJson.RequiredString(root, "status", source);
            return new DeliveryRecord(
                AlertJson.RequiredString(root, "alertId", source),
                AlertJson.RequiredString(root, "alertPath", source),
                new AlertSubscriber(
                    AlertJson.RequiredString(subscriber, "name", source),
                    new Uri(AlertJson.RequiredString(subscriber, "url", source), UriKind.Absolute),
                    OptionalString(subscriber, "secretName")),
                Enum.TryParse<DeliveryState>(status, ignoreCase: true, out var state)
                    ? state
                    : throw new AlertFormatException(source, $"field 'status' is '{status}'; expected pending, sending or delivered"),
                AlertJson.Required(root, "attempts", JsonValueKind.Number, source).GetInt32(),
                root.TryGetProperty("lastStatusCode", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null,
                OptionalString(root, "lastError"),
                OptionalString(root, "claimedUntil") is { } claimed ? AlertJson.ParseTime(claimed, "claimedUntil", source) : null,
                OptionalString(root, "deliveredAt") is { } delivered ? AlertJson.ParseTime(delivered, "deliveredAt", source) : null,
                AlertJson.ParseTime(AlertJson.RequiredString(root, "updatedAt", source), "updatedAt", source));
        }
        catch (Exception e) when (e is JsonException or UriFormatException or FormatException or InvalidOperationException)
        {
            throw new AlertFormatException(source, $"not a valid delivery record ({e.Message})", e);
        }
    }

    private static string? OptionalString(JsonElement element, string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteNullable(Utf8JsonWriter json, string field, string? value)
    {
        if (value is null)
        {
            json.WriteNull(field);
        }
        else
        {
            json.WriteString(field, value);
        }
    }
}
