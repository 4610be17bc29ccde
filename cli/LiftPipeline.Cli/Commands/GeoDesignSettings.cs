using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// The knobs <c>lift design</c> and <c>lift power --design geo</c> share (durations, effect sizes, cost, the simulated
/// test), the panel export they read, and how they become <see cref="GeoDesignOptions"/>. Defaults are the options type's.
/// </summary>
internal sealed class GeoDesignSettings
{
    /// <summary>The options' own defaults, shown in help and used when an option is not given.</summary>
    public static readonly GeoDesignOptions Defaults = new();

    /// <param name="prefix">Put before every description (<c>"Geo: "</c> where the command also has other designs' options).</param>
    /// <param name="alpha">The command's <c>--alpha</c>, when another design shares it; null makes a geo one.</param>
    /// <param name="power">The command's <c>--power</c>, likewise.</param>
    /// <param name="fixedHorizon">The command's <c>--fixed-horizon</c>, likewise.</param>
    public GeoDesignSettings(string prefix, Option<double>? alpha = null, Option<double>? power = null, Option<bool>? fixedHorizon = null)
    {
        FixedHorizon = fixedHorizon ?? new Option<bool>("--fixed-horizon")
        {
            Description = Describe(prefix, $"plan GeoLift's fixed-horizon test, read once at the end, at --alpha (default {Show(Defaults.Alpha)}). Default: plan for the always-valid interval the nightly decisions read (--alpha default {Show(CampaignConfig.DefaultAlpha)}): each simulated test rejects at the level where that interval excludes 0 at the test's end (0.0024 at alpha 0.05)."),
        };
        Metric = new("--metric") { Description = Describe(prefix, "the metric column to design on. Default: the export's only metric.") };
        TreatmentPeriods = CommaListOption.WholeNumbers("--treatment-periods", Describe(prefix, "test durations in periods, comma separated (e.g. 10,15). Default: T/10 and T/5 of the history."), "10,15");
        EffectSizes = CommaListOption.Numbers("--effect-sizes", Describe(prefix, $"relative effects simulated, comma separated, negative for a budget decrease (--effect-sizes=-0.1,-0.05). Default: {Join(Defaults.EffectSizes)}."), "0,0.05,0.1");
        Cpic = new("--cpic") { Description = Describe(prefix, "cost per incremental conversion: investment = cpic × test markets' outcome in the window × effect size."), DefaultValueFactory = _ => Defaults.Cpic };
        Alpha = alpha ?? new Option<double>("--alpha")
        {
            Description = Describe(prefix, $"significance level of the always-valid interval planned for, or with --fixed-horizon of each simulated test (default {Show(Defaults.Alpha)}, GeoLift's)."),
            DefaultValueFactory = result => DefaultAlpha(IsFixedHorizon(result, FixedHorizon)),
        };
        Power = power ?? new Option<double>("--power") { Description = Describe(prefix, "power a design must exceed at its MDE."), DefaultValueFactory = _ => Defaults.Power };
        Lookback = new("--lookback") { Description = Describe(prefix, "historical test windows simulated per design; the last ends at the last period."), DefaultValueFactory = _ => Defaults.Lookback };
        CalibrationWindows = new("--calibration-windows") { Description = Describe(prefix, "historical windows over which the false-positive rate at effect 0 is measured; 0 turns it off."), DefaultValueFactory = _ => Defaults.CalibrationWindows };
        Estimator = new("--estimator") { Description = Describe(prefix, "the estimator simulated: geolift (GeoLift's de-meaned synthetic control, fast path) or any of " + string.Join(", ", PanelEstimators.Names.Where(n => n != "geolift")) + "."), DefaultValueFactory = _ => Defaults.Estimator };
        Permutations = new("--permutations") { Description = Describe(prefix, "permutations of each simulated conformal test (iid only; block uses the T cyclic shifts)."), DefaultValueFactory = _ => Defaults.Permutations };
        Permutation = new("--permutation") { Description = Describe(prefix, "permutations of time: iid (random permutations of time from the seed, as GeoLift) or block (the deterministic moving-block shifts)."), DefaultValueFactory = _ => "iid" };
        Permutation.AcceptOnlyFromAmong("iid", "block");
        Side = new("--side") { Description = Describe(prefix, "alternative of each simulated test: two-sided (Σ|u| over the window) or one-sided (an effect of the simulated sign only)."), DefaultValueFactory = _ => "two-sided" };
        Side.AcceptOnlyFromAmong("two-sided", "one-sided");
        Seed = new("--seed") { Description = Describe(prefix, "seed of every random draw; the same seed gives the same numbers."), DefaultValueFactory = _ => Defaults.Seed };
        MaxRows = new("--max-rows") { Description = Describe(prefix, "most rows the panel export may hold; a larger one is refused as too-large before it is read."), DefaultValueFactory = _ => IngestionLimits.Panel.MaxRows };
    }

