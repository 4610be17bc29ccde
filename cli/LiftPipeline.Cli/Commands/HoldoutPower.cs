using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Statistics.Experiments.Power;
using LiftPipeline.Statistics.Measurement;
using Spectre.Console;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// The holdout half of <c>lift power</c>: customers per arm and days for a customer-level experiment, or the MDE a given
/// size can detect (normal approximation, Bonferroni over treatment arms; docs/power.md).
/// </summary>
internal sealed class HoldoutPower
{
    public Option<double?> Baseline { get; } = new("--baseline-mean") { Description = "Holdout: mean of the metric per customer in the control (holdout) arm. Required for holdout." };

    public Option<double?> Sd { get; } = new("--sd") { Description = "Holdout: standard deviation of the metric per customer. Required for holdout." };

    public Option<double?> RelativeMde { get; } = new("--relative-mde") { Description = "Holdout: smallest lift to detect, relative to the baseline mean (0.02 = 2%): solve for customers per arm. Give this or --n-per-arm." };

    public Option<long?> NPerArm { get; } = new("--n-per-arm") { Description = "Holdout: customers per arm (the mean arm size with --allocation): solve for the MDE. Give this or --relative-mde." };

    public Option<int> Arms { get; } = new("--arms") { Description = "Holdout: treatment arms, each compared with the control. Default: 1, or one fewer than the arms of --allocation.", DefaultValueFactory = _ => 1 };

    public Option<string?> Allocation { get; } = new("--allocation") { Description = $"Holdout: traffic shares, arm=share comma separated, control first (e.g. {AllocationOption.Example}), or bare shares in that order (0.5,0.25,0.25); each strictly between 0 and 1, summing to 1. Default: equal shares." };

    public Option<double> Cuped { get; } = new("--cuped-r2") { Description = "Holdout: R² of the CUPED pre-period covariate; the variance is multiplied by 1 - R².", DefaultValueFactory = _ => 0 };

    public Option<double> Inflation { get; } = new("--variance-inflation") { Description = "Holdout: variance multiplier (>= 1) for heavy-tailed metrics.", DefaultValueFactory = _ => 1 };

    public Option<double?> Traffic { get; } = new("--daily-traffic") { Description = "Holdout: eligible customers per day over all arms, for the duration. Default: none (no duration)." };

    public Option<bool> FixedHorizon { get; } = new("--fixed-horizon")
    {
        Description = "Plan for a fixed-horizon test read once at the end (geo: GeoLift's conformal test at --alpha). Default: plan for the always-valid interval the nightly decisions read (holdout: tightest at the planned total; geo: at the test's end, each simulated test at the level where that interval excludes 0).",
    };

    public IEnumerable<Option> All => [Baseline, Sd, RelativeMde, NPerArm, Arms, Allocation, Cuped, Inflation, Traffic, FixedHorizon];

    /// <summary>The options a holdout plan cannot do without, as parse errors on <paramref name="command"/>.</summary>
    public void Require(CommandResult command)
    {
        foreach (var option in new Option[] { Baseline, Sd })
        {
            if (command.GetResult(option) is null)
            {
                command.AddError($"Option '{option.Name}' is required for --design holdout.");
            }
        }
    }

