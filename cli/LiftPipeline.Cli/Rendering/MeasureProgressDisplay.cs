using System.Globalization;
using LiftPipeline.Statistics.Measurement;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// A progress bar over <c>lift measure</c>'s estimates (each estimator on each cell: its point estimate, TROP's tuning,
/// then its replications), drawn on stderr when stderr is a terminal; nothing otherwise, so redirected output and
/// <c>--json</c> stay exactly what they were.
/// </summary>
internal static class MeasureProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, handing it a progress receiver when <paramref name="error"/> is a terminal.</summary>
    public static T Run<T>(TextWriter error, Func<IProgress<MeasureProgress>?, T> work)
    {
        if (TerminalConsole.Over(error) is not { } console)
        {
            return work(null);
        }
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("measuring", maxValue: 1);
                return work(new Receiver(p =>
                {
                    task.Value = Fraction(p);
                    task.Description = Markup.Escape(Describe(p));
                }));
            });
    }

    /// <summary>
    /// One line about the running estimate: "sdid (2/7) 45/200 replications", "trop cell1 (6/14) tuning 27/1,026";
    /// short enough for a 100-column terminal beside the bar.
    /// </summary>
    public static string Describe(MeasureProgress progress)
    {
        string estimate = $"{progress.Estimator}{(progress.Cell is null ? "" : " " + progress.Cell)} ({progress.Index + 1}/{progress.Count})";
        string step = progress.Estimating is { } e
            ? string.Create(CultureInfo.InvariantCulture, $"{e.Stage} {e.Done:N0}/{e.Total:N0}")
            : progress.ReplicationsDone > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{progress.ReplicationsDone:N0}/{progress.Replications:N0} replications")
                : "estimating";
        return $"{estimate} {step}";
    }

    /// <summary>
    /// The share of the whole measurement done, in [0, 1]: each estimate counts 1/Count, its point estimate (TROP's
    /// tuning) the first half of that and its replications the second, so the bar only moves forward (an estimate's
    /// "0 replications done" arrives before its point estimate runs, so it counts as the estimate's start).
    /// </summary>
    public static double Fraction(MeasureProgress progress)
    {
        if (progress.Count <= 0)
        {
            return 0;
        }
        double within = progress.Estimating is { Total: > 0 } e
            ? 0.5 * Math.Clamp((double)e.Done / e.Total, 0, 1)
            : progress.Replications > 0 && progress.ReplicationsDone > 0
                ? 0.5 + 0.5 * Math.Clamp((double)progress.ReplicationsDone / progress.Replications, 0, 1)
                : 0;
        return Math.Clamp((progress.Index + within) / progress.Count, 0, 1);
    }

    /// <summary>Reports under a lock: replications run on several threads.</summary>
    private sealed class Receiver(Action<MeasureProgress> report) : IProgress<MeasureProgress>
    {
        private readonly Lock _gate = new();

        public void Report(MeasureProgress value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