    public Option<string?> Metric { get; }

    public Option<IReadOnlyList<int>?> TreatmentPeriods { get; }

    public Option<IReadOnlyList<double>?> EffectSizes { get; }

    public Option<double> Cpic { get; }

    public Option<double> Alpha { get; }

    /// <summary><c>--fixed-horizon</c>: GeoLift's fixed-horizon test instead of the always-valid plan (the default).</summary>
    public Option<bool> FixedHorizon { get; }

    public Option<double> Power { get; }

    public Option<int> Lookback { get; }

    public Option<int> CalibrationWindows { get; }

    public Option<string> Estimator { get; }

    public Option<int> Permutations { get; }

    public Option<string> Permutation { get; }

    public Option<string> Side { get; }

    public Option<int> Seed { get; }

    public Option<long> MaxRows { get; }

    /// <summary>Every option this set made (not the shared <c>--alpha</c>, <c>--power</c> and <c>--fixed-horizon</c> it was given).</summary>
    public IEnumerable<Option> Own => [Metric, TreatmentPeriods, EffectSizes, Cpic, Lookback, CalibrationWindows, Estimator, Permutations, Permutation, Side, Seed, MaxRows];

    /// <summary>Every option, <c>--alpha</c>, <c>--power</c> and <c>--fixed-horizon</c> included.</summary>
    public IEnumerable<Option> All => [.. Own, Alpha, Power, FixedHorizon];

    /// <summary>
    /// The default <c>--alpha</c> of a geo plan: GeoLift's 0.1 for its fixed-horizon test, else the level of the intervals
    /// the nightly decisions read (campaign.json's default), so the plan is for the interval the decision will read.
    /// </summary>
    public static double DefaultAlpha(bool fixedHorizon) => fixedHorizon ? Defaults.Alpha : CampaignConfig.DefaultAlpha;

    /// <summary>Whether <paramref name="option"/> is set on the command <paramref name="result"/> belongs to (false for help, which parses no command line).</summary>
    public static bool IsFixedHorizon(SymbolResult? result, Option<bool> option)
    {
        while (result is not null and not CommandResult)
        {
            result = result.Parent;
        }
        return result is CommandResult command && command.GetResult(option) is { } given && given.GetValueOrDefault<bool>();
    }

    /// <summary>The options as given; the rules of their values (ranges, markets) are the design's, checked when it runs.</summary>
    public GeoDesignOptions Options(ParseResult parse) => new()
    {
        TreatmentPeriods = parse.GetValue(TreatmentPeriods),
        EffectSizes = parse.GetValue(EffectSizes) ?? Defaults.EffectSizes,
        Cpic = parse.GetValue(Cpic),
        Alpha = parse.GetValue(Alpha),
        Power = parse.GetValue(Power),
        Lookback = parse.GetValue(Lookback),
        CalibrationWindows = parse.GetValue(CalibrationWindows),
        Estimator = parse.GetValue(Estimator)!,
        Permutations = parse.GetValue(Permutations),
        Permutation = parse.GetValue(Permutation) == "block" ? ConformalPermutation.MovingBlock : ConformalPermutation.Iid,
        Side = parse.GetValue(Side) == "one-sided" ? TestSide.OneSided : TestSide.TwoSided,
        Seed = parse.GetValue(Seed),
        AlwaysValid = !parse.GetValue(FixedHorizon),
    };

    /// <summary>
    /// The usage problem of the options that are the command's to check (the estimator's name, the row limit), or null.
    /// </summary>
    public string? UsageProblem(ParseResult parse)
    {
        string estimator = parse.GetValue(Estimator)!;
        if (!PanelEstimators.TryFind(estimator, out _))
        {
            // The registry's message offers "all", which a design (one simulated estimator) does not take.
            return $"Unknown --estimator '{estimator}'; expected one of {string.Join(", ", PanelEstimators.Names)}{PanelEstimators.AliasNote()}.";
        }
        long maxRows = parse.GetValue(MaxRows);
        return maxRows < 1 ? $"--max-rows must be at least 1; got {maxRows}." : null;
    }

