using System.CommandLine;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Cli.Commands;

/// <summary>The holdout half of <c>lift measure</c>: its options and the run over one experiment export.</summary>
internal sealed class HoldoutMeasure
{
    public Option<string> Control { get; } = new("--control") { Description = "Holdout: the arm with no treatment; every other arm is compared with it.", DefaultValueFactory = _ => "holdout" };

    public Option<string?> Contrasts { get; } = new("--contrast") { Description = "Holdout: extra comparisons as treatment:control, comma separated (e.g. vbo_1p:vbo). Default: none." };

    public Option<string?> PrimaryContrast { get; } = new("--primary-contrast") { Description = "Holdout: the comparison that drives the recommendation, as treatment:control (e.g. vbo_1p:vbo). Default: the first arm against the control." };

    public Option<string?> Allocation { get; } = new("--allocation") { Description = $"Holdout: planned shares for the SRM check, arm=share comma separated (e.g. {AllocationOption.Example}), each strictly between 0 and 1, summing to 1. Default: equal shares." };

    public Option<double?> CapQuantile { get; } = new("--cap-quantile") { Description = "Holdout: winsorise outcomes at this pooled quantile (and 1 − it below) with a second pass, e.g. 0.999. Default: no capping." };

    public Option<int> TuningN { get; } = new("--tuning-n") { Description = "Holdout: N* of the always-valid interval (the sample size where it is tightest).", DefaultValueFactory = _ => 10_000 };

    public Option<string> Adjustment { get; } = new("--adjustment") { Description = "Holdout: multiple-testing adjustment of segment, surface and market results: holm or bh.", DefaultValueFactory = _ => "holm" };

    public Option<string?> Harm { get; } = new("--harm") { Description = "Holdout: guardrail metrics that must not get worse, metric=margin comma separated, :up when a rise is the harm (e.g. unsubscribes=0.05:up,orders=0.02); a row whose always-valid interval lies wholly beyond its margin is marked harmed and breaches the harm guardrail. Default: none." };

    /// <summary>Shared with the panel design: intervals are 1 − alpha in both.</summary>
    public Option<double> Alpha { get; } = new("--alpha") { Description = "Significance level (panel and holdout); intervals are 1 − alpha.", DefaultValueFactory = _ => 0.05 };

    public IEnumerable<Option> All => [.. HoldoutOnly, Alpha];

    /// <summary>The options a panel export does not take.</summary>
    public IEnumerable<Option> HoldoutOnly => [Control, Contrasts, PrimaryContrast, Allocation, CapQuantile, TuningN, Adjustment, Harm];

