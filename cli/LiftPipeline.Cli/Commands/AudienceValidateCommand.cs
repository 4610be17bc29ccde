using System.CommandLine;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Audiences;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift audience validate CUSTOMERS --members FILE [--previous FILE] [--assignment FILE] [--surfaces meta,google]
/// [--jaccard-floor 0.8] [--max-smd 0.1] [--covariates orders,revenue,…] [--minimum-customers 50] [--json] [--map …]</c>: the validation report of one audience refresh.
/// </summary>
internal static class AudienceValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var defaults = new AudienceValidationOptions();
        var file = new Argument<FileInfo>("customers") { Description = "The customers export the refresh was built from (covariates, country, age band)." };
        var members = new Option<FileInfo>("--members") { Description = "The refresh's members file (customer_id, segment), from 'lift audience build'.", Required = true };
        var previous = new Option<FileInfo?>("--previous") { Description = "The previous refresh's members file, for stability (Jaccard, churn). Default: no stability check." };
        var assignment = new Option<FileInfo?>("--assignment") { Description = "The audience's assignment file, for holdout balance and the sample-ratio test. Default: no balance check." };
        var surfaces = new Option<string>("--surfaces")
        {
            Description = $"Surfaces whose minimum size each segment must reach, comma separated: {string.Join(", ", ActivationSurface.All.Select(s => $"{s.Name} ({s.Minimum:N0})"))}.",
            DefaultValueFactory = _ => string.Join(",", ActivationSurface.All.Select(s => s.Name)),
        };
        var floor = new Option<double>("--jaccard-floor") { Description = "A segment whose Jaccard similarity with the previous refresh is below this breaches.", DefaultValueFactory = _ => defaults.JaccardFloor };
        var maxSmd = new Option<double>("--max-smd") { Description = "A covariate whose standardised mean difference between an arm and the holdout reaches this breaches.", DefaultValueFactory = _ => defaults.MaxSmd };
        var covariates = CommaListOption.Names("--covariates",
            $"Pre-period covariates balance is checked on, comma separated: orders, revenue, discounted_share, days_since_last_order, days_since_first_order or a numeric column of the export. Default: {string.Join(",", defaults.Covariates)}.",
            "orders,revenue,days_since_last_order");
        var minimum = new Option<long>("--minimum-customers") { Description = "Counts of fewer customers are withheld from the report, with the counts they could be recomputed from.", DefaultValueFactory = _ => defaults.MinimumCustomers };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of the summary." };
        var map = ColumnMapOption.Create(CustomerColumns.Mappable, AudienceAssignCommand.MapExample);
        var command = new Command("validate", "Validate an audience refresh: segment sizes against each surface's minimum, stability against the previous refresh, overlap between segments, holdout balance (standardised mean differences, sample-ratio test against the planned split) and composition by country and age band. Exit 0 when nothing breaches, 1 when a check breaches or a file has a problem, 2 for a usage error.")
        {
            file, members, previous, assignment, surfaces, floor, maxSmd, covariates, minimum, json, map,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            AudienceValidationOptions options;
            try
            {
                options = defaults with
                {
                    Surfaces = AudienceExportCommand.ParseSurfaces(parse.GetValue(surfaces)!),
                    JaccardFloor = parse.GetValue(floor),
                    MaxSmd = parse.GetValue(maxSmd),
                    CustomerColumns = parse.GetValue(map) ?? ColumnMapping.Default,
                    Covariates = parse.GetValue(covariates) ?? defaults.Covariates,
                    MinimumCustomers = parse.GetValue(minimum),
                };
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            string? usage = options.JaccardFloor is >= 0 and <= 1 ? null : $"--jaccard-floor {options.JaccardFloor.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not between 0 and 1.";
            usage ??= options.MaxSmd > 0 && double.IsFinite(options.MaxSmd) ? null : $"--max-smd {options.MaxSmd.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a positive number.";
            usage ??= options.MinimumCustomers >= 1 ? null : $"--minimum-customers {options.MinimumCustomers} is below 1.";
            usage ??= options.Covariates.Distinct(StringComparer.Ordinal).Count() == options.Covariates.Count ? null : "--covariates names a covariate twice.";
            if (usage is not null)
            {
                await error.WriteLineAsync(usage).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var inputs = new AudienceValidationInputs(parse.GetValue(file)!.FullName, parse.GetValue(members)!.FullName,
                parse.GetValue(previous)?.FullName, parse.GetValue(assignment)?.FullName);
            AudienceValidationReport report;
            try
            {
                report = await AudienceValidation.RunAsync(inputs, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ExportValidationException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(UserMessage.Of(e)).ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            await output.WriteAsync(parse.GetValue(json) ? AudienceValidationJson.ToJson(report) + "\n" : AudienceValidationText.Summary(report)).ConfigureAwait(false);
            return report.Breaches.Count > 0 ? LiftApp.DataProblem : LiftApp.Ok;
        });
        return command;
    }
}