    /// <summary>Plans the experiment and prints the plan; returns the exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, double alpha, double power, bool asJson, TextWriter output, TextWriter error)
    {
        var (relative, size) = (parse.GetValue(RelativeMde), parse.GetValue(NPerArm));
        if (relative.HasValue == size.HasValue)
        {
            await error.WriteLineAsync("Give exactly one of --relative-mde (solve for customers per arm) and --n-per-arm (solve for the MDE).").ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        if (UsageProblem(parse, alpha, power) is { } usage)
        {
            await error.WriteLineAsync(usage).ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        PowerPlan plan;
        try
        {
            var shares = AllocationOption.Parse(parse.GetValue(Allocation), bareShares: true);
            if (shares is not null && ArmAllocation.Validate(shares) is { Count: > 0 } broken)
            {
                await error.WriteLineAsync(SettingOptions.Line(broken)).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var options = new PowerOptions
            {
                Alpha = alpha,
                Power = power,
                TreatmentArms = shares is not null && parse.GetResult(Arms) is null or { Implicit: true } ? shares.Count - 1 : parse.GetValue(Arms),
                Allocation = shares?.Select(s => s.Value).ToArray(),
                CupedR2 = parse.GetValue(Cuped),
                VarianceInflation = parse.GetValue(Inflation),
                AlwaysValid = !parse.GetValue(FixedHorizon),
            };
            double mean = parse.GetValue(Baseline)!.Value, deviation = parse.GetValue(Sd)!.Value;
            var daily = parse.GetValue(Traffic);
            plan = relative is double r
                ? PowerAnalysis.SampleSizeForRelativeLift(mean, deviation, r, options, daily)
                : PowerAnalysis.MinimumDetectableEffect(deviation, PowerAnalysis.SplitTotal(checked(size!.Value * (options.TreatmentArms + 1)), options), options, mean, daily);
        }
        catch (OverflowException)
        {
            await error.WriteLineAsync($"The plan needs more customers than can be counted; ask for a larger --relative-mde than {relative} or a smaller --sd.").ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        catch (Exception problem) when (problem is ArgumentException or FormatException)
        {
            await error.WriteLineAsync(UserMessage.Of(problem)).ConfigureAwait(false);
            return LiftApp.UsageError;
        }
        if (Implausible(plan) is { } warning)
        {
            await error.WriteLineAsync(warning).ConfigureAwait(false);
        }
        if (asJson)
        {
            await output.WriteLineAsync(Json(plan, !parse.GetValue(FixedHorizon))).ConfigureAwait(false);
        }
        else
        {
            Render(ConsoleFactory.Create(output), plan, !parse.GetValue(FixedHorizon));
        }
        return LiftApp.Ok;
    }

    /// <summary>The first input outside its range, as one line naming the option; null when every input is usable.</summary>
    private string? UsageProblem(ParseResult parse, double alpha, double power)
    {
        double mean = parse.GetValue(Baseline)!.Value, sd = parse.GetValue(Sd)!.Value;
        var (relative, size, traffic) = (parse.GetValue(RelativeMde), parse.GetValue(NPerArm), parse.GetValue(Traffic));
        int arms = parse.GetValue(Arms);
        double r2 = parse.GetValue(Cuped), inflation = parse.GetValue(Inflation);
        return alpha switch
        {
            _ when SignificanceLevel.Check(alpha) is { } a => SettingOptions.Line(a),
            _ when !(power > 0 && power < 1) => $"--power is {Show(power)}; give a probability strictly between 0 and 1, such as 0.8.",
            _ when relative is not null && mean == 0 => "--baseline-mean is 0; a relative MDE needs a non-zero baseline mean (or give --n-per-arm).",
            _ when !(sd > 0) => $"--sd is {Show(sd)}; give a standard deviation above 0.",
            _ when relative is double r && !(r > 0) => $"--relative-mde is {Show(r)}; give a lift above 0, such as 0.05 for 5%.",
            _ when size is long n && n < 2 => $"--n-per-arm is {n}; give at least 2 customers per arm.",
            _ when arms < 1 || arms > MaxArms => $"--arms is {arms}; give from 1 to {MaxArms} treatment arms.",
            _ when !(r2 >= 0 && r2 < 1) => $"--cuped-r2 is {Show(r2)}; give an R² from 0 up to (not including) 1.",
            _ when !(inflation >= 1) => $"--variance-inflation is {Show(inflation)}; give a multiplier of at least 1.",
            _ when traffic is double t && !(t > 0) => $"--daily-traffic is {Show(t)}; give the customers per day, above 0.",
            _ => null,
        };
    }

    /// <summary>Most treatment arms a plan takes; more is a typo, not an experiment.</summary>
    private const int MaxArms = 100;

    /// <summary>Longest run a plan may need before it is flagged as one no one will run.</summary>
    private const long MaxPlausibleDays = 3 * 365;

    /// <summary>A warning line when the plan cannot be run in practice (years of traffic); null otherwise.</summary>
    private static string? Implausible(PowerPlan plan) => plan.Days is long days && days > MaxPlausibleDays
        ? $"warning: this plan needs {days.ToString("N0", CultureInfo.InvariantCulture)} days (over {MaxPlausibleDays / 365} years) at this --daily-traffic; detect a larger --relative-mde or plan for more traffic."
        : null;

    private static string Show(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Json(PowerPlan plan, bool alwaysValid)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            // One number, as the contract asks: the largest arm (every arm's size when the allocation is equal).
            writer.WriteNumber("nPerArm", plan.ArmSizes.Max());
            writer.WriteNumber("totalN", plan.TotalN);
            if (plan.Days is long days)
            {
                writer.WriteNumber("days", days);
            }
            else
            {
                writer.WriteNull("days");
            }
            writer.WriteNumber("mdeAbsolute", plan.MdeAbsolute);
            writer.WriteNumber("mdeRelative", plan.MdeRelative);
            writer.WriteStartArray("armSizes");
            foreach (long n in plan.ArmSizes)
            {
                writer.WriteNumberValue(n);
            }
            writer.WriteEndArray();
            writer.WriteString("interval", alwaysValid ? "always-valid" : "fixed-horizon");
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Render(IAnsiConsole console, PowerPlan plan, bool alwaysValid)
    {
        var table = new Table().AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("MDE (absolute)", plan.MdeAbsolute.ToString("G6", CultureInfo.InvariantCulture));
        table.AddRow("MDE (relative)", plan.MdeRelative.ToString("P2", CultureInfo.InvariantCulture));
        for (int i = 0; i < plan.ArmSizes.Count; i++)
        {
            table.AddRow(i == 0 ? "n control" : $"n treatment {i}", plan.ArmSizes[i].ToString("N0", CultureInfo.InvariantCulture));
        }
        table.AddRow("total n", plan.TotalN.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("days", plan.Days?.ToString(CultureInfo.InvariantCulture) ?? "- (give --daily-traffic)");
        table.AddRow("alpha per comparison", plan.AlphaPerComparison.ToString("G4", CultureInfo.InvariantCulture));
        table.AddRow("interval", alwaysValid ? "always-valid (set holdout.sequentialTuningN to the total n)" : "fixed-horizon (read once at the end)");
        console.Write(table);
    }
}
