using System.CommandLine;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Inspection;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using Spectre.Console;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift measure FILE --metric NAME [--estimator …] [--solver …] [--se …] [--reps N] [--seed S] [--json]</c>:
/// the panel estimators on one export, with uncertainty.
/// </summary>
internal static class MeasureCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "A panel export (unit, period, treated, metric columns; optional arm)." };
        var metric = new Option<string?>("--metric") { Description = "The metric column to measure (holdout: a comma list, primary first). Default: the export's only metric (holdout: every outcome)." };
        var estimators = new Option<string>("--estimator")
        {
            Description = "Comma-separated estimators, or 'all'" + PanelEstimators.AliasNote() + ":" + Choices(PanelEstimators.All.Select(d => (d.Name, d.Description))),
            DefaultValueFactory = _ => "sdid",
        };
        var solver = new Option<string>("--solver")
        {
            Description = "Weight solver for sc, difp and sdid: exact (converged optima) or synthdid (the reference's Frank-Wolfe, reproduces its published numbers).",
            HelpName = "exact|synthdid",
            DefaultValueFactory = _ => "exact",
        };
        solver.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not ("exact" or "synthdid") and var wrong)
            {
                result.AddError($"--solver '{wrong}' is not a solver; give exact or synthdid.");
            }
        });
        var se = new Option<string>("--se")
        {
            Description = "Uncertainty, or none:" + Choices(VarianceEstimators.All.Select(d => (d.Name, d.Description))),
            DefaultValueFactory = _ => "placebo",
        };
        var reps = new Option<int>("--reps")
        {
            Description = "Replications for " + string.Join(", ", VarianceEstimators.All.Where(d => d.UsesReplications).Select(d => d.Name)) + " (the others enumerate a fixed set).",
            DefaultValueFactory = _ => 200,
        };
        var cohortSe = new Option<string>("--cohort-se")
        {
            Description = "Staggered adoption: joint (placebo and bootstrap re-run all cohorts together, as they share controls) or independent (faster; cohort standard errors combined as if independent, too narrow).",
            DefaultValueFactory = _ => "joint",
        };
        var seed = new Option<int>("--seed") { Description = "Seed for every random draw; the same seed gives the same numbers.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object instead of tables.", DefaultValueFactory = _ => false };
        var maxRows = new Option<long>("--max-rows")
        {
            Description = "Most rows a panel export may hold; a larger one is refused as too-large before it is read (memory grows with rows).",
            DefaultValueFactory = _ => IngestionLimits.Panel.MaxRows,
        };
        var design = new Option<string?>("--design") { Description = "panel (unit × period export) or holdout (customer-level experiment). Default: from the export's columns." };
        var map = ColumnMapOption.Create();
        var holdout = new HoldoutMeasure();
        Option[] panelOnly = [estimators, solver, se, reps, cohortSe, seed, maxRows];
        var command = new Command("measure", "Estimate the effect of treatment. A panel export (geo test, market panel): ATT, uncertainty, lift, incremental total, weights and effect per period. A holdout (customer-level experiment, --design holdout): every arm against the control and extra contrasts, per metric, segment, surface and market, with fixed and always-valid intervals, CUPED on pre_* columns, iROAS and guardrails. Exit code 1 when the export is invalid or an estimator cannot run on it (a variance method the design does not allow leaves the estimates with no standard error and a warning), 2 for usage errors, 130 when stopped by Ctrl+C.")
        {
            file, metric, estimators, solver, se, reps, cohortSe, seed, json, design, maxRows, map,
        };
        foreach (var option in holdout.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            string? chosenDesign = parse.GetValue(design);
            if (chosenDesign is not null and not "panel" and not "holdout")
            {
                await error.WriteLineAsync($"Unknown --design '{chosenDesign}'; expected panel or holdout.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var contract = chosenDesign is null ? await ContractAsync(path, parse.GetValue(map), cancellationToken).ConfigureAwait(false) : ExportContract.Unknown;
            if (contract == ExportContract.Customers)
            {
                await error.WriteLineAsync($"{Path.GetFileName(path)} is a customers export (the audience source), not a panel or holdout export; use lift audience assign or lift audience export.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            bool isHoldout = chosenDesign == "holdout" || contract == ExportContract.Experiment;
            if (ForOtherDesign(parse, isHoldout ? panelOnly : holdout.HoldoutOnly) is { } misplaced)
            {
                await error.WriteLineAsync(isHoldout
                    ? $"{misplaced} applies to panel exports; {Path.GetFileName(path)} is a holdout (customer-level experiment)."
                    : $"{misplaced} applies to holdouts; {Path.GetFileName(path)} is a panel export.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            if (isHoldout)
            {
                return await holdout.RunAsync(parse, path, parse.GetValue(metric), parse.GetValue(map), parse.GetValue(json), output, error, cancellationToken).ConfigureAwait(false);
            }
            if (parse.GetValue(maxRows) < 1)
            {
                await error.WriteLineAsync($"--max-rows must be at least 1; got {parse.GetValue(maxRows)}.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var names = ParseEstimators(parse.GetValue(estimators)!);
            if (names.Length == 0)
            {
                await error.WriteLineAsync($"--estimator is empty; give one or more of {string.Join(", ", PanelEstimators.Names)}, comma separated, or all.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            if (parse.GetValue(reps) is var replications and < 2)
            {
                await error.WriteLineAsync($"--reps is {replications}; give at least 2 replications (default 200).").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            double alpha = parse.GetValue(holdout.Alpha);
            if (SignificanceLevel.Check(alpha) is { } badAlpha)
            {
                await error.WriteLineAsync(SettingOptions.Line(badAlpha)).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var variance = parse.GetValue(se)!;
            foreach (var name in names)
            {
                if (!PanelEstimators.TryFind(name, out _))
                {
                    await error.WriteLineAsync(PanelEstimators.UnknownMessage(name)).ConfigureAwait(false);
                    return LiftApp.UsageError;
                }
            }
            bool noVariance = string.Equals(variance, "none", StringComparison.OrdinalIgnoreCase);
            if (!noVariance && !VarianceEstimators.TryFind(variance, out _))
            {
                await error.WriteLineAsync($"Unknown --se '{variance}'; expected one of {string.Join(", ", VarianceEstimators.Names)} or none.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            if (!CohortVariances.TryParse(parse.GetValue(cohortSe), out var cohortVariance))
            {
                await error.WriteLineAsync($"Unknown --cohort-se '{parse.GetValue(cohortSe)}'; expected {string.Join(" or ", CohortVariances.Names)}.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            Statistics.Panels.Panel panel;
            try
            {
                var readOptions = new PanelExportOptions { Limits = IngestionLimits.Panel.WithMaxRows(parse.GetValue(maxRows)), Columns = parse.GetValue(map) ?? ColumnMapping.Default };
                panel = await PanelExportReader.ReadAsync(path, readOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (ExportValidationException invalid)
            {
                await error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            if (PanelReadiness.Of(panel) is { Measurable: false } readiness)
            {
                await error.WriteLineAsync($"{Path.GetFileName(path)}: {readiness.Problem}").ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            var chosen = parse.GetValue(metric);
            if (chosen is null && panel.MetricNames.Count != 1)
            {
                await error.WriteLineAsync($"The export has metrics {string.Join(", ", panel.MetricNames)}; choose one with --metric.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            chosen ??= panel.MetricNames[0];
            if (!panel.MetricNames.Contains(chosen, StringComparer.Ordinal))
            {
                await error.WriteLineAsync(panel.Spend is not null && chosen == panel.Spend.Name
                    ? $"'{chosen}' is the export's spend column, read as spend (iROAS and cost per incremental conversion follow the estimates), not a metric; choose one of {string.Join(", ", panel.MetricNames)}."
                    : $"The export has no metric '{chosen}'; it has {string.Join(", ", panel.MetricNames)}.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var options = new PanelMeasureOptions
            {
                Metric = chosen,
                Estimators = names,
                Settings = new PanelEstimatorSettings { Solver = parse.GetValue(solver) == "synthdid" ? WeightSolver.Synthdid : WeightSolver.Exact, Seed = parse.GetValue(seed) },
                Variance = noVariance ? null : variance,
                VarianceOptions = new VarianceOptions { Replications = parse.GetValue(reps), Seed = parse.GetValue(seed), Level = 1 - alpha },
                CohortVariance = cohortVariance,
            };
            PanelMeasurement measurement;
            bool asJson = parse.GetValue(json);
            var console = ConsoleFactory.Create(output);
            try
            {
                measurement = MeasureProgressDisplay.Run(error, progress => PanelMeasurer.Measure(panel, options with { Progress = progress }, cancellationToken));
            }
            catch (MeasurementNotPossibleException problem)
            {
                await error.WriteLineAsync($"{Path.GetFileName(path)}: {problem.Message}").ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            if (asJson)
            {
                await output.WriteLineAsync(PanelJson.ToJson(measurement, options.VarianceOptions.Level)).ConfigureAwait(false);
            }
            else
            {
                MeasurementView.Render(console, Path.GetFileName(path), measurement, options.VarianceOptions.Level);
            }
            return LiftApp.Ok;
        });
        return command;
    }

    /// <summary>The first of <paramref name="options"/> given on the command line, or null.</summary>
    private static string? ForOtherDesign(ParseResult parse, IEnumerable<Option> options) =>
        options.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false })?.Name;

    /// <summary>The contract the file's columns match; Unknown when it cannot be opened (the panel path reports why).</summary>
    private static async Task<ExportContract> ContractAsync(string path, ColumnMapping? mapping, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = await ExportFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
            return ExportInspector.Detect(file, mapping);
        }
        catch (Exception e) when (e is ExportValidationException or IOException)
        {
            return ExportContract.Unknown;   // the panel path reports the problem with the file
        }
    }

    /// <summary>One indented "name — description" line per choice, for help text.</summary>
    private static string Choices(IEnumerable<(string Name, string Description)> choices) =>
        string.Concat(choices.Select(c => $"{Environment.NewLine}  {c.Name} — {c.Description}"));

    private static string[] ParseEstimators(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length == 1 && string.Equals(names[0], "all", StringComparison.OrdinalIgnoreCase) ? [.. PanelEstimators.Names] : names;
    }
}
