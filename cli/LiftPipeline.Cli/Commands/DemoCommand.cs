using System.CommandLine;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift demo [--dir DIR] [--force] [--samples DIR]</c>: copies the repository's sample store into a folder, runs one
/// pipeline pass over it exactly as <c>lift run</c> does, and says where to look and what to try next.
/// </summary>
internal static class DemoCommand
{
    public const string DefaultDir = "lift-demo";

    public static Command Create(TextWriter output, TextWriter error, CliHost host)
    {
        var dir = new Option<string>("--dir")
        {
            Description = "Folder for the demo store; in a folder made by an earlier demo, the sample files it copied and the pipeline's output folders are replaced (other files are kept). Default: ./lift-demo.",
            DefaultValueFactory = _ => DefaultDir,
        };
        var force = new Option<bool>("--force") { Description = "Copy the samples into --dir even when it is a non-empty folder not made by lift demo: nothing in it is deleted or overwritten, and the folder is not marked as the demo's, so a later demo without --force refuses it. Default: false.", DefaultValueFactory = _ => false };
        var samples = new Option<string?>("--samples")
        {
            Description = "The sample store to copy (campaigns/{id}/campaign.json, exports/{id}/*.parquet). Default: the first samples/ with campaigns/ found walking up from the current directory, then from the lift executable's folder.",
        };
        var command = new Command("demo",
            "Run the pipeline on the sample campaigns: copy samples/ into --dir, process its exports (one is malformed and gets quarantined), measure every campaign, " +
            "write reports and print where they are. Exit codes as for lift run." + StoreOptions.SecretsHelp)
        {
            dir, force, samples,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string current = host.CurrentDirectory();
            string target = Path.GetFullPath(parse.GetValue(dir)!, current);
            try
            {
                var source = DemoStore.LocateSamples(parse.GetValue(samples), current);
                int copied = DemoStore.Prepare(source, target, parse.GetValue(force));
                await output.WriteLineAsync($"demo: copied {copied} sample files from {source} to {target}").ConfigureAwait(false);
            }
            catch (Exception e) when (e is DemoStoreException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var location = new StoreLocation(StoreKind.Folder, target, StoreLocator.DefaultContainer);
            var (code, summary) = await PipelinePass.RunAsync(location, host, output, error, asJson: false,
                (pipeline, ct) => pipeline.RunOnceAsync(null, ct), cancellationToken).ConfigureAwait(false);
            if (summary is not null)
            {
                await WhereToLookAsync(output, target, summary).ConfigureAwait(false);
            }
            return code;
        });
        return command;
    }

