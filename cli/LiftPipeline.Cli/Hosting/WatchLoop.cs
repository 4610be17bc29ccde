using System.Globalization;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Cli.Hosting;

/// <summary>
/// The loop of <c>lift watch</c>: every <paramref name="poll"/> the new-exports beat
/// (<see cref="LocalPipeline.ProcessNewExportsAsync"/>), and at each occurrence of <paramref name="schedule"/> (UTC) the
/// nightly beat (<see cref="LocalPipeline.NightlyAsync"/> for that occurrence). Time and waiting come from
/// <paramref name="host"/>, so tests drive it with a manual clock. An occurrence missed while a beat ran is run once, late;
/// further missed ones are skipped. Started after an occurrence of the last <see cref="CatchUpWindow"/> whose run
/// <paramref name="store"/> does not record as finished (a restart after the scheduled time), it runs that one occurrence
/// at once. A store failure is reported and retried at the next poll. Runs until cancelled.
/// </summary>
internal sealed class WatchLoop(LocalPipeline pipeline, IObjectStore store, CronSchedule schedule, TimeSpan poll, CliHost host, TextWriter output, Func<string, string> locate)
{
    /// <summary>How far back a starting watch looks for a scheduled run it missed: only the most recent occurrence in it is caught up.</summary>
    public static readonly TimeSpan CatchUpWindow = TimeSpan.FromHours(24);

    /// <summary>Loops until <paramref name="cancellationToken"/> is cancelled, at any step; then writes "stopped".</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped while catching up or starting
        }
        await LineAsync("stopped").ConfigureAwait(false);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var next = schedule.NextAfter(host.Clock.GetUtcNow());
        await LineAsync($"watching: new exports every {Describe(poll)}, scheduled run '{schedule.Expression}' (UTC), next at {Stamp(next)}").ConfigureAwait(false);
        if (await MissedAsync(cancellationToken).ConfigureAwait(false) is { } missed)
        {
            await LineAsync($"catching up the scheduled run for {Stamp(missed)}, missed while the watch was not running").ConfigureAwait(false);
            next = missed;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReportAsync(await pipeline.ProcessNewExportsAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                var now = host.Clock.GetUtcNow();
                if (now >= next)
                {
                    await LineAsync($"scheduled run for {Stamp(next)}").ConfigureAwait(false);
                    await ReportAsync(await pipeline.NightlyAsync(next, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                    next = schedule.NextAfter(host.Clock.GetUtcNow() > now ? host.Clock.GetUtcNow() : now);
                    await LineAsync($"next scheduled run at {Stamp(next)}").ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectStoreException failed)
            {
                await LineAsync($"store failed, retrying at the next poll: {failed.Message}").ConfigureAwait(false);
            }
            var wait = next - host.Clock.GetUtcNow();
            try
            {
                await host.WaitAsync(wait < poll ? (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : poll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>The latest occurrence within <see cref="CatchUpWindow"/> whose run has no manifest, or one with campaigns still queued; null when there is none.</summary>
    private async Task<DateTimeOffset?> MissedAsync(CancellationToken cancellationToken)
    {
        if (schedule.LastWithin(host.Clock.GetUtcNow(), CatchUpWindow) is not { } last)
        {
            return null;
        }
        try
        {
            var manifest = await new RunLedger(store).ReadAsync(RunIds.Nightly(last), cancellationToken).ConfigureAwait(false);
            return manifest is null || manifest.Campaigns.Any(c => c.Status == CampaignRunStatus.Queued) ? last : null;
        }
        catch (Exception failed) when (failed is ObjectStoreException or FormatException)
        {
            await LineAsync($"could not read the run manifest of {Stamp(last)}, not catching it up: {failed.Message}").ConfigureAwait(false);
            return null;
        }
    }

    private async Task ReportAsync(PipelineRunSummary summary)
    {
        if (summary.RunId is { } runId)
        {
            await LineAsync(summary.Start == RunStart.LeaseHeld ? $"run {runId} {PipelineSummaryView.SkippedRun}" : $"run {runId}: {summary.Measurements.Count} campaigns").ConfigureAwait(false);
        }
        foreach (var export in summary.Exports)
        {
            await LineAsync($"{PipelineSummaryView.Disposition(export.Disposition)} {export.Export.Path}: {export.Message}").ConfigureAwait(false);
        }
        foreach (var m in summary.Measurements)
        {
            await LineAsync(Measurement(m)).ConfigureAwait(false);
        }
        foreach (var d in summary.Deliveries)
        {
            var status = d.Outcome.StatusText;
            await LineAsync($"{status} {d.AlertId} → {d.Subscriber}{(d.Outcome.Error is null ? "" : ": " + d.Outcome.Error)}").ConfigureAwait(false);
        }
        foreach (var problem in summary.Problems)
        {
            await LineAsync($"problem {problem}").ConfigureAwait(false);
        }
    }

    private string Measurement(MeasureOutcome m)
    {
        if (m.Report is not { Primary: { } primary } report)
        {
            return $"{m.Status.ToString().ToLowerInvariant()} {m.Campaign} ({m.RunId}): {m.Message}";
        }
        var interval = primary.Uncertainty is { } u ? $" [{PipelineSummaryView.Number(u.CiLow)}, {PipelineSummaryView.Number(u.CiHigh)}]" : "";
        return $"measured {m.Campaign} ({m.RunId}): {primary.Estimator} ATT {PipelineSummaryView.Number(primary.Att)}{interval}, "
            + $"{PipelineSummaryView.Guardrails(report.Guardrails)}, {report.Recommendation.ToString().ToLowerInvariant()}; "
            + $"{m.Alerts.Count} alerts; report {locate(StoreLayout.ReportHtml(m.ReportFolder!))}";
    }

    private Task LineAsync(string text) => output.WriteLineAsync($"{Stamp(host.Clock.GetUtcNow())} {text}");

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"5s", "2m", "1h30m", "250ms".</summary>
    internal static string Describe(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => $"{span.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
        { TotalMinutes: < 1 } => $"{span.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
        { TotalHours: < 1 } => $"{span.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m",
        _ => $"{span.TotalHours.ToString(CultureInfo.InvariantCulture)}h",
    };
}