    /// <summary>Measures the experiment export at <paramref name="path"/>; returns the exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, string path, string? metrics, ColumnMapping? columns, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        HoldoutMeasureOptions options;
        try
        {
            options = Options(parse, metrics);
        }
        catch (FormatException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            // The settings' own rules, the ones campaign.json is held to, under the option names, on one line.
            await error.WriteLineAsync(SettingOptions.Line(problems)).ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        HoldoutMeasurement measurement;
        var console = ConsoleFactory.Create(output);
        try
        {
            Func<CancellationToken, Task<ExportFile>> open = ct => ExportFile.OpenAsync(path, ct);
            var exportOptions = new ExperimentExportOptions { Outcomes = options.Metrics, Columns = columns ?? ColumnMapping.Default };
            measurement = await HoldoutAnalysis.MeasureAsync([open], exportOptions, options, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ExportValidationException invalid)
        {
            await error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
            return LiftApp.DataProblem;
        }
        catch (MeasurementNotPossibleException problem)
        {
            await error.WriteLineAsync($"{Path.GetFileName(path)}: {problem.Message}").ConfigureAwait(false);
            return LiftApp.DataProblem;
        }
        var outcomes = measurement.Contrasts.Select(c => c.Metric).Distinct(StringComparer.Ordinal).ToArray();
        if (options.Guardrails.Harm.FirstOrDefault(h => !outcomes.Contains(h.Metric)) is { } unknown)
        {
            await error.WriteLineAsync($"{Path.GetFileName(path)}: --harm names '{unknown.Metric}', which is not an outcome of the export; it has {string.Join(", ", outcomes)}.").ConfigureAwait(false);
            return LiftApp.DataProblem;
        }
        if (asJson)
        {
            await output.WriteLineAsync(HoldoutJson.ToJson(measurement)).ConfigureAwait(false);
        }
        else
        {
            HoldoutView.Render(console, Path.GetFileName(path), measurement);
            var decision = RecommendationRule.Decide(RecommendationBasis.Of(measurement.Primary), measurement.Guardrails);
            await output.WriteLineAsync($"recommendation: {decision.Action.ToString().ToLowerInvariant()}. {decision.Reason}").ConfigureAwait(false);
        }
        return LiftApp.Ok;
    }

    /// <summary>The options as given; only their text forms are checked here, their rules by <see cref="HoldoutMeasureOptions.Validate"/>.</summary>
    private HoldoutMeasureOptions Options(ParseResult parse, string? metrics)
    {
        string adjustmentName = parse.GetValue(Adjustment)!.ToLowerInvariant();
        if (HoldoutSettings.TryParseAdjustment(adjustmentName, out var adjustment) is { } wrong)
        {
            throw new FormatException(SettingOptions.Line(wrong));
        }
        var allocation = AllocationOption.Parse(parse.GetValue(Allocation), bareShares: false);
        ArmContrast? primary = null;
        if (parse.GetValue(PrimaryContrast) is { } primaryText && HoldoutSettings.TryParseContrast(primaryText, out primary) is { } notAContrast)
        {
            throw new FormatException(SettingOptions.Line(notAContrast));
        }
        var measured = metrics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var harm = ParseHarm(parse.GetValue(Harm));
        if (measured is not null && harm.FirstOrDefault(h => !measured.Contains(h.Metric)) is { } unmeasured)
        {
            throw new FormatException($"--harm {unmeasured.Metric} is not among --metric ({string.Join(", ", measured)}); add it there.");
        }
        return new HoldoutMeasureOptions
        {
            Alpha = parse.GetValue(Alpha),
            Guardrails = new GuardrailThresholds { Harm = harm },
            Metrics = measured,
            Settings = new HoldoutSettings
            {
                Control = parse.GetValue(Control)!,
                Contrasts = ParseContrasts(parse.GetValue(Contrasts)),
                PrimaryContrast = primary,
                Allocation = allocation?.ToDictionary(StringComparer.Ordinal),
                CapQuantile = parse.GetValue(CapQuantile),
                Adjustment = adjustment,
                SequentialTuningN = parse.GetValue(TuningN),
            },
        };
    }

    /// <summary>metric=margin[:up|:down] items, comma separated: campaign.json's <c>guardrails.harm[]</c> (down, a fall is the harm, by default).</summary>
    private static List<HarmCheck> ParseHarm(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            var value = parts.Length == 2 ? parts[1].Split(':', StringSplitOptions.TrimEntries) : [];
            bool? higherIsBetter = value.Length switch { 1 => true, 2 when value[1] is "down" => true, 2 when value[1] is "up" => false, _ => null };
            if (parts[0].Length == 0 || higherIsBetter is null
                || !double.TryParse(value[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double margin))
            {
                throw new FormatException($"--harm '{item}' is not metric=margin with an optional :up (e.g. unsubscribes=0.05:up).");
            }
            return HarmCheck.IsMargin(margin)
                ? new HarmCheck(parts[0], margin, higherIsBetter.Value)
                : throw new FormatException($"--harm {parts[0]}: the margin is {value[0]}; give {HarmCheck.MarginRule}.");
        }).ToList();

    /// <summary>treatment:control pairs, comma separated; whether the two arms differ is the settings' rule.</summary>
    private static List<ArmContrast> ParseContrasts(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
        {
            var parts = pair.Split(':', StringSplitOptions.TrimEntries);
            return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
                ? new ArmContrast(parts[0], parts[1])
                : throw new FormatException($"--contrast '{pair}' is not treatment:control (e.g. vbo_1p:vbo).");
        }).ToList();
}
