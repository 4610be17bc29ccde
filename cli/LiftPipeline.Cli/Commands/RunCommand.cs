using System.CommandLine;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift run [--store S] [--container C] [--run-id ID] [--lease-wait 30s] [--remeasure] [--json]</c>: one pass of the pipeline over a store — new
/// exports, every active campaign measured, alerts delivered (new and pending).
/// </summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error, CliHost host)
    {
        var store = new StoreOptions();
        var runId = new Option<string?>("--run-id")
        {
            Description = "Id of the run (a-z, 0-9, '-'; up to 64). A run id already used re-delivers its alerts and measures only campaigns it has not measured. Default: run-yyyyMMdd-HHmmss (UTC now).",
        };
        var leaseWait = Duration.Option("--lease-wait",
            "How long to wait, polling every second, while another run holds the run lease (runs/nightly.lease) before this run is skipped with exit code 0: 250ms, 5s, 2m or hh:mm:ss. Default: 30s.",
            TimeSpan.FromSeconds(30));
        var remeasure = new Option<bool>("--remeasure")
        {
            Description = "Measure every active campaign again, even one whose dataset, campaign.json and engine are unchanged since its stored measurement (which a run otherwise reuses). Default: false.",
            DefaultValueFactory = _ => false,
        };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object (runId, run: started or skipped, exports, measurements, deliveries, problems) instead of progress and tables. Default: false.", DefaultValueFactory = _ => false };
        var command = new Command("run",
            "Run the pipeline once over a store: process new exports (accepted ones merged into the campaign dataset, invalid ones quarantined), " +
            "measure every active campaign, write reports, deliver alerts (new and pending). " +
            "Exit code 0 when everything ran — guardrail breaches, quarantined exports and pending deliveries are results, and a run that waited 30 s for another run's lease " +
            "is skipped (\"skipped: another run is measuring\"); the summary counts only exports this process merged; 1 when a campaign failed, a problem was reported or the store failed; 2 for usage errors; 130 when stopped by Ctrl+C." +
            StoreOptions.SecretsHelp);
        store.AddTo(command);
        command.Options.Add(runId);
        command.Options.Add(leaseWait);
        command.Options.Add(remeasure);
        command.Options.Add(json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var location = await store.LocateAsync(parse, host, error).ConfigureAwait(false);
            if (location is null)
            {
                return LiftApp.UsageError;
            }
            var text = parse.GetValue(runId);
            RunId? id;
            try
            {
                id = RunId.ParseOptional(text);
            }
            catch (ObjectStoreException)
            {
                await error.WriteLineAsync($"--run-id '{text}' is not a run id: use 1-64 characters of a-z, 0-9 and '-'.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var (code, _) = await PipelinePass.RunAsync(location, host, output, error, parse.GetValue(json),
                (pipeline, ct) =>
                {
                    pipeline.LeaseWait = parse.GetValue(leaseWait);
                    pipeline.Reuse = !parse.GetValue(remeasure);
                    return pipeline.RunOnceAsync(id, ct);
                }, cancellationToken).ConfigureAwait(false);
            return code;
        });
        return command;
    }
}
