using System.CommandLine;
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
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, CliHost.System, cancellationToken);

    /// <summary>Parses <paramref name="args"/> and runs the command over <paramref name="host"/>; returns the exit code.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliHost host, CancellationToken cancellationToken = default)
    {
        var parsed = Build(output, error, host).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
            }
            await error.WriteLineAsync("Run 'lift --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Ok;   // stopped (Ctrl+C)
        }
        catch (Exception unexpected)
        {
            // The last line of defence: a user sees one line, never a stack trace. Known failures are reported by the commands.
            await error.WriteLineAsync($"lift failed unexpectedly ({unexpected.GetType().Name}): {FirstLine(unexpected.Message)} — please report this with the command you ran.").ConfigureAwait(false);
            return DataProblem;
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }
}
