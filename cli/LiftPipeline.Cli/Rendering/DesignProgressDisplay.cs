using LiftPipeline.Statistics.Design;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// A progress bar over a design's simulations, drawn on stderr when stderr is a terminal; nothing otherwise, so
/// redirected output and <c>--json</c> stay clean.
/// </summary>
internal static class DesignProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, handing it a progress receiver when <paramref name="error"/> is a terminal.</summary>
    public static T Run<T>(TextWriter error, string label, Func<IProgress<DesignProgress>?, T> work)
    {
        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
        {
            return work(null);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Detect,
        });
        if (!console.Profile.Capabilities.Interactive)
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
