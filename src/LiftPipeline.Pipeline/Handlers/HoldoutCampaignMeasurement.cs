using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>
/// MeasureCampaign for a holdout campaign: merges the stored statistics of every row-group range of every shard of its
/// dataset (<see cref="HoldoutDataset"/>, <see cref="ShardStatisticsStore"/>) — computing and storing from the rows only
/// those missing, so a measurement never waits for a worker — and, with capping, the capped statistics of the same
/// ranges under the pooled caps (stored by caps: an unchanged cap reads no row). Then <see cref="HoldoutAnalysis"/>
/// measures, and the holdout report (JSON, HTML with the forest plot, Markdown) and latest.json are written, with an
/// alert per breached guardrail (SRM, underpowered, contamination — against the stored assignment too, when there is
/// one — harm, and conflated when other holdouts are live: <see cref="ConflatedTests"/>) whose id derives from the campaign, the
/// guardrail and the dataset, so unchanged data never alerts twice. Everything written is built from the released
/// measurement (<see cref="ReleasePolicy"/>: small cells suppressed); the run's aggregate table, exact or with noise charged
/// to the campaign's privacy budget, is released by <see cref="AggregateReleaseStep"/> before the report.
/// </summary>
internal sealed class HoldoutCampaignMeasurement(IObjectStore store, TimeProvider clock)
{
    public async Task<MeasureOutcome> MeasureAsync(CampaignConfig config, CampaignId campaign, DatasetManifest manifest, RunId runId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var shards = await new HoldoutDataset(store, campaign).ReadShardsAsync(manifest, cancellationToken).ConfigureAwait(false);
        using var copies = new LocalShardCopies(store);
        var partials = new ShardStatisticsStore(store, campaign, HoldoutReadOptions.For(config));
        var options = MeasureOptions(config);
        HoldoutMeasurement measurement;
        try
        {
            if (shards.Count == 0)
            {
                throw new MeasurementNotPossibleException("the dataset holds no shard");
            }
            var assignment = await ConflatedTests.AssignmentAsync(store, campaign, copies, cancellationToken).ConfigureAwait(false);
            options = options with { Assignment = assignment is null ? null : await AgreementAsync(assignment, config, options.Settings.Control, shards, copies, cancellationToken).ConfigureAwait(false) };
            measurement = await HoldoutAnalysis.MeasureAsync((caps, ct) => MergeAsync(shards, partials, copies, caps, ct), options, cancellationToken).ConfigureAwait(false);
            if (await ConflatedTests.CheckAsync(store, campaign, config, assignment?.Layer, shards, copies, cancellationToken).ConfigureAwait(false) is { } conflated)
            {
                measurement = measurement with { Guardrails = [.. measurement.Guardrails, conflated] };
            }
        }
        catch (Exception e) when (e is MeasurementNotPossibleException or ExportValidationException)
        {
            return await MeasureCampaignHandler.FailedAsync(store, config, campaign, manifest.Dataset, runId, now, e.Message,
                new Dictionary<string, double> { ["shards"] = shards.Count }, cancellationToken).ConfigureAwait(false);
        }
        // The one step between measuring and releasing: nothing built below sees a small cell.
        var measured = measurement;
        measurement = config.Privacy.Release(measurement);
        var (days, planned) = Days(config.Treatment, now);
        string folder = StoreLayout.ReportFolder(campaign, runId);
        var alerts = new List<string>();
        string privacyAlert = PrivacyAlertId(config, campaign);
        var aggregates = await AggregateReleaseStep.ReleaseAsync(store, campaign, runId, config.Privacy, config.Metrics, measured,
            (caps, ct) => MergeAsync(shards, partials, copies, caps, ct), folder, privacyAlert,
            async (message, ct) =>
            {
                var alert = new Alerts.Alert(privacyAlert, campaign, PrivacyGuardrail, Alerts.AlertSeverity.Breach, message,
                    new Dictionary<string, double> { ["budget_rho"] = config.Privacy.Noise!.BudgetRho }, now, runId, StoreLayout.ReportHtml(folder));
                alerts.Add(await AlertOutbox.RaiseAsync(store, alert, AlertOutbox.SubscribersOf(config), now, ct).ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
        var report = HoldoutReport.Create(campaign, runId, now, measurement, days, planned) with { PrivacyNote = aggregates.Note };
        foreach (var breach in measurement.Guardrails.Where(g => g.Status == GuardrailStatus.Breach))
        {
            var alert = MeasureCampaignHandler.NewAlert(campaign, breach.Name, manifest.Dataset, MeasureCampaignHandler.Finding(breach), runId, now, $"{config.Name}: {breach.Message}", breach.Evidence, StoreLayout.ReportHtml(folder));
            alerts.Add(await AlertOutbox.RaiseAsync(store, alert, AlertOutbox.SubscribersOf(config), now, cancellationToken).ConfigureAwait(false));
        }
        await store.TryCreateAsync(StoreLayout.ReportHtml(folder), MeasureCampaignHandler.Render(report, HoldoutReport.WriteHtml), cancellationToken).ConfigureAwait(false);
        await store.TryCreateAsync(StoreLayout.ReportMarkdown(folder), MeasureCampaignHandler.Render(report, HoldoutReport.WriteMarkdown), cancellationToken).ConfigureAwait(false);
        await store.TryCreateAsync(StoreLayout.ReportJson(folder), MeasureCampaignHandler.Render(report, ReportJson.Write), cancellationToken).ConfigureAwait(false);
        await LatestReport.WriteAsync(store, campaign, report, folder, cancellationToken).ConfigureAwait(false);
        await ReportIndex.RecordAsync(store, campaign.Value, HoldoutReport.Design, ReportIndex.RunOf(report, folder), report.GeneratedAt, cancellationToken).ConfigureAwait(false);
        return new MeasureOutcome(campaign, runId, CampaignRunStatus.Measured,
            $"{campaign}: {measurement.Contrasts.Count} contrasts over {measurement.Arms.Sum(a => a.N):N0} customers, {report.Recommendation.ToString().ToLowerInvariant()}, {alerts.Count} alerts; report {folder}",
            null, folder, alerts) { Holdout = report };
    }

    /// <summary>The guardrail name of the alert raised when the privacy budget refuses a run's aggregate table.</summary>
    internal const string PrivacyGuardrail = "privacy";

    /// <summary>The privacy alert's id: stable per campaign and budget, so an exhausted budget alerts once.</summary>
    private static string PrivacyAlertId(CampaignConfig config, CampaignId campaign) =>
        Alerts.Alert.CreateId(campaign, PrivacyGuardrail, $"rho={(config.Privacy.Noise?.BudgetRho ?? 0).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", "exhausted");

    /// <summary>How <paramref name="config"/>'s holdout is measured (settings, metrics, α, guardrails).</summary>
    internal static HoldoutMeasureOptions MeasureOptions(CampaignConfig config) => new()
    {
        Settings = config.Holdout ?? new HoldoutSettings(), Metrics = config.Metrics, Alpha = config.Alpha, Guardrails = config.Guardrails,
    };

    /// <summary>
    /// The statistics of every range of every shard under <paramref name="caps"/> (null: raw), combined: each read from the
    /// store or, when missing or unusable, computed from the shard's rows and stored.
    /// </summary>
    internal static async Task<ExperimentStatistics> MergeAsync(IReadOnlyList<HoldoutDataset.Shard> shards, ShardStatisticsStore partials, LocalShardCopies copies,
        IReadOnlyDictionary<string, OutcomeCap>? caps, CancellationToken cancellationToken)
    {
        var parts = new List<ExperimentStatistics>();
        foreach (var shard in shards)
        {
            IReadOnlyList<RowGroupRange?> ranges = shard.Ranges is { } known ? [.. known.Select(r => (RowGroupRange?)r)] : [null];
            foreach (var range in ranges)
            {
                parts.Add(await partials.GetOrComputeAsync(shard.Copy, range, caps, ct => copies.OpenerAsync(shard.Copy, shard.Export, ct), cancellationToken).ConfigureAwait(false));
            }
        }
        return parts.Count == 1 ? parts[0] : ExperimentStatistics.Combine(parts);
    }

    /// <summary>How every shard's rows agree with the campaign's stored <paramref name="assignment"/>; streams each shard's id, arm and exposure columns.</summary>
    private static async Task<AssignmentAgreement> AgreementAsync(AssignmentIndex assignment, CampaignConfig config, string control, IReadOnlyList<HoldoutDataset.Shard> shards,
        LocalShardCopies copies, CancellationToken cancellationToken)
    {
        var audit = new AssignmentAudit(assignment, control);
        foreach (var shard in shards)
        {
            await using var export = await (await copies.OpenerAsync(shard.Copy, shard.Export, cancellationToken).ConfigureAwait(false))(cancellationToken).ConfigureAwait(false);
            await audit.AddAsync(export, config.ColumnMapping, cancellationToken).ConfigureAwait(false);
        }
        return audit.Result;
    }

    /// <summary>Days since a dated treatment start (the first counting as 1) and the days of the planned window; nulls when not dated or not started.</summary>
    private static (int? SoFar, int? Planned) Days(TreatmentWindow? window, DateTimeOffset now)
    {
        if (window is not { Start.Kind: PeriodKind.Date } w)
        {
            return (null, null);
        }
        int start = w.Start.ToDate().DayNumber;
        int soFar = DateOnly.FromDateTime(now.UtcDateTime).DayNumber - start + 1;
        int? planned = w.End is { Kind: PeriodKind.Date } end ? end.ToDate().DayNumber - start + 1 : null;
        return soFar >= 1 ? (soFar, planned) : (null, null);
    }
}
