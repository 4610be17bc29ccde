using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// One audience refresh: streams a customers export, evaluates every segment rule of an <see cref="AudienceDefinition"/>
/// batch by batch and writes the members file (<see cref="SegmentMembersWriter"/>) beside its place, moving it in whole.
/// A rule naming <c>r</c>, <c>f</c>, <c>m</c> or <c>rfm</c> makes it read the export twice (RFM ranks need every customer).
/// </summary>
public static class AudienceBuilder
{
    /// <summary>Builds the members file <paramref name="outPath"/> of <paramref name="definition"/> from the export at <paramref name="exportPath"/>.</summary>
    /// <exception cref="ExportValidationException">The export (or the previous one) has a problem.</exception>
    /// <exception cref="AudienceDefinitionException">A rule does not parse or type-check against the export's columns.</exception>
    public static async Task<AudienceBuildResult> BuildAsync(string exportPath, AudienceDefinition definition, string outPath,
        AudienceBuildOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        options ??= new AudienceBuildOptions();
        var readOptions = new CustomerExportOptions { Columns = options.Columns };
        var previous = options.PreviousExport is { } old
            ? await PreviousStages.ReadAsync(old, readOptions, definition.Lifecycle, cancellationToken).ConfigureAwait(false)
            : null;
        await using var file = await ExportFile.OpenAsync(exportPath, cancellationToken).ConfigureAwait(false);
        var reader = CustomerExportReader.Open(file, readOptions);
        var probe = new CustomerSegmentColumns(reader, definition.Lifecycle, previous, null);
        var rules = Parse(definition, probe.Schema, options);
        bool rfm = rules.Any(r => r.Columns.Overlaps(CustomerSegmentColumns.RfmColumns));
        var table = rfm ? await RfmTable.BuildAsync(reader, cancellationToken).ConfigureAwait(false) : null;
        var columns = table is null ? probe : new CustomerSegmentColumns(reader, definition.Lifecycle, previous, table);
        string partial = outPath + ".partial";
        try
        {
            var result = await WriteAsync(reader, definition, rules, columns, partial, progress, cancellationToken).ConfigureAwait(false);
            File.Move(partial, outPath, overwrite: true);
            return result with { Rfm = table?.Counts(), Output = outPath };
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static SegmentRule[] Parse(AudienceDefinition definition, SegmentSchema schema, AudienceBuildOptions options)
    {
        var rules = new SegmentRule[definition.Segments.Count];
        var problems = new List<string>();
        for (int k = 0; k < rules.Length; k++)
        {
            try
            {
                rules[k] = SegmentRule.Parse(definition.Segments[k].Rule, schema);
            }
            catch (SegmentRuleException e)
            {
                problems.Add($"segments[{k}].rule ({definition.Segments[k].Name}) {e.Message}");
            }
        }
        if (problems.Count > 0)
        {
            string name = options.DefinitionName ?? (AudienceId.TryParse(definition.Audience, out var id) ? StoreLayout.AudienceConfig(id) : "audience.json");
            throw new AudienceDefinitionException(name, problems);
        }
        return rules;
    }

    private static async Task<AudienceBuildResult> WriteAsync(CustomerExportReader reader, AudienceDefinition definition, SegmentRule[] rules,
        CustomerSegmentColumns columns, string path, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var names = definition.Segments.Select(s => s.Name).ToArray();
        var masks = new bool[rules.Length][];
        var counts = new long[rules.Length];
        SegmentMembersWriter? writer = null;
        DateOnly asOf = default;
        long rows = 0;
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        try
        {
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = await reader.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
                columns.SetBatch(batch);
                for (int k = 0; k < rules.Length; k++)
                {
                    if (masks[k] is null || masks[k].Length < batch.Count)
                    {
                        masks[k] = new bool[batch.Count];
                    }
                    counts[k] += rules[k].Evaluate(columns, masks[k]);
                }
                if (batch.Count == 0)
                {
                    continue;
                }
                if (writer is null)
                {
                    asOf = DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + batch.AsOf[0]);
                    writer = await SegmentMembersWriter.CreateAsync(stream, reader.HasTextIds, definition.Audience, asOf, cancellationToken).ConfigureAwait(false);
                }
                await writer.WriteAsync(batch, names, masks, cancellationToken).ConfigureAwait(false);
                rows += batch.Count;
                progress?.Report((g + 1) / (double)reader.RowGroupCount);
            }
            long written = writer?.Rows ?? 0;
            return new AudienceBuildResult(definition.Audience, asOf, rows, names.Select((n, k) => new SegmentCount(n, counts[k])).ToArray(),
                columns.StageCounts.ToArray(), null, written, path);
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
