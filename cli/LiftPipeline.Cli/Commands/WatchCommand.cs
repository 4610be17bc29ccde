using System.CommandLine;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift watch [--store S] [--container C] [--poll 5s] [--schedule "0 2 * * *"]</c>: the pipeline as a long-running
/// local service, until Ctrl+C — new exports every poll, the nightly run at each cron occurrence (UTC).
/// </summary>
internal static class WatchCommand
{
    public const string DefaultSchedule = "0 2 * * *";

    public static Command Create(TextWriter output, TextWriter error, CliHost host)
    {
        var store = new StoreOptions();
        var poll = Duration.Option("--poll",
            "How often to look for new exports: 250ms, 5s, 2m, 1h or hh:mm:ss. Each new export is validated, merged and its campaign measured. Default: 5s.",
            TimeSpan.FromSeconds(5));
        var schedule = new Option<string>("--schedule")
        {
            Description = "When the nightly run re-measures every active campaign, as cron in UTC: 5 fields (minute hour day month weekday) or 6 with seconds first, like the Functions setting (\"0 0 2 * * *\"). Default: \"0 2 * * *\" (02:00 UTC daily).",
            DefaultValueFactory = _ => DefaultSchedule,
        };
        var command = new Command("watch",
            "Watch a store until Ctrl+C: every --poll process new exports and measure the campaigns that received data; at each --schedule occurrence run the nightly pass " +
            "(runs/nightly-yyyyMMdd-HHmm.json) over every active campaign; deliver alerts after each. Prints one line per thing that happens. Exit code 0 when stopped, 2 for usage errors." +
            StoreOptions.SecretsHelp);
        store.AddTo(command);
        command.Options.Add(poll);
        command.Options.Add(schedule);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var location = await store.LocateAsync(parse, host, error).ConfigureAwait(false);
            if (location is null)
            {
                return LiftApp.UsageError;
            }
            CronSchedule cron;
            try
            {
                cron = CronSchedule.Parse(parse.GetValue(schedule)!);
            }
            catch (FormatException invalid)
            {
                await error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            try
            {
                await using var session = await PipelineSession.OpenAsync(location, host, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"store {location.Display}").ConfigureAwait(false);
                var loop = new WatchLoop(session.Pipeline(host, null), session.Store, cron, parse.GetValue(poll), host, output, PipelinePass.Locator(location));
                await loop.RunAsync(cancellationToken).ConfigureAwait(false);
                return LiftApp.Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return LiftApp.Ok;
            }
            catch (ObjectStoreException failed)
            {
                await error.WriteLineAsync($"The store {location.Display} failed: {failed.Message}").ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            catch (FormatException badSetting)
            {
                await error.WriteLineAsync(badSetting.Message).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
        });
        return command;
    }
}
