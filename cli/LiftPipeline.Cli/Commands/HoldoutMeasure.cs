using System.CommandLine;
using System.Globalization;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Cli.Commands;

/// <summary>The holdout half of <c>lift measure</c>: its options and the run over one experiment export.</summary>
internal sealed class HoldoutMeasure
{
    public Option<string> Control { get; } = new("--control") { Description = "Holdout: the arm with no treatment; every other arm is compared with it.", DefaultValueFactory = _ => "holdout" };

    public Option<string?> Contrasts { get; } = new("--contrast") { Description = "Holdout: extra comparisons as treatment:control, comma separated (e.g. vbo_1p:vbo). Default: none." };

    public Option<string?> Allocation { get; } = new("--allocation") { Description = "Holdout: planned shares for the SRM check, arm=share comma separated (e.g. holdout=0.2,vbo=0.4,vbo_1p=0.4). Default: equal shares." };

    public Option<double?> CapQuantile { get; } = new("--cap-quantile") { Description = "Holdout: winsorise outcomes at this pooled quantile (and 1 − it below) with a second pass, e.g. 0.999. Default: no capping." };

    public Option<int> TuningN { get; } = new("--tuning-n") { Description = "Holdout: N* of the always-valid interval (the sample size where it is tightest).", DefaultValueFactory = _ => 10_000 };

    public Option<string> Adjustment { get; } = new("--adjustment") { Description = "Holdout: multiple-testing adjustment of segment, surface and market results: holm or bh.", DefaultValueFactory = _ => "holm" };

    public Option<double> Alpha { get; } = new("--alpha") { Description = "Holdout: significance level; intervals are 1 − alpha.", DefaultValueFactory = _ => 0.05 };

    public IEnumerable<Option> All => [Control, Contrasts, Allocation, CapQuantile, TuningN, Adjustment, Alpha];

    /// <summary>Measures the experiment export at <paramref name="path"/>; returns the exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, string path, string? metrics, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
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
        HoldoutMeasurement measurement;
        var console = ConsoleFactory.Create(output);
        try
        {
            Func<CancellationToken, Task<ExportFile>> open = ct => ExportFile.OpenAsync(path, ct);
            var exportOptions = new ExperimentExportOptions { Outcomes = options.Metrics };
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
        if (asJson)
        {
            await output.WriteLineAsync(HoldoutJson.ToJson(measurement)).ConfigureAwait(false);
        }
        else
        {
            HoldoutView.Render(console, Path.GetFileName(path), measurement);
        }
        return LiftApp.Ok;
    }

    private HoldoutMeasureOptions Options(ParseResult parse, string? metrics)
    {
        double alpha = parse.GetValue(Alpha);
        if (!(alpha > 0 && alpha < 0.5))
        {
            throw new FormatException($"--alpha {alpha} must lie strictly between 0 and 0.5.");
        }
        var adjustment = parse.GetValue(Adjustment)!.ToLowerInvariant() switch
        {
            "holm" => MultipleTestingAdjustment.Holm,
            "bh" => MultipleTestingAdjustment.BenjaminiHochberg,
            var other => throw new FormatException($"--adjustment '{other}' is not holm or bh."),
        };
        double? cap = parse.GetValue(CapQuantile);
        if (cap is { } q && !(q > 0.5 && q < 1))
        {
            throw new FormatException($"--cap-quantile {q} must lie strictly between 0.5 and 1 (e.g. 0.999).");
        }
        int tuning = parse.GetValue(TuningN);
        if (tuning < 1)
        {
            throw new FormatException($"--tuning-n {tuning} must be at least 1.");
        }
        return new HoldoutMeasureOptions
        {
            Alpha = alpha,
            Metrics = metrics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Settings = new HoldoutSettings
            {
                Control = parse.GetValue(Control)!,
                Contrasts = ParseContrasts(parse.GetValue(Contrasts)),
                Allocation = ParseAllocation(parse.GetValue(Allocation)),
                CapQuantile = cap,
                Adjustment = adjustment,
                SequentialTuningN = tuning,
            },
        };
    }

    private static List<ArmContrast> ParseContrasts(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
        {
            var parts = pair.Split(':', StringSplitOptions.TrimEntries);
            return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 && parts[0] != parts[1]
                ? new ArmContrast(parts[0], parts[1])
                : throw new FormatException($"--contrast '{pair}' is not treatment:control with two different arms (e.g. vbo_1p:vbo).");
        }).ToList();

    private static Dictionary<string, double>? ParseAllocation(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double share) || !(share > 0 && share < 1))
            {
                throw new FormatException($"--allocation '{item}' is not arm=share with a share strictly between 0 and 1.");
            }
            shares[parts[0]] = share;
        }
        if (Math.Abs(shares.Values.Sum() - 1) > 1e-6)
        {
            throw new FormatException($"--allocation shares sum to {shares.Values.Sum().ToString("0.######", CultureInfo.InvariantCulture)}; they must sum to 1.");
        }
        return shares;
    }
}
