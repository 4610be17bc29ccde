using System.CommandLine;
using System.CommandLine.Parsing;
using LiftPipeline.Pipeline.Campaigns;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift power</c>, two designs: <c>--design holdout --baseline-mean M --sd S (--relative-mde R | --n-per-arm N) […]</c>
/// plans a customer-level experiment (<see cref="HoldoutPower"/>); <c>FILE --design geo --locations a,b […]</c> gives the
/// power curve of chosen test markets (<see cref="GeoPower"/>). The design defaults to geo when FILE is given, holdout otherwise.
/// </summary>
internal static class PowerCommand
{
    private const string Holdout = "holdout";
    private const string Geo = "geo";

    private const string Examples = """


        Examples:
          lift power --design holdout --baseline-mean 20 --sd 40 --relative-mde 0.05 --daily-traffic 10000
          lift power GeoLift_PreTest.parquet --locations chicago,portland --treatment-periods 10,15 --effect-sizes 0,0.05,0.1,0.15 --cpic 7.5
          lift power pretest.parquet --locations chicago,portland --controls cincinnati,houston,miami --effect-sizes=-0.1,-0.05,0
        """;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo?>("file") { Description = "Geo: a panel export of the history before the test (unit, period, treated, metric columns). Holdout takes none.", Arity = ArgumentArity.ZeroOrOne };
        var design = new Option<string>("--design")
        {
            Description = "Experiment design: holdout (each treatment arm against one holdout control; the default without FILE) or geo (test markets against synthetic controls; the default with FILE).",
            DefaultValueFactory = result => DesignOf(result, null, file),
        };
        var holdout = new HoldoutPower();
        var alpha = new Option<double>("--alpha")
        {
            Description = "Significance level. Holdout: family-wise two-sided, split over treatment arms (Bonferroni, alpha/arms). Geo: of the always-valid interval planned for, or with --fixed-horizon of each simulated test (default 0.1, GeoLift's).",
            DefaultValueFactory = result => DesignOf(result, design, file) == Geo
                ? GeoDesignSettings.DefaultAlpha(GeoDesignSettings.IsFixedHorizon(result, holdout.FixedHorizon))
                : CampaignConfig.DefaultAlpha,
        };
        var power = new Option<double>("--power") { Description = "Holdout: power to detect the MDE in each treatment-vs-control comparison. Geo: the power an effect must exceed to count as detectable.", DefaultValueFactory = _ => 0.8 };
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object instead of a table. Holdout: {nPerArm, totalN, days, mdeAbsolute, mdeRelative, armSizes} (nPerArm: the largest arm; armSizes: control first). Geo: {design, locations, controls, curve: [{duration, effectSize, power, avgAtt, avgDetectedLift, avgScaledL2Imbalance, investment, windows}], calibration: [{duration, falsePositiveRate, windows}], simulations, test: {interval, alpha, testAlpha, reason}}.",
            DefaultValueFactory = _ => false,
        };
        var geo = new GeoPower(alpha, power, holdout.FixedHorizon);
        var command = new Command("power", "Plan an experiment. Holdout (customer level): customers per arm, total and days to detect a relative lift, or the MDE a given size detects. Geo (markets, FILE given): the power curve of chosen test markets per duration and effect size, with the false-positive rate at effect 0. Exit code 1 when the export is invalid, 2 on invalid inputs, 130 when stopped by Ctrl+C." + Examples)
        {
            file, design, alpha, power, json,
        };
        foreach (var option in holdout.All.Concat(geo.All))
        {
            command.Options.Add(option);
        }
        command.Validators.Add(result =>
        {
            switch (DesignOf(result, design, file))
            {
                case Holdout:
                    if (result.GetResult(file) is { Tokens.Count: > 0 })
                    {
                        result.AddError("--design holdout plans from --baseline-mean and --sd and reads no FILE; for a panel export use --design geo.");
                    }
                    holdout.Require(result);
                    break;
                case Geo:
                    geo.Require(result, file);
                    break;
                case var unknown:
                    result.AddError($"Unknown --design '{unknown}'; expected geo or holdout.");
                    break;
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            bool asJson = parse.GetValue(json);
            return DesignOf(parse.CommandResult, design, file) == Geo
                ? await geo.RunAsync(parse, parse.GetValue(file)!.FullName, asJson, output, error, cancellationToken).ConfigureAwait(false)
                : await holdout.RunAsync(parse, parse.GetValue(alpha), parse.GetValue(power), asJson, output, error).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// The design of the command being parsed: <c>--design</c> as given (lower case), else geo when FILE is given and
    /// holdout when not. Help asks for defaults with no command line, which reads as holdout.
    /// </summary>
    private static string DesignOf(SymbolResult? result, Option<string>? design, Argument<FileInfo?> file)
    {
        while (result is not null and not CommandResult)
        {
            result = result.Parent;
        }
        if (result is not CommandResult command)
        {
            return Holdout;
        }
        if (design is not null && command.GetResult(design) is { Implicit: false, Tokens: [var token, ..] })
        {
            return token.Value.ToLowerInvariant();
        }
        return command.GetResult(file) is { Tokens.Count: > 0 } ? Geo : Holdout;
    }
}
