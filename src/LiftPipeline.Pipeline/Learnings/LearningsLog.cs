using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Learnings;

/// <summary>
/// The learnings log (docs/decisions.md, "Learnings log"): the first report of a campaign that concludes is written once as
/// <c>learnings/{campaign}.json</c> and <c>.md</c>, never changed after (a later report of the campaign does not replace
/// it), and <c>learnings/index.html</c> is redrawn listing every entry.
/// </summary>
public static class LearningsLog
{
    /// <summary>Writes <paramref name="entry"/> unless the campaign has one already, then redraws the index; true when written.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<bool> RecordAsync(IObjectStore store, LearningEntry entry, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(entry);
        var campaign = CampaignId.Parse(entry.Campaign);
        if (await store.GetAsync(StoreLayout.LearningJson(campaign), cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;   // immutable: the first concluding report's entry stands
        }
        // The Markdown first: the JSON marks the entry written (a crash between leaves it to be written again).
        await store.WriteAsync(StoreLayout.LearningMarkdown(campaign), Encoding.UTF8.GetBytes(ToMarkdown(entry)), null, cancellationToken).ConfigureAwait(false);
        bool created = await store.TryCreateAsync(StoreLayout.LearningJson(campaign), ToJson(entry), cancellationToken).ConfigureAwait(false);
        var entries = new List<LearningEntry>();
        await foreach (var item in store.ListAsync(StoreLayout.LearningsPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreLayout.IsLearningJson(item.Name) && await store.ReadAsync(item.Name, cancellationToken).ConfigureAwait(false) is { } content
                && Parse(content.Content.Span) is { } stored)
            {
                entries.Add(stored);
            }
        }
        await store.WriteAsync(StoreLayout.LearningsIndex, Encoding.UTF8.GetBytes(ToHtml(entries, now)), null, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>The entry as JSON (schema version 1).</summary>
    public static byte[] ToJson(LearningEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReportJson.Options))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("kind", "learning");
            w.WriteString("campaign", entry.Campaign);
            w.WriteString("name", entry.Name);
            w.WriteString("design", entry.Design);
            w.WriteString("question", entry.Question);
            w.WriteString("concludedBy", entry.ConcludedBy);
            w.WriteString("concludedAt", StoredJson.FormatTime(entry.ConcludedAt));
            w.WriteString("runId", entry.RunId);
            w.WriteString("report", entry.Report);
            w.WriteStrings("audience", entry.Audience);
            w.WriteStartObject("result");
            w.WriteString("subject", entry.Subject);
            w.WriteFinite("estimate", entry.Estimate);
            w.WriteString("interval", RecommendationBasis.AlwaysValid);
            w.WriteFinite("lower", entry.Lower);
            w.WriteFinite("upper", entry.Upper);
            w.WriteEndObject();
            w.WriteString("decision", entry.Decision);
            w.WriteString("reason", entry.Reason);
            w.WriteStrings("guardrails", entry.Guardrails);
            w.WriteStrings("caveats", entry.Caveats);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>An entry written by <see cref="ToJson"/>; null when the bytes are not one.</summary>
    public static LearningEntry? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var result = root.GetProperty("result");
            static string[] Strings(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetString()!)];
            static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN;
            return new LearningEntry(root.GetProperty("campaign").GetString()!, root.GetProperty("name").GetString()!, root.GetProperty("design").GetString()!,
                root.GetProperty("question").GetString()!, root.GetProperty("concludedBy").GetString()!,
                StoredJson.TryParseTime(root.GetProperty("concludedAt").GetString(), out var at) ? at : throw new FormatException("concludedAt"),
                root.GetProperty("runId").GetString()!, root.GetProperty("report").GetString()!, Strings(root.GetProperty("audience")),
                result.GetProperty("subject").GetString(), Number(result.GetProperty("estimate")), Number(result.GetProperty("lower")), Number(result.GetProperty("upper")),
                root.GetProperty("decision").GetString()!, root.GetProperty("reason").GetString()!, Strings(root.GetProperty("guardrails")), Strings(root.GetProperty("caveats")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The entry for people.</summary>
    public static string ToMarkdown(LearningEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# {Markdown(entry.Name)}: what we learned\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"**Question.** {Markdown(entry.Question)}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"**Design.** {entry.Design} test (`{entry.Campaign}`); concluded by {entry.ConcludedBy} on {entry.ConcludedAt.UtcDateTime:yyyy-MM-dd} (run `{entry.RunId}`).\n\n");
        if (entry.Audience.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"**Audience and surfaces.** {Markdown(string.Join(", ", entry.Audience))}.\n\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"**Result.** {Markdown(Result(entry))}.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"**Decision.** {entry.Decision}: {Markdown(entry.Reason)}\n\n");
        sb.Append("**Guardrails that fired.**");
        sb.Append(entry.Guardrails.Count == 0 ? " None.\n\n" : "\n\n" + string.Concat(entry.Guardrails.Select(g => $"- {Markdown(g)}\n")) + "\n");
        sb.Append("**Caveats.**");
        sb.Append(entry.Caveats.Count == 0 ? " None.\n\n" : "\n\n" + string.Concat(entry.Caveats.Select(c => $"- {Markdown(c)}\n")) + "\n");
        sb.Append(CultureInfo.InvariantCulture, $"Source: `{entry.Report}`.\n");
        return sb.ToString();
    }

    /// <summary><c>learnings/index.html</c>: every concluded test, newest first.</summary>
    public static string ToHtml(IReadOnlyList<LearningEntry> entries, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Learnings</title>\n<style>\n{ReportHtml.Style}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>Learnings</h1>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Every concluded test, newest first; updated {Html(generatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))}.</p>\n");
        sb.Append("<table class=\"index\">\n<thead><tr><th>Test</th><th>Question</th><th>Result (always-valid interval)</th><th>Decision</th><th>Concluded</th><th>Guardrails</th></tr></thead>\n<tbody>\n");
        foreach (var e in entries.OrderByDescending(e => e.ConcludedAt).ThenBy(e => e.Campaign, StringComparer.Ordinal))
        {
            string report = "../" + e.Report;
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{Html(report)}\">{Html(e.Name)}</a></td><td>{Html(e.Question)}</td><td>{Html(Result(e))}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td><span class=\"recommendation rec-{Html(e.Decision)}\">{Html(e.Decision)}</span></td><td>{Html(e.ConcludedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))} ({Html(e.ConcludedBy)})</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{Html(e.Guardrails.Count == 0 ? "none fired" : string.Join("; ", e.Guardrails.Select(g => g[..Math.Max(0, g.IndexOf(':'))])))}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        if (entries.Count == 0)
        {
            sb.Append("<p>No test has concluded yet.</p>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Result(LearningEntry e)
    {
        Func<double, string> format = e.Design == HoldoutReport.Design ? Percent : Number;
        string interval = double.IsFinite(e.Lower) || double.IsFinite(e.Upper) ? $" [{format(e.Lower)}, {format(e.Upper)}]" : " (no interval)";
        return $"{e.Subject ?? "estimate"}: {format(e.Estimate)}{interval}";
    }
}
