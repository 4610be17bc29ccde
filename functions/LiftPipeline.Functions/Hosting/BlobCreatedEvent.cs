using System.Text.Json;

namespace LiftPipeline.Functions.Hosting;

/// <summary>
/// The parts of an Event Grid storage event the ExportArrived function needs: its id, type and blob URL. Reads the
/// Event Grid schema (<c>eventType</c>, <c>data.url</c>) and the CloudEvents schema (<c>type</c>, <c>data.url</c>).
/// </summary>
/// <param name="Id">The event id.</param>
/// <param name="Type">The event type, e.g. <c>Microsoft.Storage.BlobCreated</c>.</param>
/// <param name="Url">The blob's URL as sent (not normalized).</param>
public sealed record BlobCreatedEvent(string Id, string Type, string? Url)
{
    /// <summary>The event type of a blob that was created or replaced.</summary>
    public const string BlobCreated = "Microsoft.Storage.BlobCreated";

    /// <summary>Reads the event from its JSON bytes.</summary>
    /// <exception cref="FormatException">Not an event object.</exception>
    public static BlobCreatedEvent Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("An Event Grid event is a JSON object.");
            }
            string type = Text(root, "eventType") ?? Text(root, "type") ?? throw new FormatException("The event has no eventType (or type).");
            string id = Text(root, "id") ?? "";
            string? url = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? Text(data, "url") : null;
            return new BlobCreatedEvent(id, type, url);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The event is not JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// The blob name inside <paramref name="container"/>, percent-decoded, or null when the URL names another container
    /// or is not a blob URL. Accepts the service form <c>https://{account}.blob.core.windows.net/{container}/{name}</c> and
    /// the emulator's path form <c>http://127.0.0.1:{port}/{account}/{container}/{name}</c>. The path is taken as sent,
    /// without the dot-segment folding <see cref="Uri"/> applies, so <c>exports/../x</c> stays visible to the name checks.
    /// </summary>
    public static string? BlobName(string url, string container)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }
        int authorityEnd = url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3);
        if (authorityEnd < 0)
        {
            return null;
        }
        string path = url[(authorityEnd + 1)..];
        int query = path.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            path = path[..query];
        }
        bool pathStyle = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.IsLoopback;
        var segments = path.Split('/', pathStyle ? 3 : 2);
        int containerIndex = pathStyle ? 1 : 0;
        if (segments.Length <= containerIndex + 1 || Uri.UnescapeDataString(segments[containerIndex]) != container)
        {
            return null;
        }
        return Uri.UnescapeDataString(segments[containerIndex + 1]);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
