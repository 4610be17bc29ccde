using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>
/// Canonical JSON for <see cref="Alert"/>, through the stored documents' source-generated context and
/// <see cref="StoredJson"/>'s rules: fixed property order, evidence keys in ordinal order, UTC timestamps with seven
/// fractional digits, doubles in shortest round-trip form (non-finite values as null, which reads back as NaN; the
/// strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> of older alerts still read), two-space indentation and
/// '\n' line ends; a digest's <c>digest</c> object follows <c>reportPath</c> and is absent from every other alert. The same alert always gives the same bytes, which is what webhook signatures and idempotent storage
/// rely on. Thread-safe.
/// </summary>
public static class AlertJson
{
    /// <summary>The payload schema version written in <c>"schema"</c>.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The alert's canonical UTF-8 JSON bytes.</summary>
    public static byte[] Write(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var evidence = new SortedDictionary<string, double>(alert.Evidence.ToDictionary(), StringComparer.Ordinal);
        var document = new AlertDocument(SchemaVersion, alert.Id, alert.Campaign, alert.Guardrail, SeverityName(alert.Severity), alert.Message,
            evidence, alert.RaisedAt, alert.RunId, alert.ReportPath, alert.Digest);
        return JsonSerializer.SerializeToUtf8Bytes(document, PipelineJsonContext.Default.AlertDocument);
    }

    /// <summary>Reads an alert written by <see cref="Write"/> (or by earlier versions).</summary>
    /// <param name="utf8">The JSON bytes.</param>
    /// <param name="source">The object name (or other origin) to name in errors.</param>
    /// <exception cref="AlertFormatException">The JSON is malformed, a required field is missing or has the wrong type, or the schema is newer.</exception>
    public static Alert Read(ReadOnlySpan<byte> utf8, string source = "alert JSON")
    {
        AlertDocument document;
        try
        {
            document = StoredJson.Deserialize(utf8, PipelineJsonContext.Default.AlertDocument);
        }
        catch (StoredJson.FieldException e)
        {
            throw WrongField(e, source);
        }
        catch (JsonException e)
        {
            throw new AlertFormatException(source, $"not valid JSON ({e.Message})", e);
        }
        int schema = Required(document.Schema, "schema", "number", source);
        if (schema > SchemaVersion)
        {
            throw new AlertFormatException(source, $"field 'schema' is {schema}; this version reads up to {SchemaVersion}; upgrade LiftPipeline");
        }
        var evidence = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in Required(document.Evidence, "evidence", "object", source))
        {
            evidence[key] = value;
        }
        return new Alert(
            Required(document.Id, "id", "string", source),
            ParseId<CampaignId>(Required(document.Campaign, "campaign", "string", source), CampaignId.TryParse, "campaign", source),
            Required(document.Guardrail, "guardrail", "string", source),
            ParseSeverity(Required(document.Severity, "severity", "string", source), source),
            Required(document.Message, "message", "string", source),
            evidence,
            Required(document.RaisedAt, "raisedAt", "string", source),
            ParseId<RunId>(Required(document.RunId, "runId", "string", source), RunId.TryParse, "runId", source),
            document.ReportPath) { Digest = document.Digest is { ValueKind: JsonValueKind.Object } digest ? digest.Clone() : null };
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

    /// <summary><paramref name="value"/>, or the error today's readers give for a missing field.</summary>
    internal static T Required<T>(T? value, string field, string kind, string source) where T : class =>
        value ?? throw Missing(field, kind, source);

    /// <summary><paramref name="value"/>, or the error today's readers give for a missing field.</summary>
    internal static T Required<T>(T? value, string field, string kind, string source) where T : struct =>
        value ?? throw Missing(field, kind, source);

    private static AlertFormatException Missing(string field, string kind, string source) =>
        new(source, $"field '{field}' is missing or not a JSON {kind}");

    /// <summary>The error for a field of the wrong type in an alert or delivery record, worded as for a missing one.</summary>
    internal static AlertFormatException WrongField(StoredJson.FieldException e, string source) => e.Field switch
    {
        null => new(source, "expected a JSON object", e),
        var field when field.StartsWith("evidence.", StringComparison.Ordinal) => new(source, $"field '{field}' is not a number", e),
        "schema" or "attempts" or "lastStatusCode" => new(source, $"field '{e.Field}' is missing or not a JSON number", e),
        "evidence" or "subscriber" => new(source, $"field '{e.Field}' is missing or not a JSON object", e),
        "raisedAt" or "claimedUntil" or "deliveredAt" or "updatedAt" => new(source, $"field '{e.Field}' is not a UTC time like 2026-01-31T02:00:00.0000000Z", e),
        var field => new(source, $"field '{field}' is missing or not a JSON string", e),
    };

    private static AlertSeverity ParseSeverity(string text, string source) => text switch
    {
        "warn" => AlertSeverity.Warn,
        "breach" => AlertSeverity.Breach,
        _ => throw new AlertFormatException(source, $"field 'severity' is '{text}'; expected 'warn' or 'breach'"),
    };
}
