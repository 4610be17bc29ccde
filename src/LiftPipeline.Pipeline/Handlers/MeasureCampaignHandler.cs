using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Evidence;
using LiftPipeline.Pipeline.Learnings;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>The outcome of <see cref="MeasureCampaignHandler.HandleAsync"/>.</summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="RunId">The run the measurement belongs to.</param>
/// <param name="Status">Measured, no data, skipped or failed.</param>
/// <param name="Message">One line for logs and the console.</param>
/// <param name="Report">The report, when measured by this call (null when it had already been measured).</param>
/// <param name="ReportFolder"><c>reports/{campaign}/{runId}/</c>, when there is a report.</param>
/// <param name="Alerts">Object names of the alerts raised (also when already measured).</param>
/// <param name="AlreadyMeasured">True when the run had measured this campaign before and nothing was redone.</param>
public sealed record MeasureOutcome(
    CampaignId Campaign,
    RunId RunId,
    CampaignRunStatus Status,
    string Message,
    LiftReport? Report,
    string? ReportFolder,
    IReadOnlyList<string> Alerts,
    bool AlreadyMeasured = false)
{
    /// <summary>The report of a holdout campaign, when measured by this call (then <see cref="Report"/> is null).</summary>
    public HoldoutReport? Holdout { get; init; }

    /// <summary>A planning campaign's geo design (status <see cref="CampaignRunStatus.Designed"/>): made by this call, or current already.</summary>
    public DesignSummary? Design { get; init; }

    /// <summary>
    /// The run whose stored measurement this outcome reuses (same dataset, campaign.json and engine version): <see cref="ReportFolder"/>
    /// and <see cref="Alerts"/> are that run's and nothing was computed, copied or read; null when measured by this run.
    /// </summary>
    public RunId? ReusedFrom { get; init; }
}

/// <summary>
/// The MeasureCampaign handler, independent of any host. For one campaign and run it reads campaign.json and the merged
/// dataset, runs the configured estimators and variance method on the primary metric, checks guardrails v1 (data
/// quality of the panel; pre-period fit and placebo in time of the primary estimator, per cell), raises an alert per
/// breach with its pending deliveries (<see cref="AlertOutbox"/>, before anything marks the campaign measured), writes <c>reports/{campaign}/{runId}/report.{html,md,json}</c> (report.json last, as the commit mark) and
/// <c>reports/{campaign}/latest.json</c>, records the campaign's line in <c>runs/{runId}.json</c>, and queues a delivery per
/// alert when the campaign has subscribers.
/// <para>
/// Idempotent: a run id names its input (a nightly run its time, a data-triggered run its dataset object), every result
/// is a conditional create, the alert id is derived from campaign, guardrail, dataset and the kind of finding, and a campaign already measured
/// in a run is not measured again (its alerts are queued again; delivery is once per subscriber regardless).
/// </para>
/// <para>
/// Reuse: a finished measurement (measured or failed) is stored under its <see cref="MeasurementKey"/> — dataset object,
/// campaign.json's SHA-256 and <see cref="EngineVersion"/> — in <see cref="StoredMeasurement"/>. A later run with the same key
/// records that measurement as its own line (status measured or failed, <c>reusedFrom</c> naming the run, its report folder
/// and alerts) and computes, copies, reads and queues nothing, provided latest.json still names that run and the data-quality check,
/// the one guardrail that reads the clock, gives the same result as of now; otherwise it measures again (and a late-data
/// breach raises its alert once, with the usual derived id).
/// </para>
/// After a fresh measurement a concluded test writes its learnings entry (<see cref="LearningsLog"/>) and a holdout its
/// contribution to the evidence across campaigns (<see cref="EvidenceLog"/>).
/// A planning campaign (<see cref="CampaignStatus.Planning"/>) is not measured: its geo design is written instead, and
/// only when the design's inputs changed (<see cref="PlanningCampaignDesign"/>).
/// A failed measurement (a <see cref="MeasurementNotPossibleException"/>: a design the estimators cannot handle; any other
/// exception is a bug and propagates) is recorded as failed and raises a breach alert of
/// guardrail <c>measurement</c>, so a broken campaign is not silent. Thread-safe.
/// </summary>
public sealed class MeasureCampaignHandler(IObjectStore store, IWorkQueue queue, TimeProvider clock)
{
    /// <summary>
    /// The version of the code measuring, part of every <see cref="MeasurementKey"/> and design inputs hash: a stored result
    /// of another version is never reused. Default: <see cref="Runs.EngineVersion.Current"/>.
    /// </summary>
    public string EngineVersion { get; init; } = Runs.EngineVersion.Current;

