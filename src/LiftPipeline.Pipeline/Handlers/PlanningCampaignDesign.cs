using System.Text.Json;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>The chosen design of one cell, as the run summary shows it.</summary>
/// <param name="Cell">The cell (1-based) of a multi-cell design; null for one cell.</param>
/// <param name="Locations">The test markets.</param>
/// <param name="Duration">Test length in periods.</param>
/// <param name="Mde">Minimum detectable effect.</param>
/// <param name="Investment">What the MDE costs.</param>
/// <param name="FalsePositiveRate">Rejection rate at effect 0, when measured.</param>
public sealed record DesignChoice(int? Cell, IReadOnlyList<string> Locations, int Duration, double Mde, double Investment, double? FalsePositiveRate);

/// <summary>A planning campaign's design in a run: where it is, the chosen design of each cell, and the report when made by this call.</summary>
/// <param name="Folder"><c>reports/{campaign}/design/</c>.</param>
/// <param name="InputsHash">The inputs the design is of (<see cref="DesignJson.InputsHash"/>).</param>
/// <param name="Chosen">The best design per cell; empty when no design reaches the power.</param>
/// <param name="Report">The report, when designed by this call (null when it was already current).</param>
public sealed record DesignSummary(string Folder, string InputsHash, IReadOnlyList<DesignChoice> Chosen, DesignReport? Report);

