using LiftPipeline.Cli.Hosting;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using Spectre.Console;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// One pass of the local pipeline as <c>lift run</c> and <c>lift demo</c> show it: opens the store, runs the pass with a
/// progress display, prints the summary (or JSON), and returns the exit code: 0 when everything ran (guardrail breaches,
/// quarantined exports and pending deliveries are results), 1 when a campaign failed, a problem was reported or the store failed.
/// </summary>
internal static class PipelinePass
{
    public static async Task<(int ExitCode, PipelineRunSummary? Summary)> RunAsync(StoreLocation location, CliHost host, TextWriter output, TextWriter error,
        bool asJson, Func<LocalPipeline, CancellationToken, Task<PipelineRunSummary>> pass, CancellationToken cancellationToken)
    {
        var console = ConsoleFactory.Create(output);
        if (!console.Profile.Capabilities.Interactive)
        {
            console.Profile.Width = 240;   // redirected: keep each table row on one line for grep and logs
        }
        try
        {
            await using var session = await PipelineSession.OpenAsync(location, host, cancellationToken).ConfigureAwait(false);
            if (!asJson)
            {
                console.WriteLine($"store {location.Display}");
            }
            var summary = await PipelineProgressDisplay.RunAsync(console, asJson,
                progress => pass(session.Pipeline(host, progress), cancellationToken)).ConfigureAwait(false);
            if (asJson)
            {
                await output.WriteLineAsync(PipelineSummaryJson.Write(summary, Locator(location))).ConfigureAwait(false);
            }
            else
            {
                PipelineSummaryView.Render(console, output, summary, Locator(location));
            }
            return (PipelineSummaryView.HasFailures(summary) ? LiftApp.DataProblem : LiftApp.Ok, summary);
        }
        catch (ObjectStoreException failed)
        {
            await error.WriteLineAsync($"The store {location.Display} failed: {failed.Message}").ConfigureAwait(false);
            return (LiftApp.DataProblem, null);
        }
        catch (FormatException badSetting)
        {
            await error.WriteLineAsync(badSetting.Message).ConfigureAwait(false);
            return (LiftApp.UsageError, null);
        }
    }

    /// <summary>Where a user finds an object: a file path for a folder store, the blob's address otherwise.</summary>
    public static Func<string, string> Locator(StoreLocation location) => location.Kind == StoreKind.Folder
        ? name => Path.Combine(location.Value, name.Replace('/', Path.DirectorySeparatorChar))
        : name => $"{location.Display}/{name}";
}
