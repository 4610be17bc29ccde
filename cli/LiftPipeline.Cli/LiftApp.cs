using System.CommandLine;
using System.CommandLine.Help;
using LiftPipeline.Cli.Commands;
using LiftPipeline.Cli.Hosting;

namespace LiftPipeline.Cli;

/// <summary>The <c>lift</c> command tree. Output goes to the given writers so tests can run commands in-process.</summary>
public static class LiftApp
{
    /// <summary>Exit code when the command ran and found nothing wrong.</summary>
    public const int Ok = 0;

    /// <summary>
    /// Exit code when the command ran and found a problem in the data (an invalid export, say), when the store failed
    /// (unreachable, refused, malformed connection string: one line naming the store and what to check), or on an
    /// unexpected failure (one line, no stack trace).
    /// </summary>
    public const int DataProblem = 1;

    /// <summary>Exit code for usage errors (unknown option, missing argument, a <c>--store</c> folder that does not exist without <c>--create</c>).</summary>
    public const int UsageError = 2;

    /// <summary>Builds the root command writing results to <paramref name="output"/> and problems to <paramref name="error"/>.</summary>
    public static RootCommand Build(TextWriter output, TextWriter? error = null) => Build(output, error, CliHost.System);

    /// <summary>Builds the command tree over <paramref name="host"/> (clock, waiting, environment, current directory).</summary>
    internal static RootCommand Build(TextWriter output, TextWriter? error, CliHost host)
    {
        error ??= TextWriter.Null;
        var root = new RootCommand("LiftPipeline: measure whether marketing works, from Parquet exports of campaign experiments.");
        root.Subcommands.Add(InspectCommand.Create(output));
        root.Subcommands.Add(MeasureCommand.Create(output, error));
        root.Subcommands.Add(PowerCommand.Create(output, error));
        root.Subcommands.Add(DesignCommand.Create(output, error));
        root.Subcommands.Add(RunCommand.Create(output, error, host));
        root.Subcommands.Add(WatchCommand.Create(output, error, host));
        root.Subcommands.Add(DemoCommand.Create(output, error, host));
        root.Subcommands.Add(AudienceCommand.Create(output, error, host));
        NumberOptions.Apply(root);
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, CliHost.System, cancellationToken);

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command over <paramref name="host"/>; returns the exit code. Usage errors
    /// are one line naming the option; a failing <c>--json</c> command (<see cref="JsonError"/>) also prints a JSON error
    /// object on <paramref name="output"/>.
    /// </summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliHost host, CancellationToken cancellationToken = default)
    {
        var problems = JsonError.Wanted(args) ? new RecordingWriter(error) : null;
        var parsed = Build(output, problems ?? error, host).Parse(args);
        int code = await RunAsync(parsed, output, problems ?? error, cancellationToken).ConfigureAwait(false);
        if (problems is not null && code != Ok && JsonError.Applies(parsed))
        {
            await output.WriteLineAsync(JsonError.ToJson(code, problems.Text)).ConfigureAwait(false);
        }
        return code;
    }

    private static async Task<int> RunAsync(ParseResult parsed, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (parsed.Errors.Count > 0)
        {
            // One line: every problem the parser found, then where to look.
            var problems = parsed.Errors.Select(p => p.Message.Trim()).Select(m => m.EndsWith('.') ? m : m + ".").Distinct(StringComparer.Ordinal);
            await error.WriteLineAsync($"{string.Join(" ", problems)} Run 'lift --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }
        try
        {
            // Ctrl+C cancels the token handed in (Program wires SIGINT and SIGTERM); the library adds no handler of its own.
            bool help = parsed.Action is HelpAction;
            var configuration = new InvocationConfiguration
            {
                Output = help ? new StringWriter() : output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            };
            int code = await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
            if (help)
            {
                await output.WriteAsync(HelpDefaults.Once(configuration.Output.ToString()!)).ConfigureAwait(false);
            }
            return code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Ok;   // stopped (Ctrl+C)
        }
        catch (Exception unexpected)
        {
            // The last line of defence: a user sees one line, never a stack trace. Known failures are reported by the commands.
            await error.WriteLineAsync($"lift failed unexpectedly: {UserMessage.Of(unexpected)} — please report this with the command you ran.").ConfigureAwait(false);
            return DataProblem;
        }
    }
}