    /// <summary>
    /// Reads the panel export at <paramref name="path"/> and the history of the chosen metric. Problems are written to
    /// <paramref name="error"/> as one line; the exit code says which kind (1 the data, 2 the metric asked for).
    /// </summary>
    public async Task<(GeoDesignPanel? Data, int ExitCode)> ReadAsync(ParseResult parse, string path, TextWriter error, CancellationToken cancellationToken)
    {
        Statistics.Panels.Panel panel;
        try
        {
            var readOptions = new PanelExportOptions { Limits = IngestionLimits.Panel.WithMaxRows(parse.GetValue(MaxRows)) };
            panel = await PanelExportReader.ReadAsync(path, readOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (ExportValidationException invalid)
        {
            await error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
            return (null, LiftApp.DataProblem);
        }
        var metric = parse.GetValue(Metric);
        if (metric is null && panel.MetricNames.Count != 1)
        {
            await error.WriteLineAsync($"The export has metrics {string.Join(", ", panel.MetricNames)}; choose one with --metric.").ConfigureAwait(false);
            return (null, LiftApp.UsageError);
        }
        metric ??= panel.MetricNames[0];
        if (!panel.MetricNames.Contains(metric, StringComparer.Ordinal))
        {
            await error.WriteLineAsync($"--metric '{metric}' is not a metric of the export; give one of {string.Join(", ", panel.MetricNames)}.").ConfigureAwait(false);
            return (null, LiftApp.UsageError);
        }
        try
        {
            return (GeoDesignPanel.FromPanel(panel, metric), LiftApp.Ok);
        }
        catch (Exception problem) when (problem is MeasurementNotPossibleException or ArgumentException)
        {
            // The history itself cannot carry a design (too few markets or periods): a problem of the data, not the command line.
            await error.WriteLineAsync($"{Path.GetFileName(path)}: {(problem is ArgumentException a ? Line(a) : problem.Message)}").ConfigureAwait(false);
            return (null, LiftApp.DataProblem);
        }
    }

    /// <summary>
    /// Runs a design computation; options that do not fit the history (<see cref="ArgumentException"/>) print their one
    /// line and give exit code 2, a design the data cannot carry (<see cref="MeasurementNotPossibleException"/>) prints
    /// "file: reason" and gives 1. On success the code is <see cref="LiftApp.Ok"/>.
    /// </summary>
    public static async Task<(T? Result, int Code)> TryAsync<T>(Func<T> work, string file, TextWriter error)
        where T : class
    {
        try
        {
            return (work(), LiftApp.Ok);
        }
        catch (ArgumentException usage)
        {
            await error.WriteLineAsync(Line(usage)).ConfigureAwait(false);
            return (null, LiftApp.UsageError);
        }
        catch (MeasurementNotPossibleException problem)
        {
            await error.WriteLineAsync($"{file}: {problem.Message}").ConfigureAwait(false);
            return (null, LiftApp.DataProblem);
        }
    }

    /// <summary>
    /// The message of a design's <see cref="ArgumentException"/> as one line: a <see cref="GeoDesignOptionException"/> names
    /// its options by their flags (<see cref="Flag"/>), any other loses the " (Parameter 'x')" .NET appends.
    /// </summary>
    public static string Line(ArgumentException problem)
    {
        if (problem is GeoDesignOptionException option)
        {
            return option.Format(Flag);
        }
        string suffix = problem.ParamName is null ? "" : $" (Parameter '{problem.ParamName}')";
        return suffix.Length > 0 && problem.Message.EndsWith(suffix, StringComparison.Ordinal) ? problem.Message[..^suffix.Length] : problem.Message;
    }

    /// <summary>
    /// The flag of a <see cref="GeoDesignOptions"/> property (or <c>Locations</c>, <c>FixedHorizon</c>): its name in kebab
    /// case (<c>TreatmentPeriods</c> → <c>--treatment-periods</c>), except <c>--holdout</c> and <c>--rank</c>.
    /// </summary>
    public static string Flag(string property) => property switch
    {
        nameof(GeoDesignOptions.HoldoutRange) => "--holdout",
        nameof(GeoDesignOptions.Ranking) => "--rank",
        _ => "--" + string.Concat(property.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString())),
    };

    /// <summary>The description under <paramref name="prefix"/>, or as a sentence when there is none.</summary>
    private static string Describe(string prefix, string text) => prefix.Length > 0 ? prefix + text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Join(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
