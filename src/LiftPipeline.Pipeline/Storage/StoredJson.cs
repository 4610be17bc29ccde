using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// The rules every JSON document the pipeline stores follows: one timestamp format (UTC, seven fractional digits,
/// <c>2026-11-24T02:00:00.0000000Z</c>; any ISO 8601 time still reads, so older documents stay readable) and one rule
/// for numbers JSON cannot hold (NaN and infinities are written as null, and null reads back as NaN).
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

    /// <summary>The number rule as a converter: non-finite values are null, null is NaN.</summary>
    public sealed class FiniteNumberConverter : JsonConverter<double>
    {
        /// <inheritdoc />
        public override bool HandleNull => true;

        /// <inheritdoc />
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        /// <inheritdoc />
        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}

/// <summary>A run manifest as stored (<c>runs/{runId}.json</c>).</summary>
internal sealed record RunManifestDocument(int SchemaVersion, string RunId, string Trigger, DateTimeOffset StartedAt, string? Note = null, IReadOnlyList<CampaignRunDocument>? Campaigns = null);

/// <summary>One campaign's line in a stored run manifest.</summary>
internal sealed record CampaignRunDocument(string Campaign, string Status, DateTimeOffset? QueuedAt = null, DateTimeOffset? StartedAt = null, DateTimeOffset? FinishedAt = null,
    double? Seconds = null, string? Report = null, IReadOnlyList<string>? Alerts = null, string? Error = null);

/// <summary>A dataset manifest as stored (<c>datasets/{campaign}/manifest.json</c>).</summary>
internal sealed record DatasetManifestDocument(string Dataset, IReadOnlyList<MergedExportDocument> Exports);

/// <summary>One export merged into a stored dataset manifest.</summary>
internal sealed record MergedExportDocument(string Export, string Etag, DateTimeOffset MergedAt);

/// <summary>A holdout dataset's shard list as stored (<c>datasets/{campaign}/holdout-{hash}.json</c>).</summary>
internal sealed record ShardListDocument(IReadOnlyList<ShardDocument> Shards);

/// <summary>One shard in a stored shard list.</summary>
internal sealed record ShardDocument(string Export, string Etag, string Copy);

/// <summary>Source-generated (de)serialization of the stored documents, with <see cref="StoredJson"/>'s rules.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    Converters = [typeof(StoredJson.TimeConverter), typeof(StoredJson.FiniteNumberConverter)])]
[JsonSerializable(typeof(RunManifestDocument))]
[JsonSerializable(typeof(DatasetManifestDocument))]
[JsonSerializable(typeof(ShardListDocument))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
