using System.CommandLine;
using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Experiments.Contrasts;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>lift audience assign CUSTOMERS --audience A --salt S --allocation holdout=0.1,vbo=0.9 --out FILE [--layer L --layer-salt LS --layer-range 0-5000]</c>:
/// every customer's arm by the salted hash, written as the assignment Parquet file.
/// </summary>
internal static class AudienceAssignCommand
{
    /// <summary>The <c>--map</c> example for the customers contract.</summary>
    public const string MapExample = "customer_id=cid,orders=order_count";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("customers") { Description = "The customers export (Parquet: customer_id, as_of, first/last_order_date, orders, revenue, discounts, age_band, country)." };
        var audience = new Option<string>("--audience") { Description = "The audience the test runs on (1 to 64 of a-z, 0-9, -); written on every row.", Required = true };
        var salt = new Option<string>("--salt") { Description = "The test's salt: a new one for every independent holdout; the same salt gives the same arms forever.", Required = true };
        var allocation = new Option<string>("--allocation") { Description = $"Arms and shares in whole basis points, in bucket order, summing to 1 (e.g. holdout=0.1,vbo=0.9).", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "The assignment Parquet file to write (customer_id, arm, audience, layer, salt_version).", Required = true };
        var layer = new Option<string?>("--layer") { Description = "The layer of mutually exclusive tests this one belongs to (with --layer-salt and --layer-range). Default: no layer." };
        var layerSalt = new Option<string?>("--layer-salt") { Description = "The layer's salt, shared by all tests of the layer and different from --salt." };
        var layerRange = new Option<string?>("--layer-range") { Description = "This test's layer buckets FROM-TO (0 <= FROM < TO <= 10000), not overlapping other tests of the layer; e.g. 0-5000 is half the customers." };
        var map = ColumnMapOption.Create(CustomerColumns.Mappable, MapExample);
        var command = new Command("assign", "Assign every customer of a customers export to a holdout arm: SHA-256 of salt.customer_id, first 8 bytes big-endian mod 10,000, arms by cumulative basis points; with a layer, only the customers in this test's layer range. Exit 0 when written, 1 for a data problem, 2 for a usage error.")
        {
            file, audience, salt, allocation, outFile, layer, layerSalt, layerRange, map,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            HoldoutAssigner assigner;
            try
            {
                assigner = Assigner(parse.GetValue(audience)!, parse.GetValue(salt)!, parse.GetValue(allocation)!,
                    parse.GetValue(layer), parse.GetValue(layerSalt), parse.GetValue(layerRange));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                await error.WriteLineAsync(UserMessage.Of(e)).ConfigureAwait(false);
                return LiftApp.UsageError;
            }
            string path = parse.GetValue(file)!.FullName;
            string target = parse.GetValue(outFile)!.FullName;
            AssignmentSummary summary;
            try
            {
                await using var customers = await ExportFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
                var reader = CustomerExportReader.Open(customers, new CustomerExportOptions { IdsOnly = true, Columns = parse.GetValue(map) ?? ColumnMapping.Default });
                summary = await WriteAtomicallyAsync(target, stream => HoldoutAssignmentWriter.WriteAsync(reader, assigner, stream, null, cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ExportValidationException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(UserMessage.Of(e)).ConfigureAwait(false);
                return LiftApp.DataProblem;
            }
            await output.WriteLineAsync(Describe(summary, assigner, target)).ConfigureAwait(false);
            return LiftApp.Ok;
        });
        return command;
    }

    /// <summary>The assigner the options describe.</summary>
    /// <exception cref="FormatException">A malformed allocation or layer range.</exception>
    /// <exception cref="ArgumentException">An invalid name, allocation, salt or layer.</exception>
    internal static HoldoutAssigner Assigner(string audience, string salt, string allocation, string? layer, string? layerSalt, string? layerRange)
    {
        if (!ObjectName.IsCampaignId(audience))
        {
            throw new ArgumentException($"--audience '{audience}' is not a name of 1 to 64 lower-case letters, digits and dashes.");
        }
        var shares = AllocationOption.Parse(allocation, bareShares: false)
            ?? throw new FormatException("--allocation is empty; give every arm as arm=share, comma separated (e.g. holdout=0.1,vbo=0.9).");
        BucketAllocation buckets;
        try
        {
            buckets = BucketAllocation.FromShares(shares);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--allocation: {UserMessage.Of(e)}.", e);
        }
        int given = (layer is null ? 0 : 1) + (layerSalt is null ? 0 : 1) + (layerRange is null ? 0 : 1);
        if (given is 1 or 2)
        {
            throw new ArgumentException("--layer, --layer-salt and --layer-range go together; give all three or none.");
        }
        AudienceLayer? place = null;
        if (given == 3)
        {
            var bounds = layerRange!.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length != 2 || !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                || !int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out int to))
            {
                throw new FormatException($"--layer-range '{layerRange}' is not FROM-TO; give bucket bounds such as 0-5000.");
            }
            place = new AudienceLayer(layer!, layerSalt!, from, to);
        }
        try
        {
            return new HoldoutAssigner(audience, salt, buckets, place);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(UserMessage.Of(e) + ".", e);
        }
    }

    /// <summary>Writes through <paramref name="write"/> to a partial file beside <paramref name="target"/>, then moves it into place.</summary>
    internal static async Task<T> WriteAtomicallyAsync<T>(string target, Func<Stream, Task<T>> write)
    {
        string partial = target + ".partial";
        try
        {
            T result;
            await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                result = await write(stream).ConfigureAwait(false);
            }
            File.Move(partial, target, overwrite: true);
            return result;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static string Describe(AssignmentSummary summary, HoldoutAssigner assigner, string target)
    {
        long assigned = summary.Counts.Sum();
        var arms = string.Join(", ", summary.Arms.Select((arm, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{arm} {summary.Counts[i]:N0} ({(assigned == 0 ? 0 : 100.0 * summary.Counts[i] / assigned):F1} %)")));
        string layer = assigner.Layer is { } l
            ? string.Create(CultureInfo.InvariantCulture, $"; layer {l.Name} buckets {l.From}-{l.To}: {summary.OutsideLayerRange:N0} customers left to the layer's other tests")
            : "";
        string balance = "";
        if (assigned > 0)
        {
            var srm = SampleRatioMismatch.Test(summary.Counts.ToArray(), assigner.Allocation.Shares());
            balance = string.Create(CultureInfo.InvariantCulture, $"; sample ratio vs plan p = {srm.PValue:0.###}");
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{assigner.Audience}: {assigned:N0} of {summary.Customers:N0} customers assigned — {arms}{layer}{balance}. Salt '{assigner.Salt}', hash {HoldoutHash.Version}. Wrote {target}");
    }
}
