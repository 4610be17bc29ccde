using System.CommandLine;
using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift audience build CUSTOMERS --definition audience.json --out members.parquet [--previous OLD-CUSTOMERS] [--map …]</c>:
/// evaluates every segment rule of the definition and writes the members file.
/// </summary>
internal static class AudienceBuildCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("customers") { Description = "The customers export (Parquet: customer_id, as_of, first/last_order_date, orders, revenue, discounts, age_band, country, extra columns)." };
        var definition = new Option<FileInfo>("--definition") { Description = "The audience.json: segments and their rules, lifecycle thresholds (docs/audiences.md).", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "The members Parquet file to write (customer_id, segment).", Required = true };
        var previous = new Option<FileInfo?>("--previous") { Description = "The previous refresh's customers export: its lapsed customers who are active now are 'reactivated'. Default: none, nobody is reactivated." };
        var map = ColumnMapOption.Create(CustomerColumns.Mappable, AudienceAssignCommand.MapExample);
        var command = new Command("build", "Evaluate the segment rules of an audience.json over a customers export and write the members file (one row per customer and segment); prints each segment's size and the lifecycle (and RFM) counts. Exit 0 when written, 1 for a data problem, 2 for a usage error.")
        {
            file, definition, outFile, previous, map,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string definitionPath = parse.GetValue(definition)!.FullName;
            AudienceBuildResult result;
            try
            {
                var audience = await AudienceDefinitionReader.ReadFileAsync(definitionPath, cancellationToken).ConfigureAwait(false);
                var options = new AudienceBuildOptions
                {
                    Columns = parse.GetValue(map) ?? ColumnMapping.Default,
                    PreviousExport = parse.GetValue(previous)?.FullName,
                    DefinitionName = definitionPath,
                };
                result = await AudienceBuilder.BuildAsync(parse.GetValue(file)!.FullName, audience, parse.GetValue(outFile)!.FullName, options, null, cancellationToken).ConfigureAwait(false);
            }
            catch (AudienceDefinitionException e)
            {
                await error.WriteLineAsync(UserMessage.Of(e)).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            catch (Exception e) when (e is ExportValidationException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(UserMessage.Of(e)).ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            foreach (string line in Describe(result))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }
            return LiftApp.Ok;
        });
        return command;
    }

    internal static IEnumerable<string> Describe(AudienceBuildResult result)
    {
        long n = result.Customers;
        foreach (var segment in result.Segments)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{segment.Segment}: {segment.Members:N0} of {n:N0} customers ({Percent(segment.Members, n)})");
        }
        yield return "lifecycle: " + string.Join(", ", result.Stages.Select((count, s) =>
            string.Create(CultureInfo.InvariantCulture, $"{Lifecycle.Names[s]} {count:N0} ({Percent(count, n)})")));
        if (result.Rfm is { } rfm)
        {
            yield return "rfm (customers per score 1-5): " + string.Join("; ", new[] { "R", "F", "M" }.Select((name, k) =>
                name + " " + string.Join(" / ", rfm[k].Skip(1).Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))));
        }
        yield return string.Create(CultureInfo.InvariantCulture,
            $"{result.Audience} as of {result.AsOf:yyyy-MM-dd}: wrote {result.MemberRows:N0} memberships to {result.Output}");
    }

    private static string Percent(long count, long of) =>
        string.Create(CultureInfo.InvariantCulture, $"{(of == 0 ? 0 : 100.0 * count / of):F1} %");
}
