using System.CommandLine;
using System.Globalization;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Audiences;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift audience export CUSTOMERS --members FILE --audience A --out DIR [--date D] [--surfaces meta,google,tiktok]
/// [--exclude-arms holdout] [--phone-country-code 49]</c>: hashed-contact CSVs for the ad platforms' uploaders.
/// </summary>
internal static class AudienceExportCommand
{
    public static Command Create(TextWriter output, TextWriter error, CliHost host)
    {
        var file = new Argument<FileInfo>("customers") { Description = "The customers export with email and/or phone columns." };
        var members = new Option<FileInfo>("--members") { Description = "The audience's members: an assignment file from 'lift audience assign', or any Parquet file with customer_id (and optionally arm).", Required = true };
        var audience = new Option<string>("--audience") { Description = "The audience name (1 to 64 of a-z, 0-9, -): the folder under --out.", Required = true };
        var outFolder = new Option<DirectoryInfo>("--out") { Description = "The activations folder: files go to {out}/{audience}/{surface}/{date}.csv.", Required = true };
        var date = new Option<string?>("--date") { Description = "The refresh date in the file names, yyyy-MM-dd. Default: today (UTC)." };
        var surfaces = new Option<string>("--surfaces")
        {
            Description = $"Surfaces to write, comma separated: {string.Join(", ", ActivationSurface.All.Select(s => $"{s.Name} (minimum {s.Minimum:N0})"))}.",
            DefaultValueFactory = _ => string.Join(",", ActivationSurface.All.Select(s => s.Name)),
        };
        var excluded = new Option<string>("--exclude-arms") { Description = "Arms of the members file never activated (the holdout), comma separated.", DefaultValueFactory = _ => "holdout" };
        var countryCode = new Option<string?>("--phone-country-code")
        {
            Description = "Calling code (digits, e.g. 49) for phones written without + or 00. Default: such phones are not used.",
        };
        var map = ColumnMapOption.Create(CustomerColumns.Mappable, "customer_id=cid,email=mail");
        var command = new Command("export", "Write an audience's activation files: one CSV per surface with the SHA-256 of each member's normalised email and phone (email trimmed and lower-cased; phone with country code, E.164 with + for Google). No raw contact is written; a surface below its minimum is suppressed with the reason. Exit 0 when done, 1 for a data problem, 2 for a usage error.")
        {
            file, members, audience, outFolder, date, surfaces, excluded, countryCode, map,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ActivationOptions options;
            try
            {
                options = Options(parse.GetValue(audience)!, parse.GetValue(date), parse.GetValue(surfaces)!, parse.GetValue(countryCode), host);
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            var arms = parse.GetValue(excluded)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            ActivationSummary summary;
            try
            {
                await using var memberFile = await ExportFile.OpenAsync(parse.GetValue(members)!.FullName, cancellationToken).ConfigureAwait(false);
                var audienceMembers = await AudienceMembers.ReadAsync(memberFile, arms, null, cancellationToken).ConfigureAwait(false);
                await using var customers = await ExportFile.OpenAsync(parse.GetValue(file)!.FullName, cancellationToken).ConfigureAwait(false);
                var reader = CustomerExportReader.Open(customers, new CustomerExportOptions { IdsOnly = true, ReadContacts = true, Columns = parse.GetValue(map) ?? ColumnMapping.Default });
                if (!reader.HasEmail && !reader.HasPhone)
                {
                    await error.WriteLineAsync($"{customers.Name}: no email or phone column (map them with --map email=…,phone=…); nothing to activate.").ConfigureAwait(false);
                    return LiftApp.DataProblem;
                }
                summary = await ActivationExporter.ExportAsync(reader, audienceMembers, options, parse.GetValue(outFolder)!.FullName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ExportValidationException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(UserMessage.Of(e)).ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            foreach (string line in Describe(summary, options))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }
            return LiftApp.Ok;
        });
        return command;
    }

    /// <summary>The export options the command line describes.</summary>
    /// <exception cref="FormatException">The one-line usage message.</exception>
    internal static ActivationOptions Options(string audience, string? date, string surfaces, string? countryCode, CliHost host)
    {
        if (!Pipeline.Storage.ObjectName.IsCampaignId(audience))
        {
            throw new FormatException($"--audience '{audience}' is not a name of 1 to 64 lower-case letters, digits and dashes.");
        }
        var day = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime);
        if (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            throw new FormatException($"--date '{date}' is not a date; give yyyy-MM-dd.");
        }
        var chosen = ParseSurfaces(surfaces);
        string code = countryCode?.TrimStart('+') ?? "";
        if (code.Length > 3 || !code.All(char.IsAsciiDigit) || code.StartsWith('0'))
        {
            throw new FormatException($"--phone-country-code '{countryCode}' is not a calling code; give 1 to 3 digits such as 49.");
        }
        return new ActivationOptions(audience, day, chosen, code);
    }

    /// <summary>The surfaces of a <c>--surfaces</c> list, each once, in the order given.</summary>
    /// <exception cref="FormatException">An unknown surface or an empty list: the one-line usage message.</exception>
    internal static IReadOnlyList<ActivationSurface> ParseSurfaces(string surfaces)
    {
        var chosen = new List<ActivationSurface>();
        foreach (string name in surfaces.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var surface = ActivationSurface.Find(name)
                ?? throw new FormatException($"--surfaces '{name}' is not a surface; give {string.Join(", ", ActivationSurface.All.Select(s => s.Name))}, comma separated.");
            if (!chosen.Contains(surface))
            {
                chosen.Add(surface);
            }
        }
        if (chosen.Count == 0)
        {
            throw new FormatException($"--surfaces is empty; give {string.Join(", ", ActivationSurface.All.Select(s => s.Name))}, comma separated.");
        }
        return chosen;
    }

    private static IEnumerable<string> Describe(ActivationSummary summary, ActivationOptions options)
    {
        yield return string.Create(CultureInfo.InvariantCulture,
            $"{options.Audience}: {summary.Members:N0} members among {summary.CustomersRead:N0} customers; {summary.WithoutContact:N0} without a usable email or phone ({summary.InvalidEmails:N0} emails and {summary.InvalidPhones:N0} phones unusable).");
        foreach (var surface in summary.Surfaces)
        {
            yield return surface.Path is { } path
                ? string.Create(CultureInfo.InvariantCulture, $"  {surface.Surface.Name}: {surface.Customers:N0} customers ({surface.Emails:N0} emails, {surface.Phones:N0} phones) → {path}")
                : $"  {surface.Surface.Name}: {surface.SuppressedReason}";
        }
    }
}
