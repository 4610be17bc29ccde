using System.Text;
using System.Text.Json;

namespace LiftPipeline.Functions.Hosting;

/// <summary>
/// The request payload the Functions host sends a custom handler for a non-HTTP trigger:
/// <c>{"Data": {bindingName: value, …}, "Metadata": {…}}</c>. <c>Data</c> holds one member per trigger and input binding
/// of the function's function.json; <c>Metadata</c> holds the trigger's metadata (for a queue: <c>DequeueCount</c>, …).
/// </summary>
public sealed class InvocationRequest
{
    private readonly JsonDocument _document;

    private InvocationRequest(JsonDocument document, JsonElement data, JsonElement? metadata)
    {
        _document = document;
        Data = data;
        Metadata = metadata;
    }

    /// <summary>The <c>Data</c> object.</summary>
    public JsonElement Data { get; }

    /// <summary>The <c>Metadata</c> object, when the host sent one.</summary>
    public JsonElement? Metadata { get; }

    /// <summary>Reads the payload from the request body.</summary>
    /// <exception cref="FormatException">The body is not JSON with a <c>Data</c> object.</exception>
    public static async Task<InvocationRequest> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The invocation payload is not JSON: {e.Message}", e);
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new FormatException("The invocation payload needs a \"Data\" object holding the trigger's value.");
        }
        JsonElement? metadata = root.TryGetProperty("Metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : null;
        return new InvocationRequest(document, data, metadata);
    }

    /// <summary>The value of binding <paramref name="name"/> in <c>Data</c>.</summary>
    /// <exception cref="FormatException">It is missing.</exception>
    public JsonElement Binding(string name) =>
        Data.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value
            : throw new FormatException($"Data.{name}: missing; the function's trigger binding is named '{name}'.");

    /// <summary>
    /// Binding <paramref name="name"/> as JSON bytes. The host passes a queue message or an event either as a JSON string
    /// holding the JSON text or, when it parsed the text itself, as the object; both give the same bytes to parse.
    /// </summary>
    /// <exception cref="FormatException">It is missing, or neither a string nor an object.</exception>
    public byte[] BindingJson(string name)
    {
        var value = Binding(name);
        return value.ValueKind switch
        {
            JsonValueKind.String => Encoding.UTF8.GetBytes(value.GetString()!),
            JsonValueKind.Object => Encoding.UTF8.GetBytes(value.GetRawText()),
            _ => throw new FormatException($"Data.{name}: a {value.ValueKind}; expected the message as a JSON string or object."),
        };
    }

    /// <summary>A metadata member as text (for logs), or null.</summary>
    public string? MetadataText(string name) =>
        Metadata is { } m && m.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? (value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText())
            : null;

    /// <summary>Releases the parsed payload; <see cref="Data"/> is unusable afterwards.</summary>
    public void Release() => _document.Dispose();
}
