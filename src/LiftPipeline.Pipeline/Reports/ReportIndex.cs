using System.Globalization;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>One report of a campaign as the store index shows it: when, what was decided, and the deciding estimate with its interval.</summary>
/// <param name="RunId">The run.</param>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="Action">The recommendation, lower case.</param>
/// <param name="Subject">What the decision read (e.g. "sdid ATT" or "vbo_1p vs holdout relative lift"); null without a basis.</param>
/// <param name="Estimate">The primary estimate: a panel's ATT, a holdout's relative lift; NaN when there is none.</param>
/// <param name="Lower">The deciding interval's lower bound; NaN when there is none.</param>
/// <param name="Upper">The deciding interval's upper bound; NaN when there is none.</param>
/// <param name="Html">The report page, relative to <c>reports/</c> (e.g. <c>geo/2026-11-23/report.html</c>).</param>
public sealed record IndexRun(string RunId, DateTimeOffset GeneratedAt, string Action, string? Subject, double Estimate, double Lower, double Upper, string Html);

/// <summary>A campaign on the store index: its design and its reports, oldest first (the last is the current decision).</summary>
public sealed record IndexCampaign(string Campaign, string Design, IReadOnlyList<IndexRun> Runs);

/// <summary>
/// The store's <c>reports/index.html</c> and the per-campaign <c>reports/{campaign}/trend.json</c> it is drawn from. Each
/// report written appends its run to the campaign's trend (the last <see cref="MaxRuns"/> kept, so the index never reads
/// old reports) and then redraws the index from every campaign's trend: one read per campaign. Two measurements finishing
/// together may each draw the index without the other's newest run; the next report draws it whole.
/// </summary>
public static class ReportIndex
{
    /// <summary>Runs kept per campaign trend.</summary>
    public const int MaxRuns = 90;

    /// <summary><c>reports/index.html</c>.</summary>
    public const string IndexHtml = StoreLayout.ReportsPrefix + "index.html";

    private const string TrendFile = "trend.json";
    private const int MaxAttempts = 10;

    /// <summary><c>reports/{campaign}/trend.json</c>.</summary>
    public static string Trend(string campaign) => $"{StoreLayout.ReportsPrefix}{campaign}/{TrendFile}";

    /// <summary>The index entry of a panel report stored under <paramref name="folder"/>.</summary>
    public static IndexRun RunOf(LiftReport report, string folder) =>
        Run(report.RunId, report.GeneratedAt, report.Decision, report.Primary?.Att ?? double.NaN, folder);

    /// <summary>The index entry of a holdout report stored under <paramref name="folder"/>.</summary>
    public static IndexRun RunOf(HoldoutReport report, string folder) =>
        Run(report.RunId, report.GeneratedAt, report.Decision, report.Primary?.Relative ?? double.NaN, folder);

    private static IndexRun Run(string runId, DateTimeOffset at, RecommendationDecision decision, double estimate, string folder) =>
        new(runId, at, decision.Action.ToString().ToLowerInvariant(), decision.Basis?.Subject, estimate,
            decision.Basis?.Lower ?? double.NaN, decision.Basis?.Upper ?? double.NaN,
            StoreLayout.ReportHtml(folder)[StoreLayout.ReportsPrefix.Length..]);

    /// <summary>Adds <paramref name="run"/> to the campaign's trend (replacing an entry of the same run) and redraws the index.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task RecordAsync(IObjectStore store, string campaign, string design, IndexRun run, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        string path = Trend(campaign);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            var runs = current is null ? [] : Parse(current.Content.Span)?.Runs.Where(r => r.RunId != run.RunId).ToList() ?? [];
            runs.Add(run);
            runs = runs.OrderBy(r => r.GeneratedAt).ThenBy(r => r.RunId, StringComparer.Ordinal).TakeLast(MaxRuns).ToList();
            byte[] json = ToJson(new IndexCampaign(campaign, design, runs));
            try
            {
                if (current is null ? await store.TryCreateAsync(path, json, cancellationToken).ConfigureAwait(false)
                    : await store.WriteAsync(path, json, current.ETag, cancellationToken).ConfigureAwait(false) is not null)
                {
                    break;
                }
            }
            catch (ObjectStoreException conflict) when (conflict.Code == ObjectStoreException.PreconditionFailed)
            {
                // Another report of this campaign landed in between; read its trend again.
            }
        }
        await WriteIndexAsync(store, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every campaign with a trend, by id.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<IReadOnlyList<IndexCampaign>> ReadAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        var campaigns = new List<IndexCampaign>();
        await foreach (var item in store.ListAsync(StoreLayout.ReportsPrefix, cancellationToken).ConfigureAwait(false))
        {
            var parts = item.Name.Split('/');
            if (parts.Length != 3 || parts[2] != TrendFile || !ObjectName.IsValid(item.Name))
            {
                continue;
            }
            var content = await store.ReadAsync(item.Name, cancellationToken).ConfigureAwait(false);
            if (content is not null && Parse(content.Content.Span) is { } campaign)
            {
                campaigns.Add(campaign);
            }
        }
        return campaigns.OrderBy(c => c.Campaign, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Draws <c>reports/index.html</c> from every campaign's trend.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task WriteIndexAsync(IObjectStore store, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var campaigns = await ReadAsync(store, cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(IndexHtml, new System.Text.UTF8Encoding(false).GetBytes(ReportIndexHtml.ToHtml(campaigns, now)), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The trend's JSON: <c>{"campaign","design","runs":[{"runId","generatedAt","action","subject","estimate","lower","upper","html"}]}</c>, non-finite numbers null.</summary>
    public static byte[] ToJson(IndexCampaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("campaign", campaign.Campaign);
            w.WriteString("design", campaign.Design);
            w.WriteStartArray("runs");
            foreach (var r in campaign.Runs)
            {
                w.WriteStartObject();
                w.WriteString("runId", r.RunId);
                w.WriteString("generatedAt", r.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture));
                w.WriteString("action", r.Action);
                w.WriteString("subject", r.Subject);
                Finite(w, "estimate", r.Estimate);
                Finite(w, "lower", r.Lower);
                Finite(w, "upper", r.Upper);
                w.WriteString("html", r.Html);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A trend read back, or null when it is not a trend this writer made (a damaged file is redrawn from the next run).</summary>
    public static IndexCampaign? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            var runs = new List<IndexRun>();
            foreach (var r in root.GetProperty("runs").EnumerateArray())
            {
                runs.Add(new IndexRun(r.GetProperty("runId").GetString()!, DateTimeOffset.Parse(r.GetProperty("generatedAt").GetString()!, CultureInfo.InvariantCulture),
                    r.GetProperty("action").GetString()!, r.GetProperty("subject").GetString(), Number(r, "estimate"), Number(r, "lower"), Number(r, "upper"),
                    r.GetProperty("html").GetString()!));
            }
            return new IndexCampaign(root.GetProperty("campaign").GetString()!, root.GetProperty("design").GetString()!, runs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static void Finite(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static double Number(JsonElement obj, string name) =>
        obj.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : double.NaN;
}
