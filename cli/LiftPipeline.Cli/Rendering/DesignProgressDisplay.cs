using LiftPipeline.Statistics.Design;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// A progress bar over a design's simulations (or a spinner for work that reports none), drawn on stderr when stderr is
/// a terminal; nothing otherwise, so redirected output and <c>--json</c> stay clean.
/// </summary>
internal static class DesignProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, handing it a progress receiver when <paramref name="error"/> is a terminal.</summary>
    public static T Run<T>(TextWriter error, string label, Func<IProgress<DesignProgress>?, T> work)
    {
        if (TerminalConsole.Over(error) is not { } console)
        {
            return work(null);
        }
        return console.Progress().AutoClear(true).HideCompleted(true).Start(context =>
        {
            var task = context.AddTask(Markup.Escape(label), maxValue: 1);
            return work(new Receiver(p =>
            {
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
                task.Description = Markup.Escape($"{label} {p.Done:N0}/{p.Total:N0} simulations");
            }));
        });
    }

    /// <summary>Runs <paramref name="work"/>, which reports no progress, under a spinner naming it when <paramref name="error"/> is a terminal.</summary>
    public static T Status<T>(TextWriter error, string label, Func<T> work) =>
        TerminalConsole.Over(error) is { } console ? console.Status().Start(Markup.Escape(label), _ => work()) : work();

    /// <summary>Reports under a lock: simulations run on several threads.</summary>
    private sealed class Receiver(Action<DesignProgress> report) : IProgress<DesignProgress>
    {
        private readonly Lock _gate = new();

        public void Report(DesignProgress value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
