using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Statistics.Experiments.Power;
using LiftPipeline.Statistics.Measurement;
using Spectre.Console;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift power --design holdout --baseline-mean M --sd S (--relative-mde R | --n-per-arm N) […] [--json]</c>: customers
/// per arm and days for a holdout experiment, or the MDE a given size can detect (normal approximation, Bonferroni
/// over treatment arms; docs/power.md).
/// </summary>
internal static class PowerCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var design = new Option<string>("--design") { Description = "Experiment design: holdout (each treatment arm against one holdout control).", DefaultValueFactory = _ => "holdout" };
        var baseline = new Option<double>("--baseline-mean") { Description = "Mean of the metric per customer in the control (holdout) arm. Required.", Required = true };
        var sd = new Option<double>("--sd") { Description = "Standard deviation of the metric per customer. Required.", Required = true };
        var relativeMde = new Option<double?>("--relative-mde") { Description = "Smallest lift to detect, relative to the baseline mean (0.02 = 2%): solve for customers per arm. Give this or --n-per-arm." };
        var nPerArm = new Option<long?>("--n-per-arm") { Description = "Customers per arm (the mean arm size with --allocation): solve for the MDE. Give this or --relative-mde." };
        var alpha = new Option<double>("--alpha") { Description = "Family-wise two-sided significance level, split over treatment arms (Bonferroni, alpha/arms).", DefaultValueFactory = _ => 0.05 };
        var power = new Option<double>("--power") { Description = "Power to detect the MDE in each treatment-vs-control comparison.", DefaultValueFactory = _ => 0.8 };
        var arms = new Option<int>("--arms") { Description = "Treatment arms, each compared with the control. Default: 1, or one fewer than the arms of --allocation.", DefaultValueFactory = _ => 1 };
        var allocation = new Option<string?>("--allocation") { Description = $"Traffic shares, arm=share comma separated, control first (e.g. {AllocationOption.Example}), or bare shares in that order (0.5,0.25,0.25); each strictly between 0 and 1, summing to 1. Default: equal shares." };
        var cuped = new Option<double>("--cuped-r2") { Description = "R² of the CUPED pre-period covariate; the variance is multiplied by 1 - R².", DefaultValueFactory = _ => 0 };
        var inflation = new Option<double>("--variance-inflation") { Description = "Variance multiplier (>= 1) for heavy-tailed metrics.", DefaultValueFactory = _ => 1 };
        var traffic = new Option<double?>("--daily-traffic") { Description = "Eligible customers per day over all arms, for the duration. Default: none (no duration)." };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object {nPerArm, totalN, days, mdeAbsolute, mdeRelative, armSizes} instead of a table (nPerArm: the largest arm; armSizes: control first).", DefaultValueFactory = _ => false };
        var command = new Command("power", "Plan a customer-level experiment: customers per arm, total and days to detect a relative lift, or the MDE a given size detects. Exit code 2 on invalid inputs.")
        {
            design, baseline, sd, relativeMde, nPerArm, alpha, power, arms, allocation, cuped, inflation, traffic, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!string.Equals(parse.GetValue(design), "holdout", StringComparison.OrdinalIgnoreCase))
            {
                await error.WriteLineAsync($"Unknown --design '{parse.GetValue(design)}'; expected holdout.").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var (relative, size) = (parse.GetValue(relativeMde), parse.GetValue(nPerArm));
            if (relative.HasValue == size.HasValue)
            {
                await error.WriteLineAsync("Give exactly one of --relative-mde (solve for customers per arm) and --n-per-arm (solve for the MDE).").ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            PowerPlan plan;
            try
            {
                var shares = AllocationOption.Parse(parse.GetValue(allocation), bareShares: true);
                if (shares is not null && ArmAllocation.Validate(shares) is { Count: > 0 } broken)
                {
                    await error.WriteLineAsync(SettingOptions.Line(broken)).ConfigureAwait(false);
                    return LiftApp.UsageError;
                }
                var options = new PowerOptions
                {
                    Alpha = parse.GetValue(alpha),
                    Power = parse.GetValue(power),
                    TreatmentArms = shares is not null && parse.GetResult(arms) is null or { Implicit: true } ? shares.Count - 1 : parse.GetValue(arms),
                    Allocation = shares?.Select(s => s.Value).ToArray(),
                    CupedR2 = parse.GetValue(cuped),
                    VarianceInflation = parse.GetValue(inflation),
                };
                double mean = parse.GetValue(baseline), deviation = parse.GetValue(sd);
                var daily = parse.GetValue(traffic);
                plan = relative is double r
                    ? PowerAnalysis.SampleSizeForRelativeLift(mean, deviation, r, options, daily)
                    : PowerAnalysis.MinimumDetectableEffect(deviation, PowerAnalysis.SplitTotal(checked(size!.Value * (options.TreatmentArms + 1)), options), options, mean, daily);
            }
            catch (Exception problem) when (problem is ArgumentException or FormatException or OverflowException)
            {
                await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(Json(plan)).ConfigureAwait(false);
            }
            else
            {
                Render(ConsoleFactory.Create(output), plan);
            }
            return LiftApp.Ok;
        });
        return command;
    }

    private static string Json(PowerPlan plan)
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
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Render(IAnsiConsole console, PowerPlan plan)
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
        console.Write(table);
    }
}
