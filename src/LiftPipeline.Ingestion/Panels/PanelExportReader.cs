using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Ingestion.Panels;

/// <summary>
/// Reads a panel export (one row per unit and period) into a <see cref="Panel"/>, row group by row group,
/// reading only the columns it needs. Every contract violation is reported together in one
/// <see cref="ExportValidationException"/>: value problems first (nulls, NaN, negative counts, bad flags),
/// then structure (duplicates, missing cells, treatment switching off, arms, controls, pre-period).
/// </summary>
public static class PanelExportReader
{
    /// <summary>Opens and reads the panel export at <paramref name="path"/>.</summary>
    public static async Task<Panel> ReadAsync(string path, PanelExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using var file = await ExportFile.OpenAsync(path, (options ?? new PanelExportOptions()).Limits, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(file, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads an open export as a panel. The footer is checked against <see cref="PanelExportOptions.Limits"/> (pages
    /// against the limits the file was opened under), and every page header of the columns read is checked before the
    /// panel's arrays are sized.
    /// </summary>
    /// <exception cref="ExportValidationException">The export breaks the panel contract, or a limit (code too-large).</exception>
    public static async Task<Panel> ReadAsync(ExportFile file, PanelExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        options ??= new PanelExportOptions();
        options.Limits.Check(file);
        var layout = PanelLayout.Resolve(file, options);
        options.Limits.CheckValues(file, "the panel", file.Rows, layout.Columns.Count);
        // Read whole, a panel is sized by the footer's row count: every page must first show those rows are there.
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            foreach (var column in layout.Columns)
            {
                await file.CheckPagesAsync(g, column, cancellationToken).ConfigureAwait(false);
            }
        }
        if (file.Rows > Array.MaxLength)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.TooLarge,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the file holds {file.Rows:N0} rows, more than one panel can hold ({Array.MaxLength:N0}); split the export"));
        }
        var rows = await ReadRowsAsync(file, layout, options, cancellationToken).ConfigureAwait(false);
        return new PanelAssembler(file.Name, layout, rows, options).Assemble();
    }

    private static async Task<PanelRows> ReadRowsAsync(ExportFile file, PanelLayout layout, PanelExportOptions options, CancellationToken cancellationToken)
    {
        int total = checked((int)file.Rows);
        var rows = new PanelRows(total, layout.Metrics.Count, layout.Arm is not null, layout.Spend is not null);
        var errors = new ExportErrorCollector(file.Name);
        var unitChunk = new ColumnChunkBuffer(layout.Unit);
        var periodChunk = new ColumnChunkBuffer(layout.Period);
        var treatedChunk = new ColumnChunkBuffer(layout.Treated);
        var armChunk = layout.Arm is null ? null : new ColumnChunkBuffer(layout.Arm);
        var spendChunk = layout.Spend is null ? null : new ColumnChunkBuffer(layout.Spend);
        var metricChunks = layout.Metrics.Select(m => new ColumnChunkBuffer(m)).ToArray();
        bool[] isNull = [];
        int offset = 0;
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            int n = checked((int)file.RowGroupRows[g]);
            if (isNull.Length < n)
            {
                isNull = new bool[n];
            }
            await unitChunk.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            await periodChunk.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            await treatedChunk.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            var units = rows.Units.AsSpan(offset, n);
            if (ColumnDecoders.Categories(unitChunk, rows.UnitNames, units) > 0)
            {
                ReportNullCodes(errors, layout.Unit, units, offset);
            }
            var periods = rows.Periods.AsSpan(offset, n);
            int nullPeriods = ColumnDecoders.Periods(periodChunk, periods, isNull);
            CheckPeriods(errors, layout.Period, periods, isNull.AsSpan(0, n), nullPeriods, ColumnDecoders.PeriodKindOf(layout.Period.Type)!.Value, offset);
            var treated = rows.Treated.AsSpan(offset, n);
            ColumnDecoders.Flags(treatedChunk, treated);
            CheckFlags(errors, layout.Treated, treated, offset);
            if (armChunk is not null)
            {
                await armChunk.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
                ColumnDecoders.Categories(armChunk, rows.ArmNames, rows.Arms.AsSpan(offset, n));
            }
            if (spendChunk is not null)
            {
                await spendChunk.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
                var spend = rows.Spend.AsSpan(offset, n);
                int nulls = ColumnDecoders.Numbers(spendChunk, spend, isNull);
                MetricChecks.Check(errors, layout.Spend!.Name, spend, isNull.AsSpan(0, n), nulls, isCount: true, offset);   // spend is never negative
            }
            for (int m = 0; m < metricChunks.Length; m++)
            {
                await metricChunks[m].LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
                var values = rows.Metrics[m].AsSpan(offset, n);
                int nulls = ColumnDecoders.Numbers(metricChunks[m], values, isNull);
                MetricChecks.Check(errors, layout.Metrics[m].Name, values, isNull.AsSpan(0, n), nulls, options.CountMetrics.Contains(layout.Metrics[m].Name), offset);
            }
            offset += n;
        }
        errors.ThrowIfAny();
        return rows;
    }

    private static void ReportNullCodes(ExportErrorCollector errors, ParquetColumnInfo column, ReadOnlySpan<int> codes, int offset)
    {
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] < 0)
            {
                errors.Add(ExportErrorCodes.NullValue, column.Name, "null value", offset + i);
            }
        }
    }

    private static void CheckPeriods(ExportErrorCollector errors, ParquetColumnInfo column, ReadOnlySpan<long> periods, ReadOnlySpan<bool> isNull, int nulls, PeriodKind kind, int offset)
    {
        var (min, max) = Period.Range(kind);
        for (int i = 0; i < periods.Length; i++)
        {
            if (nulls > 0 && isNull[i])
            {
                errors.Add(ExportErrorCodes.NullValue, column.Name, "null period", offset + i);
            }
            else if (periods[i] < min || periods[i] > max)
            {
                errors.Add(ExportErrorCodes.InvalidValue, column.Name, "not a date (text periods must be yyyy-MM-dd) or outside the representable range", offset + i);
            }
        }
    }

    private static void CheckFlags(ExportErrorCollector errors, ParquetColumnInfo column, ReadOnlySpan<sbyte> flags, int offset)
    {
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i] < 0)
            {
                errors.Add(ExportErrorCodes.NullValue, column.Name, "null treated flag", offset + i);
            }
            else if (flags[i] == ColumnDecoders.InvalidFlag)
            {
                errors.Add(ExportErrorCodes.InvalidValue, column.Name, "treated must be true/false or 0/1", offset + i);
            }
        }
    }
}

/// <summary>Per-row values of a panel export, in file order.</summary>
internal sealed class PanelRows(int rows, int metrics, bool hasArm, bool hasSpend)
{
    public int[] Units { get; } = new int[rows];
    public long[] Periods { get; } = new long[rows];
    public sbyte[] Treated { get; } = new sbyte[rows];
    public int[] Arms { get; } = hasArm ? new int[rows] : [];
    public double[] Spend { get; } = hasSpend ? new double[rows] : [];
    public double[][] Metrics { get; } = Enumerable.Range(0, metrics).Select(_ => new double[rows]).ToArray();
    public CategoryDictionary UnitNames { get; } = new();
    public CategoryDictionary ArmNames { get; } = new();
    public int Count => Periods.Length;
}
