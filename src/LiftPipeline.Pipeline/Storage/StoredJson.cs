using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// The rules every JSON document the pipeline stores follows: one timestamp format (UTC, seven fractional digits,
/// <c>2026-11-24T02:00:00.0000000Z</c>; any ISO 8601 time still reads, so older documents stay readable) and one rule
/// for numbers JSON cannot hold (NaN and infinities are written as null, and null reads back as NaN). Documents are
/// indented with two spaces and '\n' line ends on every platform, so the same document always gives the same bytes.
/// </summary>
public static class StoredJson
{
    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    /// <summary><paramref name="time"/> in the stored format.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads a stored time: the stored format or any other ISO 8601 time with an offset (UTC assumed without one).</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && text!.Contains('T', StringComparison.Ordinal);

    /// <summary>The timestamp rule as a converter, for the source-generated contexts.</summary>
    public sealed class TimeConverter : JsonConverter<DateTimeOffset>
    {
        /// <inheritdoc />
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && TryParseTime(reader.GetString(), out var time)
                ? time
                : throw new JsonException($"expected an ISO 8601 time like {FormatTime(DateTimeOffset.UnixEpoch)}");

        /// <inheritdoc />
        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(FormatTime(value));
    }

    /// <summary>
    /// Deserializes a stored document, telling malformed JSON apart from a field of the wrong type: malformed JSON (or
    /// none) throws <see cref="JsonException"/> before any field is looked at; a root that is not an object, or a field
    /// that does not convert, throws <see cref="FieldException"/> naming the field.
    /// </summary>
    internal static T Deserialize<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> typeInfo) where T : class
    {
        var scan = new Utf8JsonReader(utf8);
        scan.Read();
        bool isObject = scan.TokenType == JsonTokenType.StartObject;
        while (scan.Read())
        {
            // the whole document is well-formed JSON, or this throws
        }
        if (!isObject)
        {
            throw new FieldException(null, "expected a JSON object", null);
        }
        try
        {
            return JsonSerializer.Deserialize(utf8, typeInfo) ?? throw new FieldException(null, "expected a JSON object", null);
        }
        catch (JsonException e)
        {
            throw new FieldException(FieldName(e.Path), e.Message, e);
        }
    }

    /// <summary>The field a JSON path names (<c>$.subscriber.url</c> → <c>subscriber.url</c>); null for the root.</summary>
    private static string? FieldName(string? path) => path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    /// <summary>A well-formed stored document whose root or one field does not have the expected shape.</summary>
    /// <param name="field">The field (dotted, e.g. <c>evidence.p_value</c>), or null for the root.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The serializer's exception, if any.</param>
    internal sealed class FieldException(string? field, string message, Exception? inner) : Exception(message, inner)
    {
        /// <summary>The field, or null for the root.</summary>
        public string? Field { get; } = field;
    }

    /// <summary>
    /// The number rule as a converter: non-finite values are null, null is NaN. The strings <c>"NaN"</c>,
    /// <c>"Infinity"</c> and <c>"-Infinity"</c>, which older alerts hold, still read.
    /// </summary>
    public sealed class FiniteNumberConverter : JsonConverter<double>
    {
        /// <inheritdoc />
        public override bool HandleNull => true;

        /// <inheritdoc />
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => double.NaN,
            JsonTokenType.String when reader.ValueTextEquals("NaN"u8) => double.NaN,
            JsonTokenType.String when reader.ValueTextEquals("Infinity"u8) => double.PositiveInfinity,
            JsonTokenType.String when reader.ValueTextEquals("-Infinity"u8) => double.NegativeInfinity,
            JsonTokenType.Number => reader.GetDouble(),
            _ => throw new JsonException("expected a number or null"),
        };

        /// <inheritdoc />
        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteFiniteValue(value);
    }
}

/// <summary>A run manifest as stored (<c>runs/{runId}.json</c>).</summary>
internal sealed record RunManifestDocument(int SchemaVersion, string RunId, string Trigger, DateTimeOffset StartedAt, string? Note = null, IReadOnlyList<CampaignRunDocument>? Campaigns = null);

/// <summary>One campaign's line in a stored run manifest.</summary>
internal sealed record CampaignRunDocument(string Campaign, string Status, DateTimeOffset? QueuedAt = null, DateTimeOffset? StartedAt = null, DateTimeOffset? FinishedAt = null,
    double? Seconds = null, string? Report = null, IReadOnlyList<string>? Alerts = null, string? Error = null, string? ReusedFrom = null);

/// <summary>A dataset manifest as stored (<c>datasets/{campaign}/manifest.json</c>).</summary>
internal sealed record DatasetManifestDocument(string Dataset, IReadOnlyList<MergedExportDocument> Exports);

/// <summary>One export merged into a stored dataset manifest.</summary>
internal sealed record MergedExportDocument(string Export, string Etag, DateTimeOffset MergedAt);

