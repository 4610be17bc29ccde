using System.Globalization;
using System.Text;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Ingestion;

/// <summary>
/// Reads any flat column through the ingestion decoders and renders each value as DuckDB's JSON export does
/// (numbers as double, booleans, text, dates and timestamps as text, blobs with \xNN escapes), so the corpus
/// can be compared with the expected rows. Returns null for types the ingestion does not map.
/// </summary>
internal static class CorpusColumnReader
{
    public static async Task<List<object?>?> ReadAsync(ExportFile file, ParquetColumnInfo column)
    {
        var type = column.Type;
        if (column.IsNested || type.Kind is ParquetValueKind.Time or ParquetValueKind.Interval or ParquetValueKind.Uuid)
        {
            return null;
        }
        var chunk = new ColumnChunkBuffer(column);
        var values = new List<object?>();
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            await chunk.LoadAsync(file, g, CancellationToken.None);
            int rows = chunk.Rows;
            var isNull = new bool[rows];
            if (type.Physical == ParquetPhysicalType.Boolean)
            {
                var flags = new sbyte[rows];
                ColumnDecoders.Flags(chunk, flags);
                values.AddRange(flags.Select(f => f < 0 ? null : (object)(f == 1)));
            }
            else if (ColumnDecoders.CanBeNumber(type))
            {
                var numbers = new double[rows];
                ColumnDecoders.Numbers(chunk, numbers, isNull);
                values.AddRange(numbers.Select((v, i) => isNull[i] ? null : (object)v));
            }
            else if (type.Kind is ParquetValueKind.Date or ParquetValueKind.Timestamp || type.Physical == ParquetPhysicalType.Int96)
            {
                var periods = new long[rows];
                ColumnDecoders.Periods(chunk, periods, isNull);
                var kind = ColumnDecoders.PeriodKindOf(type)!.Value;
                values.AddRange(periods.Select((v, i) => isNull[i] ? null : (object)Render(kind, v, type.AdjustedToUtc)));
            }
            else if (type.IsBytes)
            {
                for (int row = 0, next = 0; row < rows; row++)
                {
                    if (chunk.IsNull(row))
                    {
                        values.Add(null);
                        continue;
                    }
                    var bytes = chunk.Bytes[next++].Span;
                    values.Add(type.Kind is ParquetValueKind.Text or ParquetValueKind.Enum or ParquetValueKind.Json ? Encoding.UTF8.GetString(bytes) : EscapeBlob(bytes));
                }
            }
            else
            {
                return null;
            }
        }
        return values;
    }

    private static string Render(PeriodKind kind, long value, bool utc)
    {
        if (kind == PeriodKind.Date)
        {
            return new Period(kind, value).ToString();
        }
        if (value is < -62_135_596_800_000_000 or > 253_402_300_799_999_999)
        {
            return "outside DateTime range";
        }
        var instant = DateTime.UnixEpoch.AddTicks(value * 10);
        string text = instant.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');
        return utc && kind == PeriodKind.Timestamp ? text + "+00" : text;
    }

    private static string EscapeBlob(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            if (b is >= 32 and <= 126 && b is not ((byte)'\\' or (byte)'\'' or (byte)'"'))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }
        return text.ToString();
    }
}
