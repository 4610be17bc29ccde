using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Learnings;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Portfolio;

/// <summary>What <see cref="PortfolioSummary.PublishAsync"/> did.</summary>
/// <param name="Digest">The run's digest (as stored).</param>
/// <param name="Created">True when this call wrote it; false when the run's digest was already stored (nothing rewritten).</param>
/// <param name="Alerts">The digest alerts, one per digest subscriber (name and url), stored at their <see cref="Alert.StoragePath"/> with their deliveries in the outbox unless already settled.</param>
public sealed record PortfolioPublication(PortfolioDigest Digest, bool Created, IReadOnlyList<Alert> Alerts)
{
    /// <summary>The digest for people, <c>portfolio/{runId}.html</c>.</summary>
    public string Html => StoreLayout.PortfolioHtml(RunId.Parse(Digest.RunId));
}

/// <summary>
/// The portfolio digest of a run (docs/decisions.md, "Portfolio digest"): after a run's measurements finish, one summary
/// of every live campaign — status, days running, the decision so far with its headline number and always-valid
/// interval, the guardrails that fired — and of the campaigns that concluded since the last digest, written once as
/// <c>portfolio/{runId}.json</c>, <c>.md</c> and <c>.html</c>; then <c>portfolio/latest.html</c> and <c>latest.json</c>; then
/// one digest alert per digest subscriber in the outbox (<see cref="AlertOutbox"/>), delivered like any alert.
/// Publishing the same run again rewrites nothing and raises the same alerts, whose settled deliveries are not sent again.
/// </summary>
public static class PortfolioSummary
{
    /// <summary>Writes the digest of <paramref name="manifest"/>'s run unless it is stored, points latest at it, and raises its digest alerts.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<PortfolioPublication> PublishAsync(IObjectStore store, RunManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        string path = StoreLayout.PortfolioJson(manifest.RunId);
        var pointer = await ReadPointerAsync(store, cancellationToken).ConfigureAwait(false);
        var digest = await ReadDigestAsync(store, path, cancellationToken).ConfigureAwait(false);
        bool created = false;
        if (digest is null)
        {
            var built = await BuildAsync(store, manifest, pointer.Announced, cancellationToken).ConfigureAwait(false);
            await store.WriteAsync(StoreLayout.PortfolioMarkdown(manifest.RunId), Encoding.UTF8.GetBytes(PortfolioText.ToMarkdown(built)), null, cancellationToken).ConfigureAwait(false);
            await store.WriteAsync(StoreLayout.PortfolioHtml(manifest.RunId), Encoding.UTF8.GetBytes(PortfolioText.ToHtml(built)), null, cancellationToken).ConfigureAwait(false);
            // The JSON last and create-once: its presence marks the digest complete, and a second writer keeps the first one's.
            created = await store.TryCreateAsync(path, built.ToJson(), cancellationToken).ConfigureAwait(false);
            digest = created ? built : await ReadDigestAsync(store, path, cancellationToken).ConfigureAwait(false) ?? built;
        }
        await MovePointerAsync(store, digest, pointer, cancellationToken).ConfigureAwait(false);
        var alerts = await RaiseDigestsAsync(store, digest, cancellationToken).ConfigureAwait(false);
        return new PortfolioPublication(digest, created, alerts);
    }

    /// <summary>
    /// The digest of <paramref name="manifest"/>: a line per campaign of the run that is active and has no learnings entry
    /// (failed and invalid ones included), and a conclusion per learnings entry of the run's campaigns not in <paramref name="announced"/>.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<PortfolioDigest> BuildAsync(IObjectStore store, RunManifest manifest, IReadOnlySet<string> announced, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(announced);
        var today = DateOnly.FromDateTime(manifest.StartedAt.UtcDateTime);
        var live = new List<PortfolioLine>();
        var concluded = new List<PortfolioConclusion>();
        foreach (var entry in manifest.Campaigns.OrderBy(e => e.Campaign, StringComparer.Ordinal))
        {
            string status = RunManifest.StatusName(entry.Status);
            if (!CampaignId.TryParse(entry.Campaign, out var id))
            {
                live.Add(new PortfolioLine(entry.Campaign, entry.Campaign, status, false, null, null, null, null, double.NaN, double.NaN, double.NaN, null, [], entry.Error));
                continue;
            }
            var read = await store.ReadCampaignConfigAsync(id, cancellationToken).ConfigureAwait(false);
            if (read.State == CampaignConfigState.Missing || read.Config is { Active: false })
            {
                continue;   // not live: gone, or switched off
            }
            if (await store.ReadAsync(StoreLayout.LearningJson(id), cancellationToken).ConfigureAwait(false) is { } stored
                && LearningsLog.Parse(stored.Content.Span) is { } learning)
            {
                if (!announced.Contains(learning.Campaign))
                {
                    concluded.Add(new PortfolioConclusion(learning.Campaign, learning.Name, learning.Decision, learning.ConcludedBy, learning.ConcludedAt,
                        StoreLayout.LearningMarkdown(id), learning.Report));
                }
                continue;
            }
            var config = read.Config;
            var latest = await LatestDecision.ReadAsync(store, id, cancellationToken).ConfigureAwait(false);
            bool planning = config?.Status == CampaignStatus.Planning;
            string? report = latest?.Html ?? (entry.Status == CampaignRunStatus.Designed ? StoreLayout.DesignHtml(id) : null);
            int? days = config?.Treatment?.Start is { Kind: PeriodKind.Date } start ? today.DayNumber - start.ToDate().DayNumber : null;
            live.Add(new PortfolioLine(entry.Campaign, config?.Name ?? entry.Campaign, status, planning, days, latest?.Decision, latest?.Design, latest?.Subject,
                latest?.Estimate ?? double.NaN, latest?.Lower ?? double.NaN, latest?.Upper ?? double.NaN, report, latest?.Guardrails ?? [],
                entry.Error ?? (read.State == CampaignConfigState.Invalid ? read.Error?.Message : null)));
        }
        return new PortfolioDigest(manifest.RunId.Value, manifest.StartedAt, live, concluded);
    }

    /// <summary>
    /// Stores one digest alert per digest subscriber (same name and url) of the digest's campaigns, covering only the
    /// campaigns that list it, with a pending outbox entry unless its delivery is settled. Returns the alerts.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<IReadOnlyList<Alert>> RaiseDigestsAsync(IObjectStore store, PortfolioDigest digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(digest);
        var groups = new SortedDictionary<(string Name, string Url), (AlertSubscriber Subscriber, SortedSet<string> Campaigns)>();
        foreach (var campaign in digest.Live.Select(l => l.Campaign).Concat(digest.Concluded.Select(c => c.Campaign)).Distinct())
        {
            if (!CampaignId.TryParse(campaign, out var id)
                || await store.ReadCampaignConfigAsync(id, cancellationToken).ConfigureAwait(false) is not { State: CampaignConfigState.Found, Config: { } config })
            {
                continue;
            }
            foreach (var s in AlertOutbox.DigestSubscribersOf(config))
            {
                var key = (s.Name, s.Url.AbsoluteUri);
                if (!groups.TryGetValue(key, out var group))
                {
                    groups[key] = group = (s, new SortedSet<string>(StringComparer.Ordinal));
                }
                group.Campaigns.Add(campaign);
            }
        }
        var runId = RunId.Parse(digest.RunId);
        var alerts = new List<Alert>();
        foreach (var ((name, url), (subscriber, campaigns)) in groups)
        {
            var part = digest.Only(campaigns);
            // The subscriber is resolved at send time in the first campaign's campaign.json (AlertDelivery), like any alert's.
            var owner = CampaignId.Parse(campaigns.Min!);
            using var document = JsonDocument.Parse(part.ToJson());
            int failed = part.Live.Count(l => l.Status == RunManifest.StatusName(CampaignRunStatus.Failed));
            // "{name} {status}: {message}": the status is the word before the first colon (a message may say "breach:" too).
            bool breached = failed > 0 || part.Live.Any(l => l.Guardrails.Any(g => g.AsSpan(0, Math.Max(0, g.IndexOf(':'))).EndsWith(" breach", StringComparison.Ordinal)));
            var alert = new Alert(Alert.CreateId(owner, Alert.DigestGuardrail, digest.RunId, $"{name}|{url}"), owner, Alert.DigestGuardrail,
                breached ? AlertSeverity.Breach : AlertSeverity.Warn, $"Portfolio digest of run {digest.RunId}: {PortfolioText.Summary(part)}",
                new Dictionary<string, double> { ["live"] = part.Live.Count, ["concluded"] = part.Concluded.Count, ["failed"] = failed },
                digest.GeneratedAt, runId, StoreLayout.PortfolioJson(runId)) { Digest = document.RootElement.Clone() };
            await AlertOutbox.RaiseAsync(store, alert, [subscriber], digest.GeneratedAt, cancellationToken).ConfigureAwait(false);
            alerts.Add(alert);
        }
        return alerts;
    }

    private static async Task<PortfolioDigest?> ReadDigestAsync(IObjectStore store, string path, CancellationToken cancellationToken) =>
        await store.ReadAsync(path, cancellationToken).ConfigureAwait(false) is { } stored ? PortfolioDigest.Parse(stored.Content.Span) : null;

    /// <summary><c>portfolio/latest.json</c>: the newest digest's run and time, and every campaign a digest has announced as concluded.</summary>
    private sealed record Pointer(string? RunId, DateTimeOffset? GeneratedAt, IReadOnlySet<string> Announced, string? ETag);

    private static async Task<Pointer> ReadPointerAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(StoreLayout.PortfolioLatest, cancellationToken).ConfigureAwait(false);
        var announced = new SortedSet<string>(StringComparer.Ordinal);
        if (stored is null)
        {
            return new Pointer(null, null, announced, null);
        }
        try
        {
            using var document = JsonDocument.Parse(stored.Content);
            var root = document.RootElement;
            foreach (var c in root.GetProperty("announced").EnumerateArray())
            {
                announced.Add(c.GetString()!);
            }
            return new Pointer(root.GetProperty("runId").GetString(),
                StoredJson.TryParseTime(root.GetProperty("generatedAt").GetString(), out var at) ? at : null, announced, stored.ETag);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new Pointer(null, null, announced, stored.ETag);   // damaged: replaced by this digest's
        }
    }

    /// <summary>
    /// Adds the digest's conclusions to the announced set and, unless the pointer names a newer digest, points latest.json
    /// and latest.html at it. Conditional on the pointer read, retried when another digest moved it meanwhile.
    /// </summary>
    private static async Task MovePointerAsync(IObjectStore store, PortfolioDigest digest, Pointer pointer, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            bool newer = pointer.GeneratedAt is not { } at || at <= digest.GeneratedAt;
            var announced = new SortedSet<string>(pointer.Announced, StringComparer.Ordinal);
            announced.UnionWith(digest.Concluded.Select(c => c.Campaign));
            if (!newer && announced.SetEquals(pointer.Announced))
            {
                return;
            }
            if (newer && pointer.RunId != digest.RunId)
            {
                await store.WriteAsync(StoreLayout.PortfolioLatestHtml, Encoding.UTF8.GetBytes(PortfolioText.ToHtml(digest)), null, cancellationToken).ConfigureAwait(false);
            }
            else if (pointer.RunId == digest.RunId && announced.SetEquals(pointer.Announced))
            {
                return;
            }
            byte[] json = PointerJson(newer ? digest.RunId : pointer.RunId!, newer ? digest.GeneratedAt : pointer.GeneratedAt!.Value, announced);
            try
            {
                if (pointer.ETag is null ? await store.TryCreateAsync(StoreLayout.PortfolioLatest, json, cancellationToken).ConfigureAwait(false)
                    : await store.WriteAsync(StoreLayout.PortfolioLatest, json, pointer.ETag, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return;
                }
            }
            catch (ObjectStoreException conflict) when (conflict.Code == ObjectStoreException.PreconditionFailed)
            {
                // Another digest moved the pointer; read it again.
            }
            pointer = await ReadPointerAsync(store, cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] PointerJson(string runId, DateTimeOffset generatedAt, IEnumerable<string> announced)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("runId", runId);
            w.WriteString("generatedAt", StoredJson.FormatTime(generatedAt));
            w.WriteString("json", StoreLayout.PortfolioJson(RunId.Parse(runId)));
            w.WriteString("html", StoreLayout.PortfolioHtml(RunId.Parse(runId)));
            w.WriteStartArray("announced");
            foreach (var c in announced)
            {
                w.WriteStringValue(c);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
