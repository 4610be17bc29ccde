using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Portfolio;

/// <summary>One live campaign in a portfolio digest (docs/decisions.md, "Portfolio digest").</summary>
/// <param name="Campaign">Campaign id (the folder name when it is not a valid id).</param>
/// <param name="Name">The campaign's name (its id when campaign.json cannot be read).</param>
/// <param name="Status">Its line in the run: <c>measured</c>, <c>no-data</c>, <c>failed</c>, <c>designed</c>, <c>skipped</c> or <c>queued</c>.</param>
/// <param name="Planning">True for a planning campaign (its geo design, no measurement).</param>
/// <param name="DaysRunning">Days from <c>treatment.start</c> to the run's day (negative: not started); null for integer periods or no window.</param>
/// <param name="Decision">The decision so far (scale, hold, extend, stop) from the campaign's latest report; null without one.</param>
/// <param name="Design"><c>panel</c> or <c>holdout</c> (how the headline reads); null without a report.</param>
/// <param name="Subject">What the decision read, e.g. <c>vbo_1p vs vbo on revenue (relative)</c>.</param>
/// <param name="Estimate">The headline number: a panel's ATT, a holdout's relative lift; NaN without one.</param>
/// <param name="Lower">The always-valid interval's lower bound the decision read; NaN without one.</param>
/// <param name="Upper">Its upper bound.</param>
/// <param name="Report">The latest report's (or a planning campaign's design's) HTML object; null without one.</param>
/// <param name="Guardrails">Each guardrail of that report that warned or breached: <c>{name} {warn|breach}: {message}</c>.</param>
/// <param name="Note">Why the campaign failed or was skipped in this run; null otherwise.</param>
public sealed record PortfolioLine(
    string Campaign, string Name, string Status, bool Planning, int? DaysRunning, string? Decision, string? Design, string? Subject,
    double Estimate, double Lower, double Upper, string? Report, IReadOnlyList<string> Guardrails, string? Note);

/// <summary>A campaign that concluded since the last digest, pointing at its learnings entry.</summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="Name">The campaign's name.</param>
/// <param name="Decision">The concluding decision.</param>
/// <param name="ConcludedBy"><c>final decision</c> or <c>ended</c>.</param>
/// <param name="ConcludedAt">When the concluding report was made.</param>
/// <param name="Learnings">The entry, <c>learnings/{campaign}.md</c>.</param>
/// <param name="Report">The concluding report's HTML object.</param>
public sealed record PortfolioConclusion(string Campaign, string Name, string Decision, string ConcludedBy, DateTimeOffset ConcludedAt, string Learnings, string Report);

/// <summary>
/// <c>portfolio/{runId}.json</c>: one run's summary of every live campaign (active and not concluded) and of the campaigns
/// that concluded since the last digest. Deterministic: every value comes from the run manifest and the store, and
/// <see cref="GeneratedAt"/> is the run's start.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="GeneratedAt">The run's start (its manifest's <c>startedAt</c>); days running count to this day.</param>
/// <param name="Live">Live campaigns, by id.</param>
/// <param name="Concluded">Campaigns concluded since the last digest, by id.</param>
public sealed record PortfolioDigest(string RunId, DateTimeOffset GeneratedAt, IReadOnlyList<PortfolioLine> Live, IReadOnlyList<PortfolioConclusion> Concluded)
{
    /// <summary>The JSON schema version.</summary>
    public const int SchemaVersion = 1;

    /// <summary>This digest restricted to <paramref name="campaigns"/> (what one digest subscriber receives).</summary>
    public PortfolioDigest Only(IReadOnlySet<string> campaigns)
    {
        ArgumentNullException.ThrowIfNull(campaigns);
        return this with { Live = [.. Live.Where(l => campaigns.Contains(l.Campaign))], Concluded = [.. Concluded.Where(c => campaigns.Contains(c.Campaign))] };
    }

    /// <summary>The digest as indented UTF-8 JSON ('\n' line ends; non-finite numbers null).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("kind", "portfolio");
            w.WriteString("runId", RunId);
            w.WriteString("generatedAt", StoredJson.FormatTime(GeneratedAt));
            w.WriteStartArray("live");
            foreach (var l in Live)
            {
                w.WriteStartObject();
                w.WriteString("campaign", l.Campaign);
                w.WriteString("name", l.Name);
                w.WriteString("status", l.Status);
                w.WriteBoolean("planning", l.Planning);
                if (l.DaysRunning is { } days) { w.WriteNumber("daysRunning", days); } else { w.WriteNull("daysRunning"); }
                w.WriteStringOrNull("decision", l.Decision);
                w.WriteStringOrNull("design", l.Design);
                w.WriteStringOrNull("subject", l.Subject);
                w.WriteFinite("estimate", l.Estimate);
                w.WriteString("interval", RecommendationBasis.AlwaysValid);
                w.WriteFinite("lower", l.Lower);
                w.WriteFinite("upper", l.Upper);
                w.WriteStringOrNull("report", l.Report);
                w.WriteStrings("guardrails", l.Guardrails);
                w.WriteStringOrNull("note", l.Note);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("concluded");
            foreach (var c in Concluded)
            {
                w.WriteStartObject();
                w.WriteString("campaign", c.Campaign);
                w.WriteString("name", c.Name);
                w.WriteString("decision", c.Decision);
                w.WriteString("concludedBy", c.ConcludedBy);
                w.WriteString("concludedAt", StoredJson.FormatTime(c.ConcludedAt));
                w.WriteString("learnings", c.Learnings);
                w.WriteString("report", c.Report);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A digest written by <see cref="ToJson"/>; null when the bytes are not one.</summary>
    public static PortfolioDigest? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.GetProperty("kind").GetString() != "portfolio")
            {
                return null;
            }
            var live = root.GetProperty("live").EnumerateArray().Select(l => new PortfolioLine(
                Text(l, "campaign")!, Text(l, "name")!, Text(l, "status")!, l.GetProperty("planning").GetBoolean(),
                l.GetProperty("daysRunning") is { ValueKind: JsonValueKind.Number } d ? d.GetInt32() : null,
                Text(l, "decision"), Text(l, "design"), Text(l, "subject"), Number(l, "estimate"), Number(l, "lower"), Number(l, "upper"), Text(l, "report"),
                [.. l.GetProperty("guardrails").EnumerateArray().Select(g => g.GetString()!)], Text(l, "note"))).ToArray();
            var concluded = root.GetProperty("concluded").EnumerateArray().Select(c => new PortfolioConclusion(
                Text(c, "campaign")!, Text(c, "name")!, Text(c, "decision")!, Text(c, "concludedBy")!, Time(c, "concludedAt"), Text(c, "learnings")!, Text(c, "report")!)).ToArray();
            return new PortfolioDigest(Text(root, "runId")!, Time(root, "generatedAt"), live, concluded);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).GetString();

    private static double Number(JsonElement e, string name) => e.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : double.NaN;

    private static DateTimeOffset Time(JsonElement e, string name) =>
        StoredJson.TryParseTime(e.GetProperty(name).GetString(), out var at) ? at : throw new FormatException(name);
}
