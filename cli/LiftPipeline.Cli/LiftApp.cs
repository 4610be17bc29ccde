using System.CommandLine;
using LiftPipeline.Cli.Commands;

namespace LiftPipeline.Cli;

/// <summary>The <c>lift</c> command tree. Output goes to the given writers so tests can run commands in-process.</summary>
public static class LiftApp
{
    /// <summary>Exit code when the command ran and found nothing wrong.</summary>
    public const int Ok = 0;

    /// <summary>Exit code when the command ran and found a problem in the data (an invalid export, say).</summary>
    public const int DataProblem = 1;

    /// <summary>Exit code for usage errors (unknown option, missing argument).</summary>
    public const int UsageError = 2;

    /// <summary>Builds the root command writing results to <paramref name="output"/> and problems to <paramref name="error"/>.</summary>
    public static RootCommand Build(TextWriter output, TextWriter? error = null)
    {
        var root = new RootCommand("LiftPipeline: measure whether marketing works, from Parquet exports of campaign experiments.");
        root.Subcommands.Add(InspectCommand.Create(output));
        root.Subcommands.Add(MeasureCommand.Create(output, error ?? TextWriter.Null));
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parsed = Build(output, error).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
            }
            await error.WriteLineAsync("Run 'lift --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }
}
