using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>
/// MeasureCampaign for a holdout campaign: streams every shard of its dataset (<see cref="HoldoutDataset"/>) through
/// <see cref="HoldoutAnalysis"/>, writes the holdout report (JSON, HTML with the forest plot, Markdown) and latest.json,
/// and stores an alert per breached guardrail (SRM, underpowered, contamination, harm) with an id derived from the
/// campaign, the guardrail and the dataset, so unchanged data never alerts twice.
/// </summary>
internal sealed class HoldoutCampaignMeasurement(IObjectStore store, TimeProvider clock)
{
    public async Task<MeasureOutcome> MeasureAsync(CampaignConfig config, CampaignId campaign, DatasetManifest manifest, RunId runId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var shards = await new HoldoutDataset(store, campaign).ReadShardsAsync(manifest, cancellationToken).ConfigureAwait(false);
        var local = LocalCopy.NewFolder();
        try
        {
            var openers = new List<Func<CancellationToken, Task<ExportFile>>>();
            foreach (var shard in shards)
            {
                var copy = await LocalCopy.DownloadAsync(store, shard.Copy, local, cancellationToken).ConfigureAwait(false)
                    ?? throw new ObjectStoreException(ObjectStoreException.Unavailable, shard.Copy, "the shard list names a shard that does not exist");
                openers.Add(ct => ExportFile.OpenAsync(copy.Path, ct));
            }
            var options = new HoldoutMeasureOptions
            {
                Settings = config.Holdout ?? new HoldoutSettings(), Metrics = config.Metrics, Alpha = config.Alpha, Guardrails = config.Guardrails,
            };
            HoldoutMeasurement measurement;
            try
            {
                measurement = await HoldoutAnalysis.MeasureAsync(openers, new ExperimentExportOptions { Columns = config.ColumnMapping, Outcomes = config.Metrics },
                    options, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MeasurementNotPossibleException or ExportValidationException)
            {
                return await MeasureCampaignHandler.FailedAsync(store, config, campaign, manifest.Dataset, runId, now, e.Message,
                    new Dictionary<string, double> { ["shards"] = shards.Count }, cancellationToken).ConfigureAwait(false);
            }
            var report = HoldoutReport.Create(campaign, runId, now, measurement);
            string folder = StoreLayout.ReportFolder(campaign, runId);
            var alerts = new List<string>();
            foreach (var breach in measurement.Guardrails.Where(g => g.Status == GuardrailStatus.Breach))
            {
                var alert = MeasureCampaignHandler.NewAlert(campaign, breach.Name, manifest.Dataset, MeasureCampaignHandler.Finding(breach), runId, now, $"{config.Name}: {breach.Message}", breach.Evidence, StoreLayout.ReportHtml(folder));
                alerts.Add(await AlertOutbox.RaiseAsync(store, alert, AlertOutbox.SubscribersOf(config), now, cancellationToken).ConfigureAwait(false));
            }
            await store.TryCreateAsync(StoreLayout.ReportHtml(folder), MeasureCampaignHandler.Render(report, HoldoutReport.WriteHtml), cancellationToken).ConfigureAwait(false);
            await store.TryCreateAsync(StoreLayout.ReportMarkdown(folder), MeasureCampaignHandler.Render(report, HoldoutReport.WriteMarkdown), cancellationToken).ConfigureAwait(false);
            await store.TryCreateAsync(StoreLayout.ReportJson(folder), MeasureCampaignHandler.Render(report, ReportJson.Write), cancellationToken).ConfigureAwait(false);
            await LatestReport.WriteAsync(store, campaign, report, folder, cancellationToken).ConfigureAwait(false);
            return new MeasureOutcome(campaign, runId, CampaignRunStatus.Measured,
                $"{campaign}: {measurement.Contrasts.Count} contrasts over {measurement.Arms.Sum(a => a.N):N0} customers, {report.Recommendation.ToString().ToLowerInvariant()}, {alerts.Count} alerts; report {folder}",
                null, folder, alerts) { Holdout = report };
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }
}
