using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Panels;
using Parquet;
using Parquet.Schema;

namespace LiftPipeline.Ingestion.Panels;

/// <summary>
/// Writes a <see cref="Panel"/> as a panel export in the contract's long form — <c>unit</c>, <c>period</c>
/// (DATE, INT64 or TIMESTAMP), <c>treated</c>, optional <c>arm</c> and <c>spend</c>, then one DOUBLE column per metric —
/// ordered by unit then period, Snappy-compressed. Reading the file back gives the same panel.
/// Timestamp periods are written as INT64 microseconds and annotated afterwards (see <see cref="TimestampAnnotation"/>).
/// </summary>
public static class PanelParquetWriter
{
    private const int RowGroupRows = 1 << 20;

    /// <summary>Writes <paramref name="panel"/> to <paramref name="output"/>, which is left open.</summary>
    public static async Task WriteAsync(Panel panel, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(output);
        if (panel.Periods.Count > 0 && panel.Periods[0].Kind == PeriodKind.Timestamp)
        {
            using var buffer = new MemoryStream();
            await WriteColumnsAsync(panel, buffer, cancellationToken).ConfigureAwait(false);
            var annotated = TimestampAnnotation.AnnotateMicros(buffer.ToArray(), ContractColumns.Period);
            await output.WriteAsync(annotated, cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteColumnsAsync(panel, output, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteColumnsAsync(Panel panel, Stream output, CancellationToken cancellationToken)
    {
        var kind = panel.Periods.Count > 0 ? panel.Periods[0].Kind : PeriodKind.Integer;
        var unitField = new DataField<string>(ContractColumns.Unit, nullable: false);
        DataField periodField = kind switch
        {
            PeriodKind.Date => new DateTimeDataField(ContractColumns.Period, DateTimeFormat.Date, isNullable: false),
            _ => new DataField<long>(ContractColumns.Period, nullable: false),
        };
        var treatedField = new DataField<bool>(ContractColumns.Treated, nullable: false);
        var armField = panel.Arms is null ? null : new DataField<string>(ContractColumns.Arm, nullable: true);
        var spendField = panel.Spend is null ? null : new DataField<double>(ContractColumns.Spend, nullable: false);
        var metricFields = panel.MetricNames.Select(m => new DataField<double>(m, nullable: false)).ToArray();
        var fields = new List<Field> { unitField, periodField, treatedField };
        if (armField is not null)
        {
            fields.Add(armField);
        }
        if (spendField is not null)
        {
            fields.Add(spendField);
        }
        fields.AddRange(metricFields);

        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, append: false, cancellationToken)
            .ConfigureAwait(false);
        writer.CustomMetadata = new Dictionary<string, string> { ["liftpipeline.contract"] = "panel" };
        int t = panel.Periods.Count;
        int cells = panel.Units.Count * t;
        for (int start = 0; start < cells; start += RowGroupRows)
        {
            int count = Math.Min(RowGroupRows, cells - start);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(unitField, Slice(start, count, cell => panel.Units[cell / t])).ConfigureAwait(false);
            await WritePeriodsAsync(group, periodField, kind, panel, start, count, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync(treatedField, (ReadOnlyMemory<bool>)panel.Treatment.Slice(start, count).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
            if (armField is not null)
            {
                await group.WriteAsync(armField, Slice(start, count, cell => panel.Arms![cell / t])).ConfigureAwait(false);
            }
            if (spendField is not null)
            {
                await group.WriteAsync(spendField, (ReadOnlyMemory<double>)panel.Spend!.Values.Slice(start, count).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
            }
            foreach (var field in metricFields)
            {
                var values = panel.Metric(field.Name).Values.Slice(start, count).ToArray();
                await group.WriteAsync(field, (ReadOnlyMemory<double>)values, null, null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WritePeriodsAsync(ParquetRowGroupWriter group, DataField field, PeriodKind kind, Panel panel, int start, int count, CancellationToken cancellationToken)
    {
        int t = panel.Periods.Count;
        if (kind is PeriodKind.Integer or PeriodKind.Timestamp)
        {
            var values = new long[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = panel.Periods[(start + i) % t].Value;
            }
            await group.WriteAsync(field, (ReadOnlyMemory<long>)values, null, null, cancellationToken).ConfigureAwait(false);
            return;
        }
        var instants = new DateTime[count];
        for (int i = 0; i < count; i++)
        {
            var period = panel.Periods[(start + i) % t];
            instants[i] = period.ToDate().ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        }
        await group.WriteAsync(field, (ReadOnlyMemory<DateTime>)instants, null, null, cancellationToken).ConfigureAwait(false);
    }

    private static string?[] Slice(int start, int count, Func<int, string?> valueOfCell)
    {
        var values = new string?[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = valueOfCell(start + i);
        }
        return values;
    }
}