    /// <summary>Whether a stored measurement of the same inputs is reused (see the class summary). Default: true; false measures every time.</summary>
    public bool Reuse { get; init; } = true;

    /// <summary>The guardrail name of the alert raised when a measurement fails.</summary>
    public const string MeasurementGuardrail = "measurement";

    /// <summary>The finding of a measurement alert: the design could not be measured.</summary>
    private const string NotPossibleFinding = "not-possible";

    /// <summary>Receives estimator and replication progress of long measurements; null for none.</summary>
    public IProgress<MeasureProgress>? Progress { get; init; }

    /// <summary>Measures <paramref name="campaign"/> for <paramref name="runId"/> (null: the run of the current dataset).</summary>
    /// <exception cref="ObjectStoreException">The campaign or run id is unsafe (before any storage call), or the store failed.</exception>
    /// <exception cref="CampaignConfigException">The campaign's campaign.json is invalid.</exception>
    public async Task<MeasureOutcome> HandleAsync(CampaignId campaign, RunId? runId, CancellationToken cancellationToken = default)
    {
        var read = await store.ReadCampaignConfigAsync(campaign, cancellationToken).ConfigureAwait(false);
        var config = read.ConfigOrNull();
        if (config is null)
        {
            string reason = $"{StoreLayout.CampaignConfig(campaign)} is missing; add one to measure the campaign.";
            return await RecordAsync(new MeasureOutcome(campaign, runId ?? RunIds.Unmeasured, CampaignRunStatus.Skipped, reason, null, null, []), runId is not null, null, cancellationToken).ConfigureAwait(false);
        }
        var dataset = new CampaignDataset(store, campaign);
        var manifest = await dataset.ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            var none = new MeasureOutcome(campaign, runId ?? RunIds.Unmeasured, CampaignRunStatus.NoData, $"{campaign}: no export has been accepted yet.", null, null, []);
            return await RecordAsync(none, runId is not null, null, cancellationToken).ConfigureAwait(false);
        }
        var run = runId ?? RunIds.ForDataset(manifest.Dataset);
        if (config.Status == CampaignStatus.Planning)
        {
            // Not measured (nothing is treated yet): designed, and only when the design's inputs changed.
            var began = clock.GetUtcNow();
            var designed = await new PlanningCampaignDesign(store, clock, EngineVersion).DesignAsync(config, campaign, manifest, run, cancellationToken).ConfigureAwait(false);
            await RecordAsync(designed, true, began, cancellationToken).ConfigureAwait(false);
            await QueueDeliveriesAsync(config, campaign, designed.Alerts, run, cancellationToken).ConfigureAwait(false);
            return designed;
        }
        var done = await AlreadyMeasuredAsync(campaign, run, cancellationToken).ConfigureAwait(false);
        if (done is not null)
        {
            await QueueDeliveriesAsync(config, campaign, done.Alerts, run, cancellationToken).ConfigureAwait(false);
            return done;
        }
        var started = clock.GetUtcNow();
        var reuse = new MeasurementReuse(store, EngineVersion);
        var key = reuse.KeyOf(read, manifest.Dataset, await ConflatedTests.InputsAsync(store, campaign, config, cancellationToken).ConfigureAwait(false));
        var outcome = await ReusedAsync(config, campaign, key, run, started, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
        {
            ClockDependentCheck? clockCheck = null;
            if (config.Design == CampaignDesign.Holdout)
            {
                outcome = await new HoldoutCampaignMeasurement(store, clock).MeasureAsync(config, campaign, manifest, run, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (outcome, clockCheck) = await MeasureAsync(config, campaign, await dataset.ReadPanelAsync(manifest, cancellationToken).ConfigureAwait(false), manifest.Dataset, run, cancellationToken).ConfigureAwait(false);
            }
            var measuredAt = clock.GetUtcNow();
            string? concludedBy = (outcome.Report?.Decision ?? outcome.Holdout?.Decision) is { } decision ? LearningEntry.Concluded(decision, config.Treatment, measuredAt) : null;
            await RecordLearningAsync(config, outcome, concludedBy, measuredAt, cancellationToken).ConfigureAwait(false);
            await RecordEvidenceAsync(config, outcome, concludedBy, cancellationToken).ConfigureAwait(false);
            // Last: its presence means the report set, latest.json and the alerts are all stored.
            await new StoredMeasurement(key, run, outcome.Status, outcome.ReportFolder, outcome.Alerts, outcome.Message, started, clockCheck)
                .WriteAsync(store, campaign, cancellationToken).ConfigureAwait(false);
        }
        await RecordAsync(outcome, true, started, cancellationToken).ConfigureAwait(false);
        if (outcome.ReusedFrom is null)
        {
            // A reused measurement's alerts were queued when raised; any still due are in the outbox, which every run delivers.
            await QueueDeliveriesAsync(config, campaign, outcome.Alerts, run, cancellationToken).ConfigureAwait(false);
        }
        return outcome;
    }

    /// <summary>A learnings entry when the measured campaign's test has concluded (<paramref name="concludedBy"/>, <see cref="LearningEntry.Concluded"/>); the first one stands.</summary>
    private async Task RecordLearningAsync(CampaignConfig config, MeasureOutcome outcome, string? concludedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (concludedBy is null || outcome.ReportFolder is not { } folder)
        {
            return;
        }
        LearningEntry? entry = outcome switch
        {
            { Report: { } panel } => LearningEntry.Of(config, panel, folder, concludedBy),
            { Holdout: { } holdout } => LearningEntry.Of(config, holdout, folder, concludedBy),
            _ => null,
        };
        if (entry is not null)
        {
            await LearningsLog.RecordAsync(store, entry, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A holdout's contribution to the evidence across campaigns (its released report's mean contrasts and arm returns); a
    /// panel design contributes nothing. A data-triggered run is over with this measurement, so it redraws the pooled page
    /// now; a nightly or manual run redraws it once at its end (<see cref="PortfolioHandler"/>, the local host).
    /// </summary>
    private async Task RecordEvidenceAsync(CampaignConfig config, MeasureOutcome outcome, string? concludedBy, CancellationToken cancellationToken)
    {
        if (outcome is not { Holdout: { } holdout, ReportFolder: { } folder })
        {
            return;
        }
        await EvidenceLog.ContributeAsync(store, Contribution.Of(holdout, config.Name, folder, concludedBy), cancellationToken).ConfigureAwait(false);
        if (!PortfolioHandler.IsScheduled(RunIds.TriggerOf(outcome.RunId)))
        {
            await EvidenceLog.RedrawAfterRunAsync(store, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The stored measurement of <paramref name="key"/> as this run's outcome when <see cref="MeasurementReuse"/> says it is still the answer; null when the campaign must be measured.</summary>
    private async Task<MeasureOutcome?> ReusedAsync(CampaignConfig config, CampaignId campaign, MeasurementKey key, RunId run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = Reuse ? await new MeasurementReuse(store, EngineVersion).FindAsync(campaign, config, key, now, cancellationToken).ConfigureAwait(false) : null;
        return stored is null ? null : Reused(campaign, run, stored);
    }

    /// <summary>The outcome of <paramref name="run"/> reusing <paramref name="stored"/>: its status, report folder and alerts, and <see cref="MeasureOutcome.ReusedFrom"/>.</summary>
    internal static MeasureOutcome Reused(CampaignId campaign, RunId run, StoredMeasurement stored) =>
        new(campaign, run, stored.Status, MeasurementReuse.Describe(campaign, stored), null, stored.Report, stored.Alerts) { ReusedFrom = stored.RunId };

    private async Task<(MeasureOutcome, ClockDependentCheck?)> MeasureAsync(CampaignConfig config, CampaignId campaign, Panel panel, string datasetName, RunId runId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var options = config.ToPanelMeasureOptions() with { Progress = Progress };
        PanelMeasurement measurement;
        try
        {
            measurement = PanelMeasurer.Measure(panel, options, cancellationToken);
        }
        catch (MeasurementNotPossibleException e)
        {
            return (await FailedAsync(store, config, campaign, $"{datasetName}|{options.Metric}", runId, now, e.Message,
                new Dictionary<string, double> { ["units"] = panel.Units.Count, ["periods"] = panel.Periods.Count }, cancellationToken).ConfigureAwait(false), null);
        }
        var checks = Guardrails(config, panel, measurement, options, now, cancellationToken);
        if (await ConflatedTests.GeoCheckAsync(store, campaign, config, panel, cancellationToken).ConfigureAwait(false) is { } conflated)
        {
            checks.Add((null, conflated));
        }
        var quality = checks[0].Result;
        var report = LiftReport.Create(campaign, runId, now, measurement, checks.Select(c => c.Result).ToArray(), 1 - config.Alpha, config.Treatment?.End) with { Unit = config.Unit };
        var folder = StoreLayout.ReportFolder(campaign, runId);
        var alerts = new List<string>();
        foreach (var (cell, result) in checks)
        {
            if (result.Status != GuardrailStatus.Breach)
            {
                continue;
            }
            var alert = NewAlert(campaign, result.Name, $"{datasetName}|{options.Metric}|{cell}", Finding(result), runId, now,
                $"{config.Name}: {result.Message}", result.Evidence, StoreLayout.ReportHtml(folder));
            // Durable with its pending deliveries before report.json and the run manifest mark the campaign measured.
            alerts.Add(await AlertOutbox.RaiseAsync(store, alert, AlertOutbox.SubscribersOf(config), now, cancellationToken).ConfigureAwait(false));
        }
        await WriteReportAsync(report, campaign, folder, cancellationToken).ConfigureAwait(false);
        return (new MeasureOutcome(campaign, runId, CampaignRunStatus.Measured,
            $"{campaign}: {report.Estimates.Count} estimates of {report.Metric}, {report.Recommendation.ToString().ToLowerInvariant()}, {alerts.Count} alerts; report {folder}",
            report, folder, alerts), ClockPart(config, panel, now));
    }

    // Reuse re-runs only the period checks (spikes depend on the data, not the clock), so it compares against them alone.
    private static ClockDependentCheck ClockPart(CampaignConfig config, Panel panel, DateTimeOffset now)
    {
        var periods = new DataQualityGuardrail(config.Guardrails).Check(panel.Periods, now);
        return new ClockDependentCheck(periods.Status, periods.Findings, panel.Periods);
    }

    /// <summary>Guardrails v1: data quality of the panel, then per cell pre-fit and placebo in time of the primary estimator.</summary>
    private static List<(string? Cell, GuardrailResult Result)> Guardrails(CampaignConfig config, Panel panel, PanelMeasurement measurement,
        PanelMeasureOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var results = new List<(string?, GuardrailResult)> { (null, new DataQualityGuardrail(config.Guardrails).Check(panel, now)) };
        var preFit = new PreFitGuardrail(config.Guardrails);
        var placebo = new PlaceboInTimeGuardrail(config.Guardrails);
        var variance = VarianceEstimators.Create(config.Variance ?? "placebo", options.VarianceOptions);
        string primary = options.Estimators[0];
        foreach (var estimate in measurement.Estimates)
        {
            if (!string.Equals(estimate.Estimator, primary, StringComparison.Ordinal))
            {
                continue;
            }
            results.Add((estimate.Cell, InCell(estimate.Cell, preFit.Check(estimate.Estimator, estimate.Fit))));
            var inTime = estimate.Source is { } source
                ? placebo.Check(source, variance, cancellationToken)
                : PlaceboInTimeGuardrail.NotApplicable("staggered adoption cohorts have no single treatment start to move into the pre-period.");
            results.Add((estimate.Cell, InCell(estimate.Cell, inTime)));
        }
        return results;
    }

    private static GuardrailResult InCell(string? cell, GuardrailResult result) =>
        cell is null ? result : result with { Message = $"Cell {cell}: {result.Message}" };

    /// <summary>Records a measurement that could not run: a breach alert of guardrail <c>measurement</c> naming the reason.</summary>
    internal static async Task<MeasureOutcome> FailedAsync(IObjectStore store, CampaignConfig config, CampaignId campaign, string identity, RunId runId, DateTimeOffset now, string reason,
        IReadOnlyDictionary<string, double> evidence, CancellationToken cancellationToken, string what = "measurement")
    {
        var failure = NewAlert(campaign, MeasurementGuardrail, identity, NotPossibleFinding, runId, now, $"{config.Name}: the {what} failed and no report was written: {reason}", evidence, null);
        var path = await AlertOutbox.RaiseAsync(store, failure, AlertOutbox.SubscribersOf(config), now, cancellationToken).ConfigureAwait(false);
        return new MeasureOutcome(campaign, runId, CampaignRunStatus.Failed, reason, null, null, [path]);
    }

    /// <summary>The kind of a breach for its alert id: the guardrail's findings (e.g. <c>missing-periods+late</c>), else its status.</summary>
    internal static string Finding(GuardrailResult result) =>
        result.Findings.Count > 0 ? string.Join('+', result.Findings) : result.Status.ToString().ToLowerInvariant();

    internal static Alert NewAlert(CampaignId campaign, string guardrail, string identity, string finding, RunId runId, DateTimeOffset now, string message,
        IReadOnlyDictionary<string, double> evidence, string? reportPath) =>
        new(Alert.CreateId(campaign, guardrail, identity, finding), campaign, guardrail, AlertSeverity.Breach, message, evidence, now, runId, reportPath);

    private async Task WriteReportAsync(LiftReport report, CampaignId campaign, string folder, CancellationToken cancellationToken)
    {
        await store.TryCreateAsync(StoreLayout.ReportHtml(folder), Render(report, ReportHtml.Write), cancellationToken).ConfigureAwait(false);
        await store.TryCreateAsync(StoreLayout.ReportMarkdown(folder), Render(report, ReportMarkdown.Write), cancellationToken).ConfigureAwait(false);
        await store.TryCreateAsync(StoreLayout.ReportJson(folder), Render(report, ReportJson.Write), cancellationToken).ConfigureAwait(false);
        await LatestReport.WriteAsync(store, campaign, report, folder, cancellationToken).ConfigureAwait(false);
        await ReportIndex.RecordAsync(store, campaign.Value, LiftReport.Design, ReportIndex.RunOf(report, folder), report.GeneratedAt, cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] Render<T>(T report, Action<T, Stream> write)
    {
        using var buffer = new MemoryStream();
        write(report, buffer);
        return buffer.ToArray();
    }

    private async Task<MeasureOutcome?> AlreadyMeasuredAsync(CampaignId campaign, RunId runId, CancellationToken cancellationToken)
    {
        var manifest = await new RunLedger(store).ReadAsync(runId, cancellationToken).ConfigureAwait(false);
        var entry = manifest?.Campaigns.FirstOrDefault(e => e.Campaign == campaign);
        if (entry is not { Status: CampaignRunStatus.Measured or CampaignRunStatus.Failed })
        {
            return null;
        }
        if (entry.Status == CampaignRunStatus.Measured
            && await store.GetAsync(StoreLayout.ReportJson(entry.Report ?? StoreLayout.ReportFolder(campaign, runId)), cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }
        return new MeasureOutcome(campaign, runId, entry.Status, $"{campaign}: already measured in run {runId}; nothing redone.", null, entry.Report, entry.Alerts ?? [], AlreadyMeasured: true)
        {
            ReusedFrom = entry.ReusedFrom is { } from ? RunId.Parse(from) : null,
        };
    }

    private async Task<MeasureOutcome> RecordAsync(MeasureOutcome outcome, bool record, DateTimeOffset? started, CancellationToken cancellationToken)
    {
        if (!record)
        {
            return outcome;
        }
        var entry = new CampaignRunEntry(outcome.Campaign, outcome.Status, null, started, started is null ? null : clock.GetUtcNow(),
            outcome.ReportFolder, outcome.Alerts, outcome.Status is CampaignRunStatus.Measured or CampaignRunStatus.Designed ? null : outcome.Message, outcome.ReusedFrom?.Value);
        await new RunLedger(store).UpdateAsync(outcome.RunId,
            () => new RunManifest(outcome.RunId, RunIds.TriggerOf(outcome.RunId), started ?? clock.GetUtcNow(), []),
            manifest => manifest.With(entry), cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    private async Task QueueDeliveriesAsync(CampaignConfig config, CampaignId campaign, IReadOnlyList<string> alerts, RunId runId, CancellationToken cancellationToken)
    {
        if (AlertOutbox.SubscribersOf(config).Count == 0)
        {
            return;   // digest subscribers hear of it in the run's portfolio digest
        }
        foreach (var alert in alerts)
        {
            await queue.EnqueueAsync(WorkItem.Deliver(campaign, alert, runId), cancellationToken).ConfigureAwait(false);
        }
    }
}