/// <summary>A holdout dataset's shard list as stored (<c>datasets/{campaign}/holdout-{hash}.json</c>).</summary>
internal sealed record ShardListDocument(IReadOnlyList<ShardDocument> Shards);

/// <summary>One shard in a stored shard list; <c>rowGroups</c> are the bounds of its work ranges (0, b1, …, row groups), absent in older lists.</summary>
internal sealed record ShardDocument(string Export, string Etag, string Copy, IReadOnlyList<int>? RowGroups = null);

/// <summary>An alert as stored (<c>alerts/{yyyy}/{MM}/{dd}/{alertId}.json</c>) and sent to webhooks; every field nullable so the reader can name a missing one.</summary>
internal sealed record AlertDocument(
    int? Schema = null,
    string? Id = null,
    string? Campaign = null,
    string? Guardrail = null,
    string? Severity = null,
    string? Message = null,
    IReadOnlyDictionary<string, double>? Evidence = null,
    DateTimeOffset? RaisedAt = null,
    string? RunId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ReportPath = null,
    JsonElement? Digest = null);

/// <summary>One alert's delivery to one subscriber as stored (<c>outbox/{alertId}/{subscriber}.json</c> while due, <c>alerts/deliveries/{alertId}/{subscriber}.json</c> once settled).</summary>
internal sealed record DeliveryRecordDocument(
    int? Schema = null,
    string? AlertId = null,
    string? AlertPath = null,
    SubscriberDocument? Subscriber = null,
    string? Status = null,
    int? Attempts = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? LastStatusCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastError = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ClaimedUntil = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? DeliveredAt = null,
    DateTimeOffset? UpdatedAt = null,
    string? AlertSha256 = null,
    DateTimeOffset? NextAttemptAt = null,
    int? Tries = null);

/// <summary>The subscriber in a stored delivery record (never the secret, only its name).</summary>
internal sealed record SubscriberDocument(string? Name = null, string? Url = null, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? SecretName = null);

/// <summary><c>reports/{campaign}/latest.json</c> pointing at a panel (lift) report.</summary>
internal sealed record LatestLiftReportDocument(int SchemaVersion, string Campaign, string RunId, DateTimeOffset GeneratedAt, string Metric, string Recommendation, string Reason,
    string? Estimator, double? Att, double? Lift, double? PValue, string Json, string Html, string Markdown);

/// <summary><c>reports/{campaign}/latest.json</c> pointing at a holdout report.</summary>
internal sealed record LatestHoldoutReportDocument(int SchemaVersion, string Campaign, string RunId, DateTimeOffset GeneratedAt, string Design, string Recommendation, string Reason,
    string? Contrast, string? Metric, double? Relative, double? PValue, string Json, string Html, string Markdown);

/// <summary>What a reader of either latest.json needs to decide whether a report is newer: its run and when it was generated.</summary>
internal sealed record LatestReportHeadDocument(string? RunId = null, DateTimeOffset? GeneratedAt = null);

/// <summary><c>quarantine/{campaign}/{file}.error.json</c>: why an export was rejected.</summary>
internal sealed record QuarantineErrorDocument(string Export, string Etag, DateTimeOffset QuarantinedAt, string Message, IReadOnlyList<QuarantineProblemDocument> Errors);

/// <summary>One problem in a quarantine reason.</summary>
internal sealed record QuarantineProblemDocument(string Code, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Column, IReadOnlyList<long> Rows, string Message);

/// <summary>A work-queue message (compact: <see cref="PipelineJsonContext.Compact"/>); every field nullable so the parser can name a missing one.</summary>
internal sealed record WorkItemDocument(string? Kind = null, string? Campaign = null, string? RunId = null, string? AlertPath = null, string? Shard = null, int? Start = null, int? End = null, bool? Capped = null);

/// <summary>Source-generated (de)serialization of the stored documents, with <see cref="StoredJson"/>'s rules.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    NewLine = "\n",
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    Converters = [typeof(StoredJson.TimeConverter), typeof(StoredJson.FiniteNumberConverter)])]
[JsonSerializable(typeof(RunManifestDocument))]
[JsonSerializable(typeof(DatasetManifestDocument))]
[JsonSerializable(typeof(ShardListDocument))]
[JsonSerializable(typeof(AlertDocument))]
[JsonSerializable(typeof(DeliveryRecordDocument))]
[JsonSerializable(typeof(LatestLiftReportDocument))]
[JsonSerializable(typeof(LatestHoldoutReportDocument))]
[JsonSerializable(typeof(LatestReportHeadDocument))]
[JsonSerializable(typeof(QuarantineErrorDocument))]
[JsonSerializable(typeof(WorkItemDocument))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext
{
    /// <summary>The same documents and rules without indentation, for queue messages.</summary>
    public static PipelineJsonContext Compact => LazyInitializer.EnsureInitialized(ref s_compact, static () => new(new JsonSerializerOptions(Default.Options) { WriteIndented = false }));

    private static PipelineJsonContext? s_compact;
}