    private static async Task WhereToLookAsync(TextWriter output, string target, PipelineRunSummary summary)
    {
        var locate = PipelinePass.Locator(new StoreLocation(StoreKind.Folder, target, StoreLocator.DefaultContainer));
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Where to look:").ConfigureAwait(false);
        foreach (var m in summary.Measurements.Where(m => m.Design is not null))
        {
            await output.WriteLineAsync($"  {m.Campaign}: {locate(StoreLayout.DesignHtml(m.Campaign))} (the geo design: open in a browser)").ConfigureAwait(false);
        }
        foreach (var m in summary.Measurements.Where(m => m.ReportFolder is not null && m.Design is null))
        {
            await output.WriteLineAsync($"  {m.Campaign}: {locate(StoreLayout.LatestReport(m.Campaign))}").ConfigureAwait(false);
            await output.WriteLineAsync($"  {new string(' ', m.Campaign.Value.Length)}  {locate(StoreLayout.ReportHtml(m.ReportFolder!))} (open in a browser)").ConfigureAwait(false);
        }
        foreach (var m in summary.Measurements.Where(m => m.Holdout?.PrivacyNote is not null && m.ReportFolder is not null))
        {
            await output.WriteLineAsync($"  {m.Campaign}: {locate(StoreLayout.AggregatesCsv(m.ReportFolder!))} (the noisy aggregate table) and {locate(StoreLayout.PrivacyBudget(m.Campaign))} (its privacy budget)").ConfigureAwait(false);
        }
        foreach (var a in summary.Audiences?.Audiences.Where(a => a.AsOf is not null && a.Status != AudienceRefreshStatus.Failed) ?? [])
        {
            await output.WriteLineAsync($"  audience {a.Audience}: {locate(StoreLayout.AudienceValidationMarkdown(a.Audience, a.AsOf!.Value))} (the validation report)").ConfigureAwait(false);
            await output.WriteLineAsync($"  {new string(' ', a.Audience.Value.Length + 9)}  {locate(StoreLayout.ActivationsPrefix + a.Audience + "/")} (hashed contact files per surface)").ConfigureAwait(false);
        }
        if (summary.Evidence is not null)
        {
            await output.WriteLineAsync($"  evidence across campaigns: {locate(StoreLayout.EvidenceIndex)} (pooled lifts, forest plots, budget across running campaigns)").ConfigureAwait(false);
        }
        if (summary.Portfolio is not null)
        {
            await output.WriteLineAsync($"  portfolio: {locate(StoreLayout.PortfolioLatestHtml)} (every live campaign and what concluded, as the nightly digest)").ConfigureAwait(false);
        }
        if (File.Exists(Path.Combine(target, StoreLayout.LearningsIndex)))
        {
            await output.WriteLineAsync($"  learnings: {locate(StoreLayout.LearningsIndex)} (every concluded test, each entry beside it as .md and .json)").ConfigureAwait(false);
        }
        if (summary.Exports.Any(e => e.Disposition == ExportDisposition.Quarantined))
        {
            await output.WriteLineAsync($"  quarantined exports and their reasons: {locate(StoreLayout.QuarantinePrefix)}").ConfigureAwait(false);
        }
        await output.WriteLineAsync($"  alerts: {locate(StoreLayout.AlertsPrefix)}   run manifests: {locate(StoreLayout.RunsPrefix)}").ConfigureAwait(false);
        var store = Quote(target);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Next, try (from the repository, `lift` is `dotnet run --project cli/LiftPipeline.Cli --`):").ConfigureAwait(false);
        await output.WriteLineAsync($"  lift run --store {store}                 run again: nothing new, so every measurement is reused (--remeasure redoes them)").ConfigureAwait(false);
        await output.WriteLineAsync($"  lift watch --store {store} --poll 5s     then drop a .parquet into {locate(StoreLayout.ExportsPrefix + "{campaign}/")}").ConfigureAwait(false);
        // An export that is a whole panel on its own (its campaign's only accepted export, with treated units) measures by itself.
        var export = summary.Exports.Where(e => e.Disposition == ExportDisposition.Accepted).GroupBy(e => e.Export.Campaign)
            .Where(g => g.Count() == 1).Select(g => g.First()).FirstOrDefault(e => e.Panel is { TreatedUnits.Count: > 0 });
        if (export is not null)
        {
            await output.WriteLineAsync($"  lift measure {Quote(locate(export.Export.Path))} --estimator all").ConfigureAwait(false);
        }
        // The vbo-holdout export (accepted without a panel) measures on its own too, segment by segment; the hint names its arms.
        var holdout = summary.Exports.FirstOrDefault(e => e.Disposition == ExportDisposition.Accepted && e.Panel is null && e.Export.Campaign == "vbo-holdout");
        if (holdout is not null)
        {
            await output.WriteLineAsync($"  lift measure {Quote(locate(holdout.Export.Path))} --contrast vbo_1p:vbo --metric revenue --allocation holdout=0.2,vbo=0.4,vbo_1p=0.4").ConfigureAwait(false);
        }
        // A planning campaign's export is a pre-test panel: design a geo test on it by hand, with other settings.
        var planned = summary.Measurements.FirstOrDefault(m => m.Design is not null);
        var history = planned is null ? null : summary.Exports.FirstOrDefault(e => e.Disposition == ExportDisposition.Accepted && e.Export.Campaign == planned.Campaign);
        if (history is not null)
        {
            await output.WriteLineAsync($"  lift design {Quote(locate(history.Export.Path))} --include chicago --treatment-periods 15,20 --permutation block").ConfigureAwait(false);
            await output.WriteLineAsync($"  lift power {Quote(locate(history.Export.Path))} --locations chicago,portland --treatment-periods 15 --effect-sizes=-0.1,-0.05,0,0.05,0.1 --lookback 5").ConfigureAwait(false);
        }
        await output.WriteLineAsync("  lift power --design holdout --baseline-mean 20 --sd 60 --relative-mde 0.03 --allocation holdout=0.2,vbo=0.4,vbo_1p=0.4 --daily-traffic 20000").ConfigureAwait(false);
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
