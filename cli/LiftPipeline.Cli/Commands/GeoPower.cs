using System.CommandLine;
using System.CommandLine.Parsing;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// The geo half of <c>lift power</c>: the power curve of chosen test markets on a pre-test panel export, for every
/// duration × effect size, with the false-positive rate at effect 0 (GeoLift's GeoLiftPower; docs/design.md). With
/// <c>--locations</c> given more than once, one cell each: every cell's curve without the other cells' markets as controls,
/// and how much better one cell must do to be declared the winner (GeoLift's MultiCellPower and MultiCellWinner).
/// </summary>
internal sealed class GeoPower
{
    /// <param name="alpha">The command's <c>--alpha</c> (its default follows the design).</param>
    /// <param name="power">The command's <c>--power</c>.</param>
    /// <param name="fixedHorizon">The command's <c>--fixed-horizon</c> (shared with the holdout design).</param>
    public GeoPower(Option<double> alpha, Option<double> power, Option<bool> fixedHorizon)
    {
        Settings = new GeoDesignSettings("Geo: ", alpha, power, fixedHorizon);
    }

    public Option<IReadOnlyList<IReadOnlyList<string>>?> Locations { get; } = CommaListOption.RepeatedNames(
        "--locations", "Geo: the test markets, comma separated. Required for geo. Give it once per cell (--locations a,b --locations c,d) to compare test cells.", "chicago,portland");

    public Option<IReadOnlyList<string>?> Controls { get; } = CommaListOption.Names("--controls", "Geo: the control markets the synthetic control may use, comma separated (a pre-chosen split). Default: every other market.", "cincinnati,houston");

    public GeoDesignSettings Settings { get; }

    public IEnumerable<Option> All => [Locations, Controls, .. Settings.Own];

    /// <summary>The options a geo curve cannot do without, as parse errors on <paramref name="command"/>.</summary>
    public void Require(CommandResult command, Argument<FileInfo?> file)
    {
        if (command.GetResult(file) is not { Tokens.Count: > 0 })
        {
            command.AddError("--design geo needs FILE, a panel export of the history before the test.");
        }
        if (command.GetResult(Locations) is null)
        {
            command.AddError("Option '--locations' is required for --design geo: the test markets, comma separated (e.g. chicago,portland).");
        }
    }

    /// <summary>Simulates the curve of the markets in <paramref name="parse"/> and prints it; returns the exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, string path, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (Settings.UsageProblem(parse) is { } problem)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        var (data, exitCode) = await Settings.ReadAsync(parse, path, error, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return exitCode;
        }
        var cells = parse.GetValue(Locations)!;
        var controls = parse.GetValue(Controls);
        var options = Settings.Options(parse) with { Controls = controls };
        if (cells.Count > 1)
        {
            return await CompareAsync(data, cells, options, path, asJson, output, error, cancellationToken).ConfigureAwait(false);
        }
        var (curve, code) = await GeoDesignSettings.TryAsync(
            () => DesignProgressDisplay.Run(error, "power curve", progress => GeoPowerAnalysis.Curve(data, cells[0], options, progress, cancellationToken)),
            Path.GetFileName(path), error).ConfigureAwait(false);
        if (curve is null)
        {
            return code;
        }
        if (asJson)
        {
            await output.WriteLineAsync(DesignJson.Curve(curve, controls, options)).ConfigureAwait(false);
        }
        else
        {
            GeoPowerView.Render(ConsoleFactory.Create(output), Path.GetFileName(path), data, curve, controls, options);
        }
        return LiftApp.Ok;
    }

    /// <summary>Compares the cells at every duration given; returns the exit code.</summary>
    private static async Task<int> CompareAsync(
        GeoDesignPanel data, IReadOnlyList<IReadOnlyList<string>> cells, GeoDesignOptions options, string path, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? problem = options.Controls is not null
            ? "--controls applies to one test cell; with several --locations each cell is measured against the markets in no cell."
            : options.TreatmentPeriods is null ? "Comparing cells needs --treatment-periods (e.g. 15)." : null;
        if (problem is not null)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        var (comparisons, code) = await GeoDesignSettings.TryAsync(
            () => options.TreatmentPeriods!.Distinct().Select(duration =>
            {
                var (curves, pairs) = DesignProgressDisplay.Status(error, $"comparing {cells.Count} cells over {duration} periods", () => MultiCellMarketSelection.Compare(data, cells, duration, options, cancellationToken));
                return new CellComparisons(duration, curves, pairs);
            }).ToList(),
            Path.GetFileName(path), error).ConfigureAwait(false);
        if (comparisons is null)
        {
            return code;
        }
        if (asJson)
        {
            await output.WriteLineAsync(DesignJson.Cells(cells, comparisons, options)).ConfigureAwait(false);
        }
        else
        {
            GeoPowerView.RenderCells(ConsoleFactory.Create(output), Path.GetFileName(path), data, comparisons, options);
        }
        return LiftApp.Ok;
    }
}
