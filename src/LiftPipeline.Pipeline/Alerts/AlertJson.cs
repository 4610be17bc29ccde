using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>
/// Canonical JSON for <see cref="Alert"/>: fixed property order, evidence keys in ordinal order, UTC timestamps with
/// seven fractional digits, doubles in shortest round-trip form (non-finite values as the strings <c>"NaN"</c>,
/// <c>"Infinity"</c>, <c>"-Infinity"</c>), two-space indentation and '\n' line ends. The same alert always gives the
/// same bytes, which is what webhook signatures and idempotent storage rely on. Thread-safe.
/// </summary>
public static class AlertJson
{
    /// <summary>The payload schema version written in <c>"schema"</c>.</summary>
    public const int SchemaVersion = 1;

    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.Default,
    };

    /// <summary>The alert's canonical UTF-8 JSON bytes.</summary>
    public static byte[] Write(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", SchemaVersion);
            json.WriteString("id", alert.Id);
            json.WriteString("campaign", alert.Campaign);
            json.WriteString("guardrail", alert.Guardrail);
            json.WriteString("severity", SeverityName(alert.Severity));
            json.WriteString("message", alert.Message);
            json.WriteStartObject("evidence");
            foreach (var key in alert.Evidence.Keys.Order(StringComparer.Ordinal))
            {
                WriteDouble(json, key, alert.Evidence[key]);
            }
            json.WriteEndObject();
            json.WriteString("raisedAt", FormatTime(alert.RaisedAt));
            json.WriteString("runId", alert.RunId);
            if (alert.ReportPath is null)
            {
                json.WriteNull("reportPath");
            }
            else
            {
                json.WriteString("reportPath", alert.ReportPath);
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads an alert written by <see cref="Write"/>.</summary>
    /// <param name="utf8">The JSON bytes.</param>
    /// <param name="source">The object name (or other origin) to name in errors.</param>
    /// <exception cref="AlertFormatException">The JSON is malformed, a required field is missing or has the wrong type, or the schema is newer.</exception>
    public static Alert Read(ReadOnlySpan<byte> utf8, string source = "alert JSON")
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new AlertFormatException(source, $"not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AlertFormatException(source, "expected a JSON object");
            }
            int schema = Required(root, "schema", JsonValueKind.Number, source).GetInt32();
            if (schema > SchemaVersion)
            {
                throw new AlertFormatException(source, $"field 'schema' is {schema}; this version reads up to {SchemaVersion}; upgrade LiftPipeline");
            }
            var evidence = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in Required(root, "evidence", JsonValueKind.Object, source).EnumerateObject())
            {
                evidence[property.Name] = ReadDouble(property.Value, $"evidence.{property.Name}", source);
            }
            var reportPath = root.TryGetProperty("reportPath", out var rp) && rp.ValueKind == JsonValueKind.String ? rp.GetString() : null;
            return new Alert(
                RequiredString(root, "id", source),
                ParseId<CampaignId>(RequiredString(root, "campaign", source), CampaignId.TryParse, "campaign", source),
                RequiredString(root, "guardrail", source),
                ParseSeverity(RequiredString(root, "severity", source), source),
                RequiredString(root, "message", source),
                evidence,
                ParseTime(RequiredString(root, "raisedAt", source), "raisedAt", source),
                ParseId<RunId>(RequiredString(root, "runId", source), RunId.TryParse, "runId", source),
                reportPath);
        }
    }

    private delegate bool TryParseId<T>(string? text, out T id);

    private static T ParseId<T>(string text, TryParseId<T> tryParse, string field, string source) =>
        tryParse(text, out var id) ? id : throw new AlertFormatException(source, $"field '{field}' is '{text}'; expected 1-64 characters of a-z, 0-9 and '-'");

    /// <summary>"warn" or "breach".</summary>
    public static string SeverityName(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Warn => "warn",
        AlertSeverity.Breach => "breach",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "unknown alert severity"),
    };

    internal static string FormatTime(DateTimeOffset time) => StoredJson.FormatTime(time);

    internal static DateTimeOffset ParseTime(string text, string field, string source) =>
        DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new AlertFormatException(source, $"field '{field}' is '{text}'; expected a UTC time like 2026-01-31T02:00:00.0000000Z");

    internal static JsonElement Required(JsonElement root, string field, JsonValueKind kind, string source) =>
        root.TryGetProperty(field, out var value) && value.ValueKind == kind
            ? value
            : throw new AlertFormatException(source, $"field '{field}' is missing or not a JSON {kind.ToString().ToLowerInvariant()}");

    internal static string RequiredString(JsonElement root, string field, string source) =>
        Required(root, field, JsonValueKind.String, source).GetString()!;

    private static AlertSeverity ParseSeverity(string text, string source) => text switch
    {
        "warn" => AlertSeverity.Warn,
        "breach" => AlertSeverity.Breach,
        _ => throw new AlertFormatException(source, $"field 'severity' is '{text}'; expected 'warn' or 'breach'"),
    };

    private static void WriteDouble(Utf8JsonWriter json, string key, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(key, value);
        }
        else
        {
            json.WriteString(key, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static double ReadDouble(JsonElement value, string field, string source) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when value.GetString() == "NaN" => double.NaN,
        JsonValueKind.String when value.GetString() == "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when value.GetString() == "-Infinity" => double.NegativeInfinity,
        _ => throw new AlertFormatException(source, $"field '{field}' is not a number"),
    };
}
