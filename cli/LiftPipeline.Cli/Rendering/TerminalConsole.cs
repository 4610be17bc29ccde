using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>The console progress displays draw on: stderr, and only when it is a terminal.</summary>
internal static class TerminalConsole
{
    /// <summary>An interactive console over <paramref name="error"/> when it is the process's stderr on a terminal, else null.</summary>
    public static IAnsiConsole? Over(TextWriter error)
    {
        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
        {
            return null;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Detect,
        });
        return console.Profile.Capabilities.Interactive ? console : null;
    }
}
