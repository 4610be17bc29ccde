using System.CommandLine;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Design;
using Spectre.Console;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift design FILE --design geo [--sizes …] [--treatment-periods …] [--effect-sizes …] [--include …] [--exclude …]
/// […] [--cells k] [--json]</c>: GeoLift's market selection on a pre-test panel export, ranked (docs/design.md).
/// </summary>
internal static class DesignCommand
{
    private const string Examples = """


        Examples:
          lift design GeoLift_PreTest.parquet --include chicago --exclude honolulu --sizes 2,3,4,5 --treatment-periods 10,15 --effect-sizes 0,0.05,0.1,0.15,0.2 --cpic 7.5 --budget 100000
          lift design pretest.parquet --metric revenue --effect-sizes=-0.2,-0.1,-0.05,0 --json
          lift design pretest.parquet --cells 2 --sizes 3 --treatment-periods 15
        """;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "A panel export of the history before the test (unit, period, treated, metric columns); periods from the first treated one on are ignored." };
        var design = new Option<string>("--design") { Description = "Experiment design: geo (test markets against synthetic controls from the others).", DefaultValueFactory = _ => "geo" };
        var settings = new GeoDesignSettings("");
        var defaults = GeoDesignSettings.Defaults;
        var sizes = CommaListOption.WholeNumbers("--sizes", "Numbers of test markets, comma separated. Default: GeoLift's, the quantiles of 1..N at 0, 0.1, …, 0.5 (N markets).", "2,3,4,5");
        var include = CommaListOption.Names("--include", "Markets every candidate must contain, comma separated. Default: none.", "chicago,portland");
        var exclude = CommaListOption.Names("--exclude", "Markets never tested, comma separated; they stay in the donor pool. Default: none.", "honolulu");
        var budget = new Option<double?>("--budget") { Description = "Largest investment a design may need; designs at or over it are dropped. Default: no limit." };
        var holdout = CommaListOption.Numbers("--holdout", "Share of the outcome left out of the test as min,max (e.g. 0.7,0.95); designs outside are dropped. Default: no limit.", "0.7,0.95");
        var rank = new Option<string>("--rank") { Description = "Order of designs: mde (trusted designs first — test calibrated, detected lift within half the MDE — then smallest MDE, investment, imbalance) or geolift (GeoLift's rank of MDE, power and |lift − MDE|).", DefaultValueFactory = _ => "mde" };
        rank.AcceptOnlyFromAmong("mde", "geolift");
        var cells = new Option<int>("--cells") { Description = "Test cells: 2 or more splits the markets into cells by total outcome (GeoLift's multi-cell selection) and selects markets in each.", DefaultValueFactory = _ => defaults.Cells };
        var top = new Option<int>("--top") { Description = "Designs shown in the table (per cell); --json prints every one.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object {design, candidates: [{rank, locations, duration, effectSize, power, …}], simulations, test: {interval, alpha, testAlpha, reason}} instead of a table.", DefaultValueFactory = _ => false };
        var command = new Command("design", "Plan a geo test before it starts: which markets, how long, the smallest effect it can detect (MDE) and what it costs. Simulates the test on every historical window of the pre-test panel (GeoLift's market selection) and reports beside power the false-positive rate at effect 0. Exit code 1 when the export is invalid or nothing can be simulated, 2 for usage errors, 130 when stopped by Ctrl+C." + Examples)
        {
            file, design, sizes, include, exclude, budget, holdout, rank, cells, top, json,
        };
        foreach (var option in settings.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (parse.GetValue(design) is var chosen && !string.Equals(chosen, "geo", StringComparison.OrdinalIgnoreCase))
            {
                await error.WriteLineAsync($"Unknown --design '{chosen}'; expected geo (a holdout is planned with lift power --design holdout).").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            string? problem = settings.UsageProblem(parse)
                ?? (parse.GetValue(top) < 1 ? $"--top must be at least 1; got {parse.GetValue(top)}." : null)
                ?? (parse.GetValue(cells) < 1 ? $"--cells must be at least 1; got {parse.GetValue(cells)}." : null)
                ?? (parse.GetValue(holdout) is { Count: not 2 } range ? $"--holdout takes two shares, min,max (e.g. 0.7,0.95); got {range.Count}." : null);
            if (problem is not null)
            {
                await error.WriteLineAsync(problem).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var options = settings.Options(parse) with
            {
                Sizes = parse.GetValue(sizes),
                Include = parse.GetValue(include) ?? [],
                Exclude = parse.GetValue(exclude) ?? [],
                Budget = parse.GetValue(budget),
                HoldoutRange = parse.GetValue(holdout) is [double min, double max] ? (min, max) : null,
                Ranking = parse.GetValue(rank) == "geolift" ? DesignRanking.GeoLift : DesignRanking.Mde,
                Cells = parse.GetValue(cells),
            };
            var (data, exitCode) = await settings.ReadAsync(parse, path, error, cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                return exitCode;
            }
            return await RunAsync(data, options, Path.GetFileName(path), parse.GetValue(top), parse.GetValue(json), output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(GeoDesignPanel data, GeoDesignOptions options, string file, int top, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Options that do not fit this history (an unknown market, a size or duration too large) are usage errors.
        var (result, code) = await GeoDesignSettings.TryAsync<object>(
            () => options.Cells >= 2
                ? DesignProgressDisplay.Run(error, "cells", progress => MultiCellMarketSelection.Select(data, options, progress, cancellationToken))
                : DesignProgressDisplay.Run(error, "designs", progress => GeoMarketSelection.Select(data, options, progress, cancellationToken)),
            file, error).ConfigureAwait(false);
        if (result is null)
        {
            return code;
        }
        var single = result as MarketSelection;
        var multi = result as MultiCellSelection;
        if (asJson)
        {
            await output.WriteLineAsync(multi is null ? DesignJson.Selection(single!) : DesignJson.MultiCell(multi)).ConfigureAwait(false);
            return LiftApp.Ok;
        }
        var console = ConsoleFactory.Create(output);
        DesignView.Header(console, file, data, options, multi?.Simulations ?? single!.Simulations);
        if (single is not null)
        {
            DesignView.Render(console, single, top);
            return LiftApp.Ok;
        }
        for (int c = 0; c < multi!.Cells.Count; c++)
        {
            console.MarkupLine(Markup.Escape($"cell {c + 1}: {multi.CellMarkets[c].Count} markets ({string.Join(", ", multi.CellMarkets[c])})"));
            DesignView.Render(console, multi.Cells[c], top, $"cell {c + 1}");
        }
        return LiftApp.Ok;
    }
}
