using LiftPipeline.Pipeline.Hosting;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// Shows what a pipeline pass is doing: a live status line on a terminal (as <c>lift measure</c> decides: an interactive
/// console), one plain line per export, campaign, estimator and delivery when output is redirected, nothing for JSON.
/// </summary>
internal static class PipelineProgressDisplay
{
    /// <summary>Runs <paramref name="pass"/>, handing it the progress receiver that fits the console.</summary>
    public static Task<PipelineRunSummary> RunAsync(IAnsiConsole console, bool quiet, Func<IProgress<PipelineProgress>?, Task<PipelineRunSummary>> pass)
    {
        if (quiet)
        {
            return pass(null);
        }
        if (console.Profile.Capabilities.Interactive)
        {
            return console.Status().StartAsync("starting", context =>
                pass(new Receiver(p => context.Status(Markup.Escape(Describe(p, withReplications: true))))));
        }
        string? last = null;
        return pass(new Receiver(p =>
        {
            var line = Describe(p, withReplications: false);
            if (line != last)
            {
                last = line;
                console.WriteLine(line);
            }
        }));
    }

    /// <summary>
    /// One line about <paramref name="progress"/>: on a terminal with the estimate's step (TROP's tuning, replications done),
    /// without replications (redirected) one that changes only when the work item or estimate does.
    /// </summary>
    public static string Describe(PipelineProgress progress, bool withReplications) => progress.Stage switch
    {
        "export" => $"export   {progress.Subject}",
        "audience" => $"audience {progress.Subject}: segments, holdouts, activation, validation",
        "schedule" => "schedule active campaigns",
        "measure" when progress.Measure is { } m && withReplications => $"measure  {progress.Subject}: {MeasureProgressDisplay.Describe(m)}",
        "measure" when progress.Measure is { } m => $"measure  {progress.Subject}: {m.Estimator}{(m.Cell is null ? "" : " " + m.Cell)} ({m.Index + 1}/{m.Count})",
        "measure" => $"measure  {progress.Subject}",
        "deliver" when progress.Subject == "pending" => "deliver  pending alerts",
        "deliver" => $"deliver  {progress.Subject}",
        _ => $"{progress.Stage} {progress.Subject}",
    };

    /// <summary>Reports synchronously, under a lock (replications may report from several threads).</summary>
    private sealed class Receiver(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        private readonly Lock _gate = new();

        public void Report(PipelineProgress value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