/// <summary>
/// MeasureCampaign for a planning campaign: no measurement (nothing is treated yet) but the geo design of its dataset —
/// GeoMarketSelection (or the multi-cell selection) on the history of the <c>geoDesign</c> metric — written to
/// <c>reports/{campaign}/design/</c> as design.html, design.md and, last, design.json. The design is named by its inputs
/// (<see cref="DesignJson.InputsHash"/>: the content-addressed dataset object, the metric, the options and the engine version), so it is redone
/// only when an export changes the dataset, campaign.json changes the settings or a deployment changes the code; a nightly run over unchanged data reads
/// design.json's hash and does nothing. A design that cannot run on the data (options that do not fit it, too short a
/// history) fails as a measurement does — a <c>measurement</c> alert, the run's line — and <c>error.json</c> records the
/// inputs and the reason, so the same inputs are not tried again.
/// </summary>
internal sealed class PlanningCampaignDesign(IObjectStore store, TimeProvider clock, string engineVersion)
{
    public async Task<MeasureOutcome> DesignAsync(CampaignConfig config, CampaignId campaign, DatasetManifest manifest, RunId runId, CancellationToken cancellationToken)
    {
        var settings = config.GeoDesign ?? new GeoDesignSettings(config.Metrics[0], new GeoDesignOptions { Seed = config.Seed });
        // Markets other live geo tests use (those of this history) are never test candidates here; the exclusion joins the
        // options, and so the inputs hash. Without a live geo test nothing is read before the current design is checked.
        var live = await ConflatedTests.LiveGeoMarketsAsync(store, campaign, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), cancellationToken).ConfigureAwait(false);
        Panel? panel = null;
        if (live.Count > 0)
        {
            panel = await new CampaignDataset(store, campaign).ReadPanelAsync(manifest, cancellationToken).ConfigureAwait(false);
            var units = new HashSet<string>(panel.Units, StringComparer.Ordinal);
            live = [.. live.Where(m => units.Contains(m.Market))];
            settings = settings with { Options = settings.Options with { Exclude = [.. settings.Options.Exclude.Union(live.Select(m => m.Market), StringComparer.Ordinal)] } };
        }
        string inputs = DesignJson.InputsHash(manifest.Dataset, settings.Metric, settings.Options, engineVersion);
        string folder = StoreLayout.DesignFolder(campaign);
        if (await CurrentAsync(campaign, inputs, cancellationToken).ConfigureAwait(false) is { } current)
        {
            return new MeasureOutcome(campaign, runId, CampaignRunStatus.Designed,
                $"{campaign}: the geo design of these inputs ({inputs}) is current; nothing redone; report {folder}", null, folder, [], AlreadyMeasured: true) { Design = current };
        }
        if (await FailedBeforeAsync(campaign, inputs, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return new MeasureOutcome(campaign, runId, CampaignRunStatus.Failed, failed.Reason, null, null, failed.Alerts, AlreadyMeasured: true);
        }
        var now = clock.GetUtcNow();
        panel ??= await new CampaignDataset(store, campaign).ReadPanelAsync(manifest, cancellationToken).ConfigureAwait(false);
        DesignReport report;
        try
        {
            var data = GeoDesignPanel.FromPanel(panel, settings.Metric);
            var dataset = new DesignDataset(manifest.Dataset, settings.Metric, data.N, data.T, data.Periods[0].ToString(), data.Periods[^1].ToString());
            report = settings.Options.Cells > 1
                ? DesignReport.Create(campaign, now, inputs, dataset, settings.Options, MultiCellMarketSelection.Select(data, settings.Options, null, cancellationToken))
                : DesignReport.Create(campaign, now, inputs, dataset, settings.Options, GeoMarketSelection.Select(data, settings.Options, null, cancellationToken));
            report = report with { LiveExclusions = live };
        }
        catch (Exception e) when (e is MeasurementNotPossibleException or GeoDesignOptionException || e.GetType() == typeof(ArgumentException))
        {
            // The engines' documented refusals (options that do not fit the data, a history too short to design on); other
            // subclasses of ArgumentException (null or out-of-range arguments) are bugs and propagate.
            string reason = (e is GeoDesignOptionException option ? option.Format(name => $"geoDesign.{GeoDesignOptionException.CamelCase(name)}") : e.Message).ReplaceLineEndings(" ");
            var outcome = await MeasureCampaignHandler.FailedAsync(store, config, campaign, $"{manifest.Dataset}|design|{inputs}", runId, now, reason,
                new Dictionary<string, double> { ["units"] = panel.Units.Count, ["periods"] = panel.Periods.Count }, cancellationToken, "geo design").ConfigureAwait(false);
            await store.WriteAsync(StoreLayout.DesignError(campaign), ErrorJson(inputs, manifest.Dataset, reason, outcome.Alerts, now), null, cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        await store.WriteAsync(StoreLayout.DesignHtml(campaign), MeasureCampaignHandler.Render(report, DesignHtml.Write), null, cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(StoreLayout.DesignMarkdown(campaign), MeasureCampaignHandler.Render(report, DesignMarkdown.Write), null, cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(StoreLayout.DesignJson(campaign), MeasureCampaignHandler.Render(report, DesignJson.Write), null, cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(StoreLayout.DesignError(campaign), cancellationToken).ConfigureAwait(false);
        var summary = new DesignSummary(folder, inputs, Choices(report), report);
        return new MeasureOutcome(campaign, runId, CampaignRunStatus.Designed, Describe(campaign, report, summary), null, folder, []) { Design = summary };
    }

    private static string Describe(CampaignId campaign, DesignReport report, DesignSummary summary)
    {
        int candidates = report.Cells.Sum(c => c.Selection.Candidates.Count);
        string best = summary.Chosen.Count == 0
            ? "no design reaches the power"
            : string.Join("; ", summary.Chosen.Select(c => $"{(c.Cell is { } cell ? $"cell {cell}: " : "best ")}{string.Join(", ", c.Locations)} for {c.Duration} periods, MDE {ReportText.Percent(c.Mde)}"));
        return $"{campaign}: geo design of {candidates} candidates from {report.Simulations:N0} simulations, {best}; report {summary.Folder}";
    }

    private static IReadOnlyList<DesignChoice> Choices(DesignReport report) => report.Chosen
        .Select((c, i) => c is null ? null : new DesignChoice(report.IsMultiCell ? i + 1 : null, c.Locations, c.Duration, c.EffectSize, c.Investment, c.FalsePositiveRate))
        .OfType<DesignChoice>().ToArray();

    /// <summary>The stored design when design.json is of <paramref name="inputs"/>: its chosen designs read back; null otherwise (or when unreadable: it is redone).</summary>
    private async Task<DesignSummary?> CurrentAsync(CampaignId campaign, string inputs, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(StoreLayout.DesignJson(campaign), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(stored.Content);
            var root = document.RootElement;
            if (root.GetProperty("inputsHash").GetString() != inputs)
            {
                return null;
            }
            var chosen = new List<DesignChoice>();
            foreach (var c in root.GetProperty("candidates").EnumerateArray())
            {
                int? cell = c.TryGetProperty("cell", out var number) && number.ValueKind == JsonValueKind.Number ? number.GetInt32() : null;
                if (!chosen.Any(k => k.Cell == cell))
                {
                    var fpr = c.GetProperty("falsePositiveRate");
                    chosen.Add(new DesignChoice(cell, c.GetProperty("locations").EnumerateArray().Select(l => l.GetString()!).ToArray(), c.GetProperty("duration").GetInt32(),
                        c.GetProperty("effectSize").GetDouble(), c.GetProperty("investment").GetDouble(), fpr.ValueKind == JsonValueKind.Number ? fpr.GetDouble() : null));
                }
            }
            return new DesignSummary(StoreLayout.DesignFolder(campaign), inputs, chosen, null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The reason and alerts error.json records when it is of <paramref name="inputs"/>; null otherwise.</summary>
    private async Task<(string Reason, IReadOnlyList<string> Alerts)?> FailedBeforeAsync(CampaignId campaign, string inputs, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(StoreLayout.DesignError(campaign), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(stored.Content);
            var root = document.RootElement;
            return root.GetProperty("inputsHash").GetString() == inputs
                ? (root.GetProperty("error").GetString()!, root.GetProperty("alerts").EnumerateArray().Select(a => a.GetString()!).ToArray())
                : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary><c>{"inputsHash","dataset","error","alerts":[…],"failedAt"}</c>.</summary>
    private static byte[] ErrorJson(string inputs, string dataset, string reason, IReadOnlyList<string> alerts, DateTimeOffset at)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReportJson.Options))
        {
            w.WriteStartObject();
            w.WriteString("inputsHash", inputs);
            w.WriteString("dataset", dataset);
            w.WriteString("error", reason);
            w.WriteStartArray("alerts");
            foreach (var alert in alerts)
            {
                w.WriteStringValue(alert);
            }
            w.WriteEndArray();
            w.WriteString("failedAt", StoredJson.FormatTime(at));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
